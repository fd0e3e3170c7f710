using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// One least-privilege audit of an account: what it was measured on (account, declared principals, suppressions),
/// the who-can matrix and the findings. Every finding refers to its run, so a report of findings states the audit
/// they come from, and a run with no finding at all can still be reported.
/// </summary>
/// <remarks>
/// A run read back from PowerShell serialization (Export-Clixml, jobs, remoting) is restored with
/// <see cref="Restore"/>: it keeps the summary (account, principals declared, suppressions, counts) but has no
/// account model nor matrix.
/// </remarks>
public sealed class AuditRun
{
    private readonly List<Finding> findings = [];
    private readonly HashSet<AccountPrincipal> procurementSet;
    private readonly HashSet<AccountPrincipal> viewerSet;
    private readonly HashSet<AccountPrincipal> launcherSet;
    private readonly HashSet<AccountPrincipal> governanceSet;

    internal AuditRun(Account account, IReadOnlyList<AccountPrincipal> procurement, IReadOnlyList<AccountPrincipal> viewers, IReadOnlyList<AccountPrincipal> launchers, IReadOnlyList<AccountPrincipal> governance, AuditDeclaration declaration, DateTime startedAt)
        : this(
            Guid.NewGuid(),
            AccountIdOf(account),
            account.Snapshot.Source,
            startedAt,
            declaration,
            procurement.Select(p => p.DisplayName).ToList(),
            viewers.Select(p => p.DisplayName).ToList(),
            launchers.Select(p => p.DisplayName).ToList(),
            governance.Select(p => p.DisplayName).ToList(),
            account.Principals.Count)
    {
        Account = account;
        procurementSet = procurement.ToHashSet();
        viewerSet = viewers.Where(v => !procurementSet.Contains(v)).ToHashSet();
        launcherSet = launchers.ToHashSet();
        governanceSet = governance.ToHashSet();
    }

    private AuditRun(
        Guid id,
        string? accountId,
        string source,
        DateTime startedAt,
        AuditDeclaration declaration,
        IReadOnlyList<string> procurement,
        IReadOnlyList<string> viewers,
        IReadOnlyList<string> launchers,
        IReadOnlyList<string> governance,
        int principalCount)
    {
        Id = id;
        AccountId = accountId;
        Source = source;
        StartedAt = DateTime.SpecifyKind(startedAt.ToUniversalTime(), DateTimeKind.Utc);
        DeclaredProcurementPrincipals = declaration.ProcurementPrincipals;
        DeclaredViewerPrincipals = declaration.ViewerPrincipals;
        SuppressionPath = declaration.SuppressionPath;
        ProcurementPrincipals = procurement;
        ViewerPrincipals = viewers;
        DeclaredLauncherPrincipals = declaration.LauncherPrincipals;
        LauncherPrincipals = launchers;
        DeclaredGovernancePrincipals = declaration.GovernancePrincipals;
        GovernancePrincipals = governance;
        PrincipalCount = principalCount;
        procurementSet = [];
        viewerSet = [];
        launcherSet = [];
        governanceSet = [];
    }

    /// <summary>Tells the findings of one run from those of another once they have been serialized.</summary>
    public Guid Id { get; }

    /// <summary>The 12-digit account id, from the principals' ARNs; null for an account without principals.</summary>
    public string? AccountId { get; }

    /// <summary>The account's name in the organization; null for an account audited on its own.</summary>
    public string? AccountName { get; internal set; }

    /// <summary>The account's place in the organization ("Root / Workloads / Sandbox"); null outside an organization audit.</summary>
    public string? OrganizationPath { get; internal set; }

    /// <summary>The organization audit this run is part of (shared by its runs); null for an account audited on its own.</summary>
    public OrganizationScope? Organization { get; internal set; }

    /// <summary>Whether SCPs were applied to this account, and which of them matter.</summary>
    public ServiceControlPolicyAssessment ServiceControlPolicies { get; internal set; } = ServiceControlPolicyAssessment.NotRead;

    /// <summary>The snapshot file (or "account ... (live, ...)").</summary>
    public string Source { get; }

    /// <summary>When the audit started, in UTC.</summary>
    public DateTime StartedAt { get; }

    /// <summary>-ProcurementPrincipal as given (names, ARNs, type/name, wildcards).</summary>
    public IReadOnlyList<string> DeclaredProcurementPrincipals { get; }

