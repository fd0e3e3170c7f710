using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>One least-privilege audit of an account: the who-can matrix, the findings, and what they were measured on.</summary>
public sealed class AuditRun
{
    private readonly List<Finding> findings = [];

    internal AuditRun(Account account, IReadOnlyList<AccountPrincipal> procurement, IReadOnlyList<AccountPrincipal> viewers, DateTimeOffset startedAt)
    {
        Account = account;
        ProcurementPrincipals = procurement;
        ViewerPrincipals = viewers;
        StartedAt = startedAt;
    }

    public Account Account { get; }

    /// <summary>The snapshot file (or "live account").</summary>
    public string Source => Account.Snapshot.Source;

    public DateTimeOffset StartedAt { get; }

    /// <summary>The principals authorized to procure (groups expanded).</summary>
    public IReadOnlyList<AccountPrincipal> ProcurementPrincipals { get; }

    /// <summary>The principals that may only view (groups expanded).</summary>
    public IReadOnlyList<AccountPrincipal> ViewerPrincipals { get; }

    /// <summary>Every principal × capability.</summary>
    public IReadOnlyList<AccessEntry> Matrix { get; internal set; } = [];

    /// <summary>Every finding, suppressed ones included (see <see cref="Finding.Suppressed"/>).</summary>
    public IReadOnlyList<Finding> Findings => findings;

    /// <summary>Suppressions that would have applied but have expired.</summary>
    public IReadOnlyList<Suppression> ExpiredSuppressions { get; internal set; } = [];

    /// <summary>True when no finding is left unsuppressed.</summary>
    public bool Passed => findings.All(f => f.Suppressed);

    internal void Add(Finding finding) => findings.Add(finding);
}
