using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.Engine.Organizations;

/// <summary>An account's lifecycle state in Organizations (its <c>State</c>; the retiring <c>Status</c> maps onto it).</summary>
public enum OrganizationAccountState
{
    Active,
    Suspended,
    PendingClosure,
    Closed,
    PendingActivation,
}

/// <summary>What kind of node a policy is attached to.</summary>
public enum OrganizationTargetKind
{
    Root,
    OrganizationalUnit,
    Account,
}

/// <summary>The organization's root: the top of the tree, and whether service control policies are enabled on it.</summary>
public sealed record OrganizationRoot(string Id, string Arn, string Name, bool ServiceControlPoliciesEnabled);

/// <summary>An organizational unit and its parent (a root or another OU).</summary>
public sealed record OrganizationalUnit(string Id, string Arn, string Name, string ParentId);

/// <summary>
/// A member account (or the management account) as Organizations lists it. <see cref="AuthorizationDetails"/> is the
/// path of its authorization snapshot inside an organization snapshot folder (null when it was not exported, and for
/// an organization read live); <see cref="NotExported"/> then says why.
/// </summary>
public sealed record OrganizationAccount(
    string Id,
    string Arn,
    string Name,
    string Email,
    OrganizationAccountState State,
    string ParentId,
    string? JoinedMethod = null,
    DateTimeOffset? JoinedTimestamp = null,
    string? AuthorizationDetails = null,
    string? NotExported = null)
{
    public bool IsActive => State == OrganizationAccountState.Active;

    /// <summary>"dev (222222222222)".</summary>
    public override string ToString() => $"{Name} ({Id})";
}

/// <summary>
/// A service control policy: its document exactly as Organizations returns it (text: a document that is not valid
/// JSON is still represented, and reported when an account under it is audited) and the ids it is directly attached to.
/// </summary>
public sealed record ServiceControlPolicy(
    string Id,
    string Arn,
    string Name,
    string? Description,
    bool AwsManaged,
    string Content,
    IReadOnlyList<string> Targets);

/// <summary>
/// One level of the path from the root to an account, with the SCPs attached directly to it: to be allowed, a request
/// must be allowed by some SCP at every level.
/// </summary>
public sealed record ServiceControlPolicyLevel(string TargetId, OrganizationTargetKind Kind, string Name, IReadOnlyList<ServiceControlPolicy> Policies)
{
    /// <summary>"root r-a1b2", "OU Sandbox (ou-a1b2-c3d4e5f6)", "account dev (222222222222)": how reasons name the level.</summary>
    public string Label => Kind switch
    {
        OrganizationTargetKind.Root => $"root {TargetId}",
        OrganizationTargetKind.OrganizationalUnit => $"OU {Name} ({TargetId})",
        _ => $"account {Name} ({TargetId})",
    };
}

/// <summary>
/// An AWS organization as the audit needs it: the tree (root, OUs, accounts), the accounts' states, and the service
/// control policies with their attachments. Built from a live read (Organizations API) or an organization snapshot
/// (<see cref="OrganizationSnapshotFile"/>); <see cref="Validate"/> says what makes it unusable.
/// </summary>
public sealed class Organization
{
    private readonly Dictionary<string, OrganizationAccount> accounts;
    private readonly Dictionary<string, OrganizationalUnit> units;
    private readonly Dictionary<string, OrganizationRoot> roots;
    private readonly Dictionary<string, List<ServiceControlPolicy>> policiesByTarget;