    /// <summary>-ViewerPrincipal as given.</summary>
    public IReadOnlyList<string> DeclaredViewerPrincipals { get; }

    /// <summary>The principals authorized to procure, groups expanded ("user/alice").</summary>
    public IReadOnlyList<string> ProcurementPrincipals { get; }

    /// <summary>The principals that may only view, groups expanded.</summary>
    public IReadOnlyList<string> ViewerPrincipals { get; }

    /// <summary>-LauncherPrincipal as given.</summary>
    public IReadOnlyList<string> DeclaredLauncherPrincipals { get; }

    /// <summary>The principals authorized to launch and replicate paid AMIs, groups expanded.</summary>
    public IReadOnlyList<string> LauncherPrincipals { get; }

    /// <summary>-GovernancePrincipal as given.</summary>
    public IReadOnlyList<string> DeclaredGovernancePrincipals { get; }

    /// <summary>The principals authorized to administer distribution (License Manager, Service Catalog, Private Marketplace), groups expanded.</summary>
    public IReadOnlyList<string> GovernancePrincipals { get; }

    /// <summary>The suppression file, or null when none was given.</summary>
    public string? SuppressionPath { get; }

    /// <summary>Suppressions that would have applied but have expired.</summary>
    public IReadOnlyList<Suppression> ExpiredSuppressions { get; internal set; } = [];

    /// <summary>How many users and roles were audited.</summary>
    public int PrincipalCount { get; }

    /// <summary>True when the snapshot was incomplete (audited with -AllowIncomplete): what it lacks was never audited, so the run cannot pass.</summary>
    public bool Incomplete { get; internal set; }

    /// <summary>The account model; null for a run restored from serialization, and once <see cref="Release"/>d.</summary>
    public Account? Account { get; private set; }

    /// <summary>Every principal × capability; empty for a restored run.</summary>
    public IReadOnlyList<AccessEntry> Matrix { get; internal set; } = [];

    /// <summary>Every finding, suppressed ones included (see <see cref="Finding.Suppressed"/>).</summary>
    public IReadOnlyList<Finding> Findings => findings;

    /// <summary>How many findings the run has, suppressed ones included.</summary>
    public int FindingCount => findings.Count;

    /// <summary>True when the snapshot was complete and no finding is left unsuppressed.</summary>
    public bool Passed => !Incomplete && !ServiceControlPoliciesUnknown && findings.All(f => f.Suppressed);

    /// <summary>
    /// True for an account of an organization run whose SCPs could not be read: an SCP may lock out its procurement
    /// team or block what a finding reports, so, like an incomplete snapshot, the run cannot pass. An account audited
    /// on its own (no organization run) is judged on its IAM policies, and its reports say SCPs were not considered.
    /// </summary>
    public bool ServiceControlPoliciesUnknown => Organization is { ServiceControlPoliciesRead: false };

    /// <summary>
    /// A run from its serialized summary: the values a deserialized AuditRun (or a finding's deserialized Run) carries.
    /// Its findings are added with <see cref="Finding.Restore"/>.
    /// </summary>
    public static AuditRun Restore(
        Guid id,
        string? accountId,
        string source,
        DateTime startedAt,
        AuditDeclaration declaration,
        IReadOnlyList<string> procurementPrincipals,
        IReadOnlyList<string> viewerPrincipals,
        int principalCount,
        IReadOnlyList<Suppression> expiredSuppressions,
        bool incomplete,
        IReadOnlyList<string>? launcherPrincipals = null,
        IReadOnlyList<string>? governancePrincipals = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(declaration);
        ArgumentOutOfRangeException.ThrowIfNegative(principalCount);
        return new AuditRun(id, accountId, source, startedAt, declaration, procurementPrincipals, viewerPrincipals, launcherPrincipals ?? [], governancePrincipals ?? [], principalCount)
        {
            ExpiredSuppressions = expiredSuppressions,
            Incomplete = incomplete,
        };
    }

