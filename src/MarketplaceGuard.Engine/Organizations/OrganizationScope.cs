using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Engine.Organizations;

/// <summary>
/// Whether an audit of an account took service control policies into account, and which of them matter: the
/// reports say it for every account, because an audit that ignored SCPs may report access an SCP blocks, or miss a
/// lockout an SCP causes.
/// </summary>
/// <param name="Considered">True when the SCPs governing the account were read and applied (or the account is exempt).</param>
/// <param name="Summary">One sentence: "applied: root r-a1b2, OU Sandbox (ou-…), account dev (…)", "not considered: …", "exempt: …".</param>
/// <param name="Relevant">The SCPs on the account's path that name an audited action (all but allow-everything ones), as "DenyMarketplace (OU Sandbox)".</param>
public sealed record ServiceControlPolicyAssessment(bool Considered, string Summary, IReadOnlyList<string> Relevant)
{
    /// <summary>A single-account audit that was given no SCPs.</summary>
    public static ServiceControlPolicyAssessment NotRead { get; } = new(false,
        "not considered: the account was audited on its own (give -AccountId or -AllAccounts to read the organization's SCPs, or -ServiceControlPolicyPath)", []);

    public static ServiceControlPolicyAssessment NotConsidered(string why) => new(false, "not considered: " + why, []);
}

/// <summary>An account the organization audit did not audit, and why (AssumeRole denied, suspended, not in the organization ...).</summary>
public sealed record UnauditedAccount(string AccountId, string? AccountName, string Reason);

/// <summary>
/// What a fan-out over accounts shares: the organization (when it could be read), whether SCPs were applied, and the
/// accounts that were not audited. Every run of the fan-out refers to it, so that findings piped into a report still
/// say which accounts were left out, and shards of one organization merge into one summary.
/// </summary>
public sealed class OrganizationScope
{
    private readonly object gate = new();
    private readonly List<UnauditedAccount> unaudited = [];
    private readonly List<AuditRun> runs = [];
    private readonly HashSet<Guid> runIds = [];

    public OrganizationScope(string? organizationId, string? managementAccountId, bool serviceControlPoliciesRead, string? notReadReason, int accountsRequested)
    {
        OrganizationId = organizationId;
        ManagementAccountId = managementAccountId;
        ServiceControlPoliciesRead = serviceControlPoliciesRead;
        NotReadReason = notReadReason;
        AccountsRequested = accountsRequested;
    }

    /// <summary>"o-a1b2c3d4e5"; null when the organization could not be read.</summary>
    public string? OrganizationId { get; }

    public string? ManagementAccountId { get; }

    /// <summary>True when the organization's SCPs were read and applied to every audited account.</summary>
    public bool ServiceControlPoliciesRead { get; }

    /// <summary>Why the organization (and so its SCPs) could not be read; null when it was.</summary>
    public string? NotReadReason { get; }

    /// <summary>How many accounts the fan-out set out to audit.</summary>
    public int AccountsRequested { get; }

