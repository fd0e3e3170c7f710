using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// Writes least-privilege audit results as a report. Every format is fed from the same <see cref="Report"/>: the
/// findings grouped by the audit run that produced them, with each run's who-can matrix and totals.
/// </summary>
/// <remarks>
/// Findings of several runs (several snapshots piped together) give one report per run: SARIF and JUnit hold them as
/// several runs or test suites, JSON as an array of report objects, Markdown and HTML as consecutive sections.
/// The totals count the findings given, so a filtered list of findings gives a report that agrees with itself.
/// </remarks>
public static class AuditReportWriter
{
    /// <summary>Writes a report of <paramref name="findings"/> and the runs they come from.</summary>
    /// <param name="generatedAt">The time the report states; now when null (pass a fixed time for repeatable output).</param>
    public static void Write(IEnumerable<Finding> findings, ReportFormat format, TextWriter output, DateTimeOffset? generatedAt = null)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(output);

        // The same finding piped twice is reported once.
        var distinct = findings.Distinct().ToList();
        var runs = distinct
            .GroupBy(f => f.Run)
            .Select(g => new RunReport(g.Key, g.ToList()))
            .ToList();
        if (runs.Count == 0)
        {
            runs.Add(new RunReport(null, []));
        }

        Write(new Report(runs, generatedAt ?? DateTimeOffset.UtcNow), format, output);
    }

    /// <summary>Writes a report of a whole run, which may have no findings at all.</summary>
    /// <param name="generatedAt">The time the report states; now when null (pass a fixed time for repeatable output).</param>
    public static void Write(AuditRun run, ReportFormat format, TextWriter output, DateTimeOffset? generatedAt = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(output);
        Write(new Report([new RunReport(run, run.Findings)], generatedAt ?? DateTimeOffset.UtcNow), format, output);
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