    /// <summary>
    /// How the audit treated a principal: "Procurement", "Viewer" (procurement wins when named as both), "Launcher",
    /// "Governance", several of them ("Procurement, Launcher"), or "Other".
    /// </summary>
    public string RoleOf(AccountPrincipal principal)
    {
        var rule1 = procurementSet.Contains(principal) ? "Procurement" : viewerSet.Contains(principal) ? "Viewer" : null;
        var roles = new[] { rule1, launcherSet.Contains(principal) ? "Launcher" : null, governanceSet.Contains(principal) ? "Governance" : null };
        var named = string.Join(", ", roles.Where(r => r is not null));
        return named.Length == 0 ? "Other" : named;
    }

    /// <summary>True when the principal was named a launcher of paid AMIs.</summary>
    public bool IsLauncher(AccountPrincipal principal) => launcherSet.Contains(principal);

    /// <summary>True when the principal was named a governance principal (may administer distribution).</summary>
    public bool IsGovernance(AccountPrincipal principal) => governanceSet.Contains(principal);

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"Audit of {AccountId ?? "an account without principals"} ({Source}) at {StartedAt:yyyy-MM-dd HH:mm:ss} UTC: {findings.Count(f => !f.Suppressed)} finding(s) to fix, {findings.Count(f => f.Suppressed)} suppressed");

    internal void Add(Finding finding) => findings.Add(finding);

    /// <summary>
    /// What the audit's findings name as the cause of an access and where their fixes apply, per rule (see
    /// <see cref="FindingCauses"/>); null for a restored or released run, whose findings are explained already.
    /// </summary>
    internal FindingCauses? Causes { get; set; }

    /// <summary>Makes room for this many findings in all (the audit counts them before it adds them: tens of thousands).</summary>
    internal void Reserve(int count) => findings.EnsureCapacity(count);

    /// <summary>
    /// Works out every finding's words (reason, cause, fix, evidence) on every core. A finding works out its own when first
    /// read, one at a time; call this before reading many (a report, the pipeline). A pass/fail check needs none.
    /// </summary>
    public void ExplainFindings() => System.Threading.Tasks.Parallel.ForEach(findings, static finding => _ = finding.Reason);

    /// <summary>
    /// Lets go of the account model and the matrix once the run is done, keeping the summary and the findings (with
    /// their evidence as text): an organization audit keeps hundreds of runs, and each account's model is the bulk of
    /// its memory. Suppressions must be applied before (they match the principals' models).
    /// </summary>
    public void Release()
    {
        ExplainFindings();
        foreach (var finding in findings)
        {
            finding.Release();
        }

        Matrix = [];
        Account = null;
        Causes = null;
        procurementSet.Clear();
        viewerSet.Clear();
        launcherSet.Clear();
        governanceSet.Clear();
    }

    /// <summary>Sets what an organization audit knows of the account: its name, place, scope and SCPs.</summary>
    public void SetOrganizationContext(string? accountName, string? organizationPath, OrganizationScope? scope, ServiceControlPolicyAssessment serviceControlPolicies)
    {
        AccountName = accountName;
        OrganizationPath = organizationPath;
        Organization = scope;
        ServiceControlPolicies = serviceControlPolicies;
    }

    private static string? AccountIdOf(Account account)
    {
        foreach (var principal in account.Principals)
        {
            // arn:partition:iam::123456789012:user/name
            var parts = principal.Arn.Split(':');
            if (parts.Length >= 6 && parts[4].Length > 0)
            {
                return parts[4];
            }
        }

        return null;
    }
}

/// <summary>What the user declared for an audit: the principals as given (procurement, viewers, launchers, governance) and the suppression file.</summary>
public sealed class AuditDeclaration
{
    public AuditDeclaration(
        IReadOnlyList<string>? procurementPrincipals = null,
        IReadOnlyList<string>? viewerPrincipals = null,
        string? suppressionPath = null,
        IReadOnlyList<string>? launcherPrincipals = null,
        IReadOnlyList<string>? governancePrincipals = null)
    {
        GovernancePrincipals = governancePrincipals ?? [];
        ProcurementPrincipals = procurementPrincipals ?? [];
        ViewerPrincipals = viewerPrincipals ?? [];
        SuppressionPath = suppressionPath;
        LauncherPrincipals = launcherPrincipals ?? [];
    }

    public IReadOnlyList<string> LauncherPrincipals { get; }

    public IReadOnlyList<string> GovernancePrincipals { get; }

    public IReadOnlyList<string> ProcurementPrincipals { get; }

    public IReadOnlyList<string> ViewerPrincipals { get; }

    public string? SuppressionPath { get; }
}