    /// <summary>The accounts that were not audited, in account id order.</summary>
    public IReadOnlyList<UnauditedAccount> Unaudited
    {
        get
        {
            lock (gate)
            {
                return unaudited.OrderBy(a => a.AccountId, StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>
    /// The runs of the audited accounts, in account id order: a report of some findings of the scope still covers every
    /// account (the ones that passed too).
    /// </summary>
    public IReadOnlyList<AuditRun> Runs
    {
        get
        {
            lock (gate)
            {
                return runs.OrderBy(r => r.AccountId, StringComparer.Ordinal).ThenBy(r => r.Source, StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>
    /// True when every account requested was audited and passed (see <see cref="AuditRun.Passed"/>): what was not
    /// audited, or audited without its SCPs, never passes.
    /// </summary>
    public bool Passed
    {
        get
        {
            var runs = Runs;
            return Unaudited.Count == 0 && runs.Count > 0 && runs.All(r => r.Passed);
        }
    }

    /// <summary>Every finding of every audited account, suppressed ones included, in account order.</summary>
    public IReadOnlyList<Finding> Findings => Runs.SelectMany(r => r.Findings).ToList();

    /// <summary>How many findings the audited accounts have, suppressed ones included.</summary>
    public int FindingCount => Runs.Sum(r => r.FindingCount);

    /// <summary>After <see cref="Merge"/>: how many runs were left out because a later audit of the same account was given.</summary>
    public int SupersededRuns { get; private set; }

    /// <summary>
    /// Records the run of an audited account (thread-safe). A run is known by its <see cref="AuditRun.Id"/>: the same run
    /// read back from two report files is recorded once.
    /// </summary>
    public void AddRun(AuditRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (gate)
        {
            if (runIds.Add(run.Id))
            {
                runs.Add(run);
            }
        }
    }

    /// <summary>Records an account that could not be audited (thread-safe: accounts finish on several threads).</summary>
    public void AddUnaudited(UnauditedAccount account)
    {
        lock (gate)
        {
            if (!unaudited.Any(a => a.AccountId == account.AccountId))
            {
                unaudited.Add(account);
            }
        }
    }

    /// <summary>
    /// One scope for several (shards of one organization): the union of their runs (a run given twice, the same
    /// <see cref="AuditRun.Id"/>, is taken once) and of their unaudited accounts (an account audited by one shard is
    /// audited), the organization when they agree, SCPs read only when every shard read them.
    /// </summary>
    /// <remarks>
    /// The accounts requested are counted by account, not added up: a shard given twice, or a whole report given with one
    /// of its shards, requests its accounts once. Each scope adds the accounts it requested but holds neither as a run nor
    /// as unaudited (a fan-out that stopped early), so those are never lost from the count.
    /// </remarks>
    public static OrganizationScope Merge(IReadOnlyCollection<OrganizationScope> scopes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(scopes.Count);
        scopes = scopes.Distinct().ToList();
        var ids = scopes.Select(s => s.OrganizationId).Distinct(StringComparer.Ordinal).ToList();
        var read = scopes.All(s => s.ServiceControlPoliciesRead);
        var reason = read ? null : scopes.Select(s => s.NotReadReason).FirstOrDefault(r => r is not null);
        var accounted = scopes.Select(s => (Scope: s, Accounts: s.AccountedFor())).ToList();
        // Added up as 64-bit numbers: shards read from hand-edited reports may each claim up to int.MaxValue accounts. A
        // total past that stays at int.MaxValue, which is still more than were audited (the scope is incomplete).
        var requested = (int)Math.Min(int.MaxValue, accounted.SelectMany(a => a.Accounts).Distinct(StringComparer.Ordinal).LongCount()
            + accounted.Sum(a => Math.Max(0L, (long)a.Scope.AccountsRequested - a.Accounts.Count)));
        var merged = new OrganizationScope(
            ids.Count == 1 ? ids[0] : null,
            scopes.Select(s => s.ManagementAccountId).Distinct(StringComparer.Ordinal).Count() == 1 ? scopes.First().ManagementAccountId : null,
            read,
            reason,
            requested);
        // Shards that overlap audited an account twice: the latest audit of it stands, so the account is counted and
        // reported once (a run without an account id, an account without principals, is kept as it is).
        var runs = scopes.SelectMany(s => s.Runs).DistinctBy(r => r.Id).ToList();
        foreach (var run in runs.Where(r => r.AccountId is null)
            .Concat(runs.Where(r => r.AccountId is not null).GroupBy(r => r.AccountId, StringComparer.Ordinal).Select(g => g.MaxBy(r => r.StartedAt)!)))
        {
            merged.AddRun(run);
        }

        merged.SupersededRuns = runs.Count - merged.Runs.Count;

        var audited = merged.Runs.Select(r => r.AccountId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var account in scopes.SelectMany(s => s.Unaudited).Where(a => !audited.Contains(a.AccountId)))
        {
            merged.AddUnaudited(account);
        }

        return merged;
    }

    /// <summary>The accounts the scope holds a run or an unaudited entry for (a run of an account without principals by its run id).</summary>
    private HashSet<string> AccountedFor()
    {
        lock (gate)
        {
            return runs.Select(r => r.AccountId ?? r.Id.ToString()).Concat(unaudited.Select(a => a.AccountId)).ToHashSet(StringComparer.Ordinal);
        }
    }
}
