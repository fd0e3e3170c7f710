using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// Writes least-privilege audit results as a report. Every format is fed from the same <see cref="Report"/>: one
/// section per audit run, with the run's context (account, declared principals, suppressions, completeness), its
/// who-can matrix, totals, fix plan and findings.
/// </summary>
/// <remarks>
/// A report always states the audit it comes from: it is written from whole runs, or from findings, which carry
/// their run. Nothing at all is an <see cref="ArgumentException"/>, never an empty "passed" report. Several runs give
/// several sections, in account id order: SARIF runs, JUnit test suites, entries of the JSON "audits" array, account
/// sections in Markdown and HTML. A run of an organization audit brings every run of its
/// <see cref="AuditRun.Organization"/>, and such a report (or any of several runs) opens with a summary of every
/// account, those not audited included; it passes only when every account was audited and passed. An organization
/// audit that audited no account at all is still reported, from its scope. The totals count
/// the findings given, so a filtered list of findings gives a report that agrees with itself.
/// </remarks>
public static class AuditReportWriter
{
    /// <summary>Writes a report of <paramref name="findings"/> and the runs they come from.</summary>
    /// <param name="generatedAt">The time the report states; now when null (pass a fixed time for repeatable output).</param>
    /// <param name="baseDirectory">The directory SARIF artifact paths are relative to; absolute file URIs when null.</param>
    public static void Write(IEnumerable<Finding> findings, ReportFormat format, TextWriter output, DateTimeOffset? generatedAt = null, string? baseDirectory = null) =>
        Write([], findings, format, output, generatedAt, baseDirectory);

    /// <summary>Writes a report of a whole run, which may have no findings at all.</summary>
    public static void Write(AuditRun run, ReportFormat format, TextWriter output, DateTimeOffset? generatedAt = null, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        Write([run], [], format, output, generatedAt, baseDirectory);
    }

    /// <summary>
    /// Writes the report of an organization audit: every run of it and every account it could not audit, also when it
    /// audited none (the report then says which accounts were not audited, and never passes).
    /// </summary>
    public static void Write(OrganizationScope organization, ReportFormat format, TextWriter output, DateTimeOffset? generatedAt = null, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(organization);
        Write([organization], [], [], format, output, generatedAt, baseDirectory);
    }

    /// <summary>
    /// Writes a report of whole <paramref name="runs"/> (with every finding of each) and of <paramref name="findings"/>
    /// grouped by their run. Throws <see cref="ArgumentException"/> when both are empty: a report must come from an audit.
    /// </summary>
    public static void Write(IEnumerable<AuditRun> runs, IEnumerable<Finding> findings, ReportFormat format, TextWriter output, DateTimeOffset? generatedAt = null, string? baseDirectory = null) =>
        Write([], runs, findings, format, output, generatedAt, baseDirectory);

    /// <summary>
    /// Writes a report of whole <paramref name="organizations"/> (every run of each, and the accounts they left out),
    /// whole <paramref name="runs"/> (with every finding of each) and <paramref name="findings"/> grouped by their run.
    /// Throws <see cref="ArgumentException"/> when all are empty: a report must come from an audit.
    /// </summary>
    public static void Write(IEnumerable<OrganizationScope> organizations, IEnumerable<AuditRun> runs, IEnumerable<Finding> findings, ReportFormat format, TextWriter output, DateTimeOffset? generatedAt = null, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(organizations);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(output);
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "unknown report format");
        }

        var whole = runs.ToHashSet();
        var order = new List<AuditRun>();
        var given = new Dictionary<AuditRun, List<Finding>>();
        foreach (var run in runs)
        {
            if (!given.ContainsKey(run))
            {
                order.Add(run);
                given[run] = [];
            }
        }

        // The same finding piped twice is reported once; a finding of a run reported whole is already in it.
        foreach (var finding in findings.Distinct())
        {
            if (whole.Contains(finding.Run))
            {
                continue;
            }

            if (!given.TryGetValue(finding.Run, out var list))
            {
                order.Add(finding.Run);
                given[finding.Run] = list = [];
            }

            list.Add(finding);
        }

        // An organization audit comes whole with any of its runs: the report of some of its findings still covers every
        // account, those that passed too. A run none of the given findings belongs to is reported with all its findings,
        // so an account is never shown as passed because its findings were left out.
        var scopes = organizations.Concat(order.Select(r => r.Organization).OfType<OrganizationScope>()).Distinct().ToList();
        if (order.Count == 0 && scopes.Count == 0)
        {
            throw new ArgumentException("Nothing to report: no audit run and no finding.", nameof(findings));
        }

        foreach (var run in scopes.SelectMany(s => s.Runs).Where(r => !given.ContainsKey(r)))
        {
            order.Add(run);
            given[run] = [];
            whole.Add(run);
        }

        var sections = order.Select(r => new RunReport(r, whole.Contains(r) ? r.Findings : given[r])).ToList();
        Write(new Report(sections, scopes, generatedAt ?? DateTimeOffset.UtcNow, baseDirectory), format, output);
    }

    /// <summary>The usual file extension of a format, with its dot (".sarif", ".xml" ...).</summary>
    public static string FileExtension(ReportFormat format) => format switch
    {
        ReportFormat.Json => ".json",
        ReportFormat.Sarif => ".sarif",
        ReportFormat.JUnit => ".xml",
        ReportFormat.Markdown => ".md",
        ReportFormat.Html => ".html",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown report format"),
    };

    private static void Write(Report report, ReportFormat format, TextWriter output)
    {
        switch (format)
        {
            case ReportFormat.Json:
                JsonReportWriter.Write(report, output);
                break;
            case ReportFormat.Sarif:
                SarifReportWriter.Write(report, output);
                break;
            case ReportFormat.JUnit:
                JUnitReportWriter.Write(report, output);
                break;
            case ReportFormat.Markdown:
                MarkdownReportWriter.Write(report, output);
                break;
            case ReportFormat.Html:
                HtmlReportWriter.Write(report, output);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "unknown report format");
        }

        output.Flush();
    }
}
