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
    public Report(IReadOnlyList<RunReport> runs, DateTimeOffset generatedAt, string? baseDirectory)
    {
        Runs = runs;
        GeneratedAt = generatedAt.ToUniversalTime();
        BaseDirectory = baseDirectory;
    }

    public const string ToolName = "MarketplaceGuard";

    /// <summary>The module version without build metadata ("0.1.0", not "0.1.0+3f2a..."), so reports stay comparable.</summary>
    public static string ToolVersion { get; } = ReadToolVersion();

    public IReadOnlyList<RunReport> Runs { get; }

    /// <summary>The directory file paths are made relative to (PowerShell's current location); null for absolute paths.</summary>
    public string? BaseDirectory { get; }

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

/// <summary>The findings of one audit run, with the run's context, matrix, totals and fix plan.</summary>
internal sealed class RunReport
{
    public RunReport(AuditRun run, IReadOnlyList<Finding> findings)
    {
        Run = run;
        Findings = findings;

        // Capabilities in the order the matrix has them (the audit uses Capabilities.All's report order).
        Capabilities = Matrix.Select(e => e.CapabilityDefinition).Distinct().ToList();
        MatrixRows = Matrix
            .GroupBy(e => e.Principal)
            .Select(g => new MatrixRow(g.Key, run.RoleOf(g.Key), g.ToList()))
            .ToList();
        FixPlan = FixPlanItem.Plan(Open);
    }

    public AuditRun Run { get; }

    /// <summary>The findings reported, suppressed ones included, in the order given.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    public string Source => Run.Source;

    /// <summary>Empty for a run restored from serialization.</summary>
    public IReadOnlyList<AccessEntry> Matrix => Run.Matrix;

    /// <summary>The matrix columns.</summary>
    public IReadOnlyList<Capability> Capabilities { get; }

    /// <summary>The matrix rows, one per audited principal.</summary>
    public IReadOnlyList<MatrixRow> MatrixRows { get; }

    /// <summary>How many principals the run audited (every user and role of the account).</summary>
    public int PrincipalCount => Run.PrincipalCount;

    /// <summary>The principals the run audited, by display name; null for a restored run, which keeps only their number.</summary>
    public IReadOnlyList<string>? Principals => Run.Account?.Principals.Select(p => p.DisplayName).ToList();

    /// <summary>The findings left to fix.</summary>
    public IEnumerable<Finding> Open => Findings.Where(f => !f.Suppressed);

    public IEnumerable<Finding> Suppressed => Findings.Where(f => f.Suppressed);

    public int SuppressedCount => Suppressed.Count();

    /// <summary>Open findings of one severity (suppressed ones are counted apart, so the counts add up to the total).</summary>
    public int OpenCount(Severity severity) => Open.Count(f => f.Severity == severity);

    /// <summary>An incomplete snapshot never passes: what it lacks was never audited.</summary>
    public bool Passed => !Run.Incomplete && Findings.All(f => f.Suppressed);

    /// <summary>The open findings grouped by the command that fixes them, group-level fixes first.</summary>
    public IReadOnlyList<FixPlanItem> FixPlan { get; }
}

/// <summary>
/// One line of a report's fix plan: a command, the cause it removes, and the principals (and rules) it fixes. Findings
/// that recommend the same command are fixed together: a revoke at a group fixes every member it is recommended for.
/// </summary>
internal sealed record FixPlanItem(string Command, string Cause, IReadOnlyList<string> Principals, IReadOnlyList<string> RuleIds, bool AtGroup)
{
    private const string GroupFix = "Revoke-MarketplaceAccess -GroupName ";

    public static IReadOnlyList<FixPlanItem> Plan(IEnumerable<Finding> open) => open
        .GroupBy(f => f.Recommendation, StringComparer.Ordinal)
        .Select(g => new FixPlanItem(
            g.Key,
            string.Join("; ", g.Select(f => f.Cause).Distinct(StringComparer.Ordinal)),
            g.Select(f => f.Principal).Distinct(StringComparer.Ordinal).ToList(),
            g.Select(f => f.RuleId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            g.Key.StartsWith(GroupFix, StringComparison.Ordinal)))
        .OrderByDescending(i => i.AtGroup)
        .ThenByDescending(i => i.Principals.Count)
        .ThenBy(i => i.Command, StringComparer.Ordinal)
        .ToList();

    /// <summary>"fixes 12 principals (MG1001, MG1002)".</summary>
    public string Fixes => string.Create(
        CultureInfo.InvariantCulture,
        $"fixes {Principals.Count} principal{(Principals.Count == 1 ? string.Empty : "s")} ({string.Join(", ", RuleIds)})");
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

    /// <summary>"Procurement" (declared) → "user/alice, user/bob" (groups expanded), or "none".</summary>
    public static string Principals(IReadOnlyList<string> declared, IReadOnlyList<string> resolved)
    {
        if (declared.Count == 0 && resolved.Count == 0)
        {
            return "none";
        }

        var expanded = resolved.Count == 0 ? "nobody" : string.Join(", ", resolved);
        return declared.Count == 0 ? expanded : $"{string.Join(", ", declared)} ({expanded})";
    }

    /// <summary>The suppression file, or "none".</summary>
    public static string SuppressionFile(AuditRun run) => run.SuppressionPath ?? "none";

    /// <summary>"MG1001 role/x (expired 2026-09-30)", or "none".</summary>
    public static string Expired(AuditRun run) => run.ExpiredSuppressions.Count == 0
        ? "none"
        : string.Join("; ", run.ExpiredSuppressions.Select(s => $"{s.RuleId} {s.Principal} (expired {Date(s.Expires)})"));

    /// <summary>What an incomplete snapshot means for the verdict.</summary>
    public const string IncompleteWarning =
        "The snapshot was incomplete (audited with -AllowIncomplete): principals and policies missing from it were not audited, so the audit cannot pass.";

    /// <summary>The verdict line: "Passed", "Failed, 3 findings to fix", "Not passed: incomplete snapshot, 3 findings to fix".</summary>
    public static string Headline(RunReport run)
    {
        var toFix = run.Open.Any() ? $", {Verdict(run)} to fix" : string.Empty;
        return run.Run.Incomplete ? "Not passed: incomplete snapshot" + toFix
            : run.Passed ? "Passed"
            : "Failed" + toFix;
    }
}
