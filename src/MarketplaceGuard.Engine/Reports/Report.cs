using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>What every report format writes: the tool, the time, and one section per audit run.</summary>
internal sealed class Report
{
    public Report(IReadOnlyList<RunReport> runs, DateTimeOffset generatedAt)
    {
        Runs = runs;
        GeneratedAt = generatedAt.ToUniversalTime();
    }

    public const string ToolName = "MarketplaceGuard";

    /// <summary>The module version without build metadata ("0.1.0", not "0.1.0+3f2a..."), so reports stay comparable.</summary>
    public static string ToolVersion { get; } = ReadToolVersion();

    public IReadOnlyList<RunReport> Runs { get; }

    /// <summary>In UTC.</summary>
    public DateTimeOffset GeneratedAt { get; }

    /// <summary>ISO 8601 in UTC, to the second.</summary>
    public string GeneratedAtText => GeneratedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>For people: "2026-11-27 12:00 UTC".</summary>
    public string GeneratedAtDisplay => GeneratedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The line ending the caller's writer uses, when it is one JSON and XML writers accept.</summary>
    public static string NewLine(TextWriter output) => output.NewLine == "\r\n" ? "\r\n" : "\n";

    private static string ReadToolVersion()
    {
        var version = typeof(Report).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrWhiteSpace(version))
        {
            return "0.1.0";
        }

        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? version[..plus] : version;
    }
}

/// <summary>The findings of one audit run, with the run's matrix and totals; <see cref="Run"/> is null only for an empty report.</summary>
internal sealed class RunReport
{
    private readonly HashSet<AccountPrincipal> procurement;
    private readonly HashSet<AccountPrincipal> viewers;

    public RunReport(AuditRun? run, IReadOnlyList<Finding> findings)
    {
        Run = run;
        Findings = findings;
        procurement = run?.ProcurementPrincipals.ToHashSet() ?? [];
        viewers = run?.ViewerPrincipals.ToHashSet() ?? [];

        // Capabilities in the order the matrix has them (the audit uses Capabilities.All's report order).
        Capabilities = Matrix.Select(e => e.CapabilityDefinition).Distinct().ToList();
        MatrixRows = Matrix
            .GroupBy(e => e.Principal)
            .Select(g => new MatrixRow(g.Key, RoleOf(g.Key), g.ToList()))
            .ToList();
    }

    public AuditRun? Run { get; }

    /// <summary>The findings reported, suppressed ones included, in the order given.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    public string? Source => Run?.Source;

    public IReadOnlyList<AccessEntry> Matrix => Run?.Matrix ?? [];

    /// <summary>The matrix columns.</summary>
    public IReadOnlyList<Capability> Capabilities { get; }

    /// <summary>The matrix rows, one per audited principal.</summary>
    public IReadOnlyList<MatrixRow> MatrixRows { get; }

    /// <summary>The principals the run audited (every principal of the account); without a run, those of the findings.</summary>
    public IReadOnlyList<AccountPrincipal> Principals =>
        Run?.Account.Principals ?? Findings.Select(f => f.Principal).Distinct().ToList();

    /// <summary>The findings left to fix.</summary>
    public IEnumerable<Finding> Open => Findings.Where(f => !f.Suppressed);

    public IEnumerable<Finding> Suppressed => Findings.Where(f => f.Suppressed);

    public int SuppressedCount => Suppressed.Count();

    /// <summary>Open findings of one severity (suppressed ones are counted apart, so the counts add up to the total).</summary>
    public int OpenCount(Severity severity) => Open.Count(f => f.Severity == severity);

    public bool Passed => Findings.All(f => f.Suppressed);

    /// <summary>How the audit treated the principal; procurement wins when a principal is named as both.</summary>
    public string RoleOf(AccountPrincipal principal) =>
        procurement.Contains(principal) ? "Procurement" : viewers.Contains(principal) ? "Viewer" : "Other";
}

/// <summary>One row of the who-can matrix.</summary>
internal sealed record MatrixRow(AccountPrincipal Principal, string Role, IReadOnlyList<AccessEntry> Entries)
{
    public AccessEntry? For(Capability capability) => Entries.FirstOrDefault(e => e.CapabilityDefinition == capability);
}

/// <summary>Wording shared by the formats, so a decision reads the same in Markdown and HTML.</summary>
internal static class ReportText
{
    /// <summary>Most severe first.</summary>
    public static IReadOnlyList<Severity> Severities { get; } = [Severity.High, Severity.Medium, Severity.Low];

    public static string Label(AuditDecision decision) => decision switch
    {
        AuditDecision.Allowed => "Allowed",
        AuditDecision.ConditionallyAllowed => "Conditional",
        AuditDecision.ExplicitDeny => "Denied (explicit)",
        AuditDecision.ImplicitDeny => "Denied (implicit)",
        _ => "Unknown",
    };

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"suppressed: why (until 2027-03-31)".</summary>
    public static string SuppressionNote(Suppression suppression) =>
        $"suppressed: {suppression.Justification} (until {Date(suppression.Expires)})";

    public static string Verdict(RunReport run)
    {
        var open = run.Open.Count();
        return open switch
        {
            0 => "Passed",
            1 => "1 finding",
            _ => string.Create(CultureInfo.InvariantCulture, $"{open} findings"),
        };
    }

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
