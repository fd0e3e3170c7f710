using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// What every report format writes: the tool, the time, one section per audit run and, for an organization (or any
/// report of several runs), the summary of every account.
/// </summary>
internal sealed class Report
{
    /// <param name="organizations">The organization audits of the runs (and those given whole, which may have no run).</param>
    public Report(IReadOnlyList<RunReport> runs, IReadOnlyList<OrganizationScope> organizations, DateTimeOffset generatedAt, string? baseDirectory)
    {
        // Account id order (a stable sort: runs of one account keep the order given), so the report of an organization
        // reads the same however its runs arrived: from one fan-out, from shards, or findings piped in any order.
        Runs = runs.OrderBy(r => r.Run.AccountId ?? string.Empty, StringComparer.Ordinal).ToList();
        GeneratedAt = generatedAt.ToUniversalTime();
        BaseDirectory = baseDirectory;
        Organization = OrganizationSummary.Of(Runs, organizations);
    }

    public const string ToolName = "MarketplaceGuard";

    /// <summary>The module version without build metadata ("0.1.0", not "0.1.0+3f2a..."), so reports stay comparable.</summary>
    public static string ToolVersion { get; } = ReadToolVersion();

    /// <summary>In account id order; empty only for an organization audit that audited no account.</summary>
    public IReadOnlyList<RunReport> Runs { get; }

    /// <summary>The summary of every account; null for the report of one run outside an organization audit.</summary>
    public OrganizationSummary? Organization { get; }

    /// <summary>The directory file paths are made relative to (PowerShell's current location); null for absolute paths.</summary>
    public string? BaseDirectory { get; }

    /// <summary>In UTC.</summary>
    public DateTimeOffset GeneratedAt { get; }

    /// <summary>ISO 8601 in UTC, to the second.</summary>
    public string GeneratedAtText => ReportText.UtcTimestamp(GeneratedAt);

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

    /// <summary>Open findings per rule id, in rule id order (only the rules with some).</summary>
    public IReadOnlyList<KeyValuePair<string, int>> OpenByRule => Open
        .GroupBy(f => f.RuleId, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => KeyValuePair.Create(g.Key, g.Count()))
        .ToList();