    public Organization(
        string id,
        string arn,
        string featureSet,
        string managementAccountId,
        IReadOnlyList<OrganizationRoot> roots,
        IReadOnlyList<OrganizationalUnit> organizationalUnits,
        IReadOnlyList<OrganizationAccount> accounts,
        IReadOnlyList<ServiceControlPolicy> policies)
    {
        Id = id;
        Arn = arn;
        FeatureSet = featureSet;
        ManagementAccountId = managementAccountId;
        Roots = roots;
        OrganizationalUnits = organizationalUnits;
        Accounts = accounts;
        Policies = policies;
        this.roots = roots.ToDictionary(r => r.Id, StringComparer.Ordinal);
        units = organizationalUnits.GroupBy(u => u.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        this.accounts = accounts.GroupBy(a => a.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        policiesByTarget = new Dictionary<string, List<ServiceControlPolicy>>(StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            foreach (var target in policy.Targets.Distinct(StringComparer.Ordinal))
            {
                if (!policiesByTarget.TryGetValue(target, out var attached))
                {
                    policiesByTarget[target] = attached = [];
                }

                attached.Add(policy);
            }
        }
    }

    /// <summary>"o-a1b2c3d4e5".</summary>
    public string Id { get; }

    public string Arn { get; }

    /// <summary>ALL or CONSOLIDATED_BILLING; SCPs exist only with ALL.</summary>
    public string FeatureSet { get; }

    public string ManagementAccountId { get; }

    public IReadOnlyList<OrganizationRoot> Roots { get; }

    public IReadOnlyList<OrganizationalUnit> OrganizationalUnits { get; }

    public IReadOnlyList<OrganizationAccount> Accounts { get; }

    /// <summary>The service control policies (only this policy type is kept).</summary>
    public IReadOnlyList<ServiceControlPolicy> Policies { get; }

    /// <summary>True when SCPs take effect: all features are on and the root has the SCP type enabled.</summary>
    public bool ServiceControlPoliciesEnabled =>
        string.Equals(FeatureSet, "ALL", StringComparison.OrdinalIgnoreCase) && Roots.Count > 0 && Roots.All(r => r.ServiceControlPoliciesEnabled);

    /// <summary>The account with this id, or null when it is not in the organization.</summary>
    public OrganizationAccount? FindAccount(string accountId) => accounts.GetValueOrDefault(accountId);

    /// <summary>The SCPs attached directly to a root, OU or account.</summary>
    public IReadOnlyList<ServiceControlPolicy> PoliciesAttachedTo(string targetId) =>
        policiesByTarget.TryGetValue(targetId, out var attached) ? attached : [];

    /// <summary>
    /// The levels whose SCPs govern the account's principals, root first, then each OU down to the account itself; none
    /// for the management account (SCPs never restrict it) and when SCPs are not enabled. Service-linked roles are exempt
    /// too; the account model leaves them out.
    /// </summary>
    public IReadOnlyList<ServiceControlPolicyLevel> ServiceControlPolicyLevelsFor(string accountId)
    {
        var account = FindAccount(accountId) ?? throw new ArgumentException($"The account {accountId} is not in the organization {Id}.", nameof(accountId));
        if (!ServiceControlPoliciesEnabled || string.Equals(accountId, ManagementAccountId, StringComparison.Ordinal))
        {
            return [];
        }

        var levels = new List<ServiceControlPolicyLevel> { Level(account.Id, OrganizationTargetKind.Account, account.Name) };
        var parent = account.ParentId;
        for (var depth = 0; depth <= MaximumDepth; depth++)
        {
            if (roots.TryGetValue(parent, out var root))
            {
                levels.Add(Level(root.Id, OrganizationTargetKind.Root, root.Name));
                levels.Reverse();
                return levels;
            }

            if (!units.TryGetValue(parent, out var unit))
            {
                throw new InvalidOperationException($"The parent {parent} on the path of account {account} is neither a root nor an OU of the organization.");
            }

            levels.Add(Level(unit.Id, OrganizationTargetKind.OrganizationalUnit, unit.Name));
            parent = unit.ParentId;
        }

        throw new InvalidOperationException($"The path of account {account} is deeper than Organizations allows ({MaximumDepth} OU levels) or loops.");
    }

    /// <summary>"Root / Workloads / Sandbox": the OU path of an account, for reports.</summary>
    public string PathOf(string accountId)
    {
        var names = new List<string>();
        var parent = FindAccount(accountId)?.ParentId;
        for (var depth = 0; parent is not null && depth <= MaximumDepth + 1; depth++)
        {
            if (roots.TryGetValue(parent, out var root))
            {
                names.Add(root.Name);
                break;
            }

            if (!units.TryGetValue(parent, out var unit))
            {
                break;
            }

            names.Add(unit.Name);
            parent = unit.ParentId;
        }

        names.Reverse();
        return string.Join(" / ", names);
    }

    /// <summary>
    /// What makes the organization unusable for an audit, one sentence each naming the node: a parent that is not in
    /// the tree, a path that loops or is too deep, a node without an SCP while SCPs are enabled (AWS requires one at
    /// every root, OU and account, so a missing attachment means the read was incomplete), an attachment to an unknown
    /// node. Empty when it is sound.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Roots.Count == 0)
        {
            problems.Add("the organization has no root");
        }

        var known = new HashSet<string>(roots.Keys.Concat(units.Keys).Concat(accounts.Keys), StringComparer.Ordinal);
        foreach (var unit in OrganizationalUnits)
        {
            if (!roots.ContainsKey(unit.ParentId) && !units.ContainsKey(unit.ParentId))
            {
                problems.Add($"OU {unit.Name} ({unit.Id}) has the parent {unit.ParentId}, which is neither a root nor an OU of the organization");
            }
        }

        foreach (var account in Accounts)
        {
            if (!roots.ContainsKey(account.ParentId) && !units.ContainsKey(account.ParentId))
            {
                problems.Add($"account {account} has the parent {account.ParentId}, which is neither a root nor an OU of the organization");
                continue;
            }

            try
            {
                _ = ServiceControlPolicyLevelsFor(account.Id);
            }
            catch (InvalidOperationException e)
            {
                problems.Add(e.Message.TrimEnd('.'));
            }
        }

        foreach (var policy in Policies)
        {
            foreach (var target in policy.Targets.Where(t => !known.Contains(t)))
            {
                problems.Add($"the SCP {policy.Name} ({policy.Id}) is attached to {target}, which is not a root, OU or account of the organization");
            }
        }

        if (ServiceControlPoliciesEnabled)
        {
            foreach (var (id, label) in Roots.Select(r => (r.Id, $"root {r.Id}"))
                .Concat(OrganizationalUnits.Select(u => (u.Id, $"OU {u.Name} ({u.Id})")))
                .Concat(Accounts.Select(a => (a.Id, $"account {a}"))))
            {
                if (PoliciesAttachedTo(id).Count == 0)
                {
                    problems.Add($"{label} has no service control policy attached; AWS requires at least one on every root, OU and account while SCPs are enabled, so the organization was not read completely");
                }
            }
        }

        return problems;
    }

    /// <summary>Organizations nests OUs at most five levels below the root.</summary>
    public const int MaximumDepth = 5;

    private ServiceControlPolicyLevel Level(string id, OrganizationTargetKind kind, string name) => new(id, kind, name, PoliciesAttachedTo(id));
}