    /// <summary>An incomplete snapshot never passes (what it lacks was never audited), nor an account of an organization run whose SCPs were not read.</summary>
    public bool Passed => !Run.Incomplete && !Run.ServiceControlPoliciesUnknown && Findings.All(f => f.Suppressed);

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
    /// <summary>ISO 8601 in UTC, to the second ("2026-11-27T12:00:00Z"): every time MarketplaceGuard writes into a file.</summary>
    public static string UtcTimestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

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
        return open == 0 ? "Passed" : Count(open, "finding");
    }

    /// <summary>"1 account", "3 accounts".</summary>
    public static string Count(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");

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

    /// <summary>"prod (111122223333)", "111122223333" when the account has no name, "unknown account" without an id.</summary>
    public static string Account(string? accountId, string? accountName) => (accountId, accountName) switch
    {
        (null, null) => "unknown account",
        (null, _) => accountName,
        (_, null) => accountId,
        _ => $"{accountName} ({accountId})",
    };

    /// <summary>A run's account as a section heading names it: "prod (111122223333), Root / Workloads".</summary>
    public static string AccountHeading(AuditRun run) =>
        Account(run.AccountId, run.AccountName) + (run.OrganizationPath is null ? string.Empty : ", " + run.OrganizationPath);

    /// <summary>Whether SCPs were considered for the account: the assessment's sentence.</summary>
    public static string ServiceControlPolicies(AuditRun run) => run.ServiceControlPolicies.Summary;

    /// <summary>The SCPs that matter to the account ("DenyMarketplace (OU Sandbox)"), or "none".</summary>
    public static string RelevantServiceControlPolicies(AuditRun run) =>
        run.ServiceControlPolicies.Relevant.Count == 0 ? "none" : string.Join("; ", run.ServiceControlPolicies.Relevant);

    /// <summary>The SCP line of a single-account report: the assessment, and the SCPs that matter when there are some.</summary>
    public static string ServiceControlPolicyLine(AuditRun run) => run.ServiceControlPolicies.Relevant.Count == 0
        ? ServiceControlPolicies(run)
        : $"{ServiceControlPolicies(run)}; relevant: {RelevantServiceControlPolicies(run)}";

    /// <summary>
    /// The verdict of an organization: "Passed", "Failed, 4 findings to fix in 2 accounts", "Not passed: 1 account not
    /// audited (sandbox (444455556666)), 4 findings to fix", "Not passed: incomplete snapshot of 1 account".
    /// </summary>
    public static string Headline(OrganizationSummary organization)
    {
        var open = organization.OpenCount;
        var toFix = open > 0 ? $", {Count(open, "finding")} to fix" : string.Empty;
        if (organization.NotAudited.Count > 0)
        {
            return $"Not passed: {Count(organization.NotAudited.Count, "account")} not audited ({NotAuditedNames(organization.NotAudited)}){toFix}";
        }

        var incomplete = organization.Runs.Count(r => r.Run.Incomplete);
        if (incomplete > 0)
        {
            return $"Not passed: incomplete snapshot of {Count(incomplete, "account")}{toFix}";
        }

        var withoutScps = organization.Runs.Count(r => r.Run.ServiceControlPoliciesUnknown);
        if (withoutScps > 0)
        {
            return $"Not passed: SCPs not considered for {Count(withoutScps, "account")}{toFix}";
        }

        return organization.Passed
            ? "Passed"
            : $"Failed{toFix} in {Count(organization.Runs.Count(r => !r.Passed), "account")}";
    }

    /// <summary>The accounts not audited as a headline names them: the first three, then how many more.</summary>
    private static string NotAuditedNames(IReadOnlyList<UnauditedAccount> accounts)
    {
        const int Shown = 3;
        var names = string.Join(", ", accounts.Take(Shown).Select(a => Account(a.AccountId, a.AccountName)));
        return accounts.Count > Shown ? string.Create(CultureInfo.InvariantCulture, $"{names} and {accounts.Count - Shown} more") : names;
    }

    /// <summary>"3 of 4 accounts audited, 1 not audited; 4 findings to fix, 1 suppressed".</summary>
    public static string Totals(OrganizationSummary organization) => string.Create(
        CultureInfo.InvariantCulture,
        $"{organization.AccountsAudited} of {Count(organization.AccountsRequested, "account")} audited, {organization.NotAudited.Count} not audited; {Count(organization.OpenCount, "finding")} to fix, {organization.SuppressedCount} suppressed");

    /// <summary>
    /// The warning when some audited accounts were judged without their SCPs (null when every one was). Such an account
    /// does not pass either (see AuditRun.ServiceControlPoliciesUnknown): an SCP may cause a lockout the audit cannot see.
    /// </summary>
    public static string? ServiceControlPolicyWarning(OrganizationSummary organization)
    {
        var ignored = organization.WithoutServiceControlPolicies.Count;
        if (ignored == 0)
        {
            return null;
        }

        var why = organization.Scope is { ServiceControlPoliciesRead: false, NotReadReason: { } reason } ? $" (the organization's SCPs were not read: {reason})" : string.Empty;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Service control policies were not considered for {ignored} of {Count(organization.AccountsAudited, "audited account")}{why}: access an SCP blocks may be reported as allowed, and a lockout an SCP causes may be missed.");
    }

    /// <summary>What an organization summary says of the organization: "o-a1b2c3d4e5 (management account 111111111111)", or why it is unknown.</summary>
    public static string Organization(OrganizationScope scope) => scope switch
    {
        { OrganizationId: null } => "unknown" + (scope.NotReadReason is null ? string.Empty : $" ({scope.NotReadReason})"),
        { ManagementAccountId: null } => scope.OrganizationId,
        _ => $"{scope.OrganizationId} (management account {scope.ManagementAccountId})",
    };

    /// <summary>Whether the organization's SCPs were read: "read and applied", "not read: why".</summary>
    public static string OrganizationServiceControlPolicies(OrganizationScope scope) => scope.ServiceControlPoliciesRead
        ? "read and applied to every audited account"
        : "not read" + (scope.NotReadReason is null ? string.Empty : ": " + scope.NotReadReason);

    /// <summary>The verdict line: "Passed", "Failed, 3 findings to fix", "Not passed: incomplete snapshot, 3 findings to fix".</summary>
    public static string Headline(RunReport run)
    {
        var toFix = run.Open.Any() ? $", {Verdict(run)} to fix" : string.Empty;
        return run.Run.Incomplete ? "Not passed: incomplete snapshot" + toFix
            : run.Run.ServiceControlPoliciesUnknown ? "Not passed: SCPs not considered" + toFix
            : run.Passed ? "Passed"
            : "Failed" + toFix;
    }
}
