using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace MarketplaceGuard.FakeIam.Organizations;

/// <summary>
/// An AWS organization as the fake's Organizations endpoint serves it: the organization, its roots, OUs and accounts
/// (each with the IAM state the server serves for it), policies with their contents and targets, and delegated
/// administrators. Build one with the Add* methods (ids are generated when not given, deterministically) or load an
/// organization snapshot folder with <see cref="LoadFolder"/>. Every Add* checks ids and references as Organizations
/// would. Thread safety: the server runs each operation under <see cref="SyncRoot"/>; lock it when changing a
/// served organization.
/// </summary>
public sealed class FakeOrganization
{
    public const string ServiceControlPolicy = "SERVICE_CONTROL_POLICY";

    /// <summary>The id and content of the AWS managed SCP that Organizations attaches everywhere by default.</summary>
    public const string FullAwsAccessId = "p-FullAWSAccess";

    public const string FullAwsAccessContent = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private readonly List<FakeOrgRoot> roots = new();
    private readonly List<FakeOrgUnit> units = new();
    private readonly List<FakeOrgAccount> accounts = new();
    private readonly List<FakeOrgPolicy> policies = new();
    private readonly List<FakeDelegatedAdministrator> delegatedAdministrators = new();
    private readonly Dictionary<string, Dictionary<string, string>> tags = new(StringComparer.Ordinal);
    private readonly Random random;

    /// <summary>An organization without roots yet; its id is generated from the management account id when not given.</summary>
    public FakeOrganization(string managementAccountId, string? id = null, string? managementAccountEmail = null, string featureSet = "ALL")
    {
        CheckId(managementAccountId, OrganizationIds.Account(), "account id");
        random = new Random(int.Parse(managementAccountId[^9..], CultureInfo.InvariantCulture));
        Id = id ?? "o-" + NewId(10);
        CheckId(Id, OrganizationIds.Organization(), "organization id");
        ManagementAccountId = managementAccountId;
        ManagementAccountEmail = managementAccountEmail ?? $"management+{managementAccountId}@example.com";
        FeatureSet = featureSet;
        Arn = $"arn:aws:organizations::{managementAccountId}:organization/{Id}";
        ManagementAccountArn = AccountArn(managementAccountId);
    }

    public string Id { get; }

    public string Arn { get; set; }

    /// <summary>ALL or CONSOLIDATED_BILLING.</summary>
    public string FeatureSet { get; set; }

    public string ManagementAccountId { get; }

    public string ManagementAccountArn { get; set; }

    public string ManagementAccountEmail { get; set; }

    public object SyncRoot { get; } = new();

    public IReadOnlyList<FakeOrgRoot> Roots => roots;

    public IReadOnlyList<FakeOrgUnit> OrganizationalUnits => units;

    public IReadOnlyList<FakeOrgAccount> Accounts => accounts;

    public IReadOnlyList<FakeOrgPolicy> Policies => policies;

    public IReadOnlyList<FakeDelegatedAdministrator> DelegatedAdministrators => delegatedAdministrators;

    /// <summary>Reads an organization snapshot folder: organization.json and the accounts' authorization details.</summary>
    public static FakeOrganization LoadFolder(string path) => OrganizationSnapshotLoader.Load(path);

    // ---- lookups ----

    public FakeOrgRoot? FindRoot(string id) => roots.FirstOrDefault(r => r.Id == id);

    public FakeOrgUnit? FindOrganizationalUnit(string id) => units.FirstOrDefault(u => u.Id == id);

    public FakeOrgAccount? FindAccount(string id) => accounts.FirstOrDefault(a => a.Id == id);

    public FakeOrgPolicy? FindPolicy(string id) => policies.FirstOrDefault(p => p.Id == id);

    /// <summary>Whether the account belongs to the organization (the management account always does).</summary>
    public bool IsMember(string accountId) => accountId == ManagementAccountId || FindAccount(accountId) is not null;

    public bool IsDelegatedAdministrator(string accountId) => delegatedAdministrators.Any(d => d.AccountId == accountId);

    /// <summary>The parent of an OU or account, or null for an id the organization does not have.</summary>
    public string? ParentOf(string childId) => FindOrganizationalUnit(childId)?.ParentId ?? FindAccount(childId)?.ParentId;

    /// <summary>Whether a root or OU with this id exists.</summary>
    public bool HasParent(string id) => FindRoot(id) is not null || FindOrganizationalUnit(id) is not null;

    /// <summary>Whether a root, OU or account with this id exists.</summary>
    public bool HasTarget(string id) => HasParent(id) || FindAccount(id) is not null;

    // ---- building ----

    /// <summary>A root, with service control policies enabled unless <paramref name="serviceControlPoliciesEnabled"/> is false.</summary>
    public FakeOrgRoot AddRoot(string? id = null, string name = "Root", bool serviceControlPoliciesEnabled = true, string? arn = null)
    {
        id ??= "r-" + NewId(4);
        CheckId(id, OrganizationIds.Root(), "root id");
        CheckUnique(id);
        var root = new FakeOrgRoot(id, arn ?? $"arn:aws:organizations::{ManagementAccountId}:root/{Id}/{id}", name);
        if (serviceControlPoliciesEnabled)
        {
            root.PolicyTypes.Add(new FakeOrgPolicyType(ServiceControlPolicy, "ENABLED"));
        }

        roots.Add(root);
        return root;
    }

    /// <summary>An OU under a root or OU (at most five OU levels, as in Organizations).</summary>
    public FakeOrgUnit AddOrganizationalUnit(string name, string parentId, string? id = null, string? arn = null)
    {
        RequireParent(parentId);
        if (Depth(parentId) >= 5)
        {
            throw new ArgumentException($"The OU {name} would be more than five levels deep.", nameof(parentId));
        }

        id ??= $"ou-{RootOf(parentId)[2..]}-{NewId(8)}";
        CheckId(id, OrganizationIds.OrganizationalUnit(), "OU id");
        CheckUnique(id);
        var unit = new FakeOrgUnit(id, arn ?? $"arn:aws:organizations::{ManagementAccountId}:ou/{Id}/{id}", name, parentId);
        units.Add(unit);
        return unit;
    }

    /// <summary>An account under a root or OU, served with <paramref name="iam"/> (an empty IAM account by default).</summary>
    public FakeOrgAccount AddAccount(string accountId, string name, string parentId, string? email = null, FakeIamAccount? iam = null, string? arn = null)
    {
        CheckId(accountId, OrganizationIds.Account(), "account id");
        CheckUnique(accountId);
        RequireParent(parentId);
        if (iam is not null && iam.AccountId != accountId)
        {
            throw new ArgumentException($"The IAM state is account {iam.AccountId}'s, not {accountId}'s.", nameof(iam));
        }

        var account = new FakeOrgAccount(accountId, arn ?? AccountArn(accountId), name, email ?? $"aws+{accountId}@example.com", parentId, iam ?? new FakeIamAccount(accountId))
        {
            JoinedTimestamp = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        accounts.Add(account);
        return account;
    }

    /// <summary>A policy (a service control policy unless <paramref name="type"/> says otherwise).</summary>
    public FakeOrgPolicy AddPolicy(string name, string content, string? id = null, string? description = null, bool awsManaged = false, string type = ServiceControlPolicy, string? arn = null)
    {
        id ??= "p-" + NewId(8);
        CheckId(id, OrganizationIds.Policy(), "policy id");
        if (FindPolicy(id) is not null)
        {
            throw new ArgumentException($"The organization already has a policy {id}.", nameof(id));
        }

        var typeInArn = type.ToLowerInvariant();
        var policy = new FakeOrgPolicy(id, arn ?? (awsManaged
            ? $"arn:aws:organizations::aws:policy/{typeInArn}/{id}"
            : $"arn:aws:organizations::{ManagementAccountId}:policy/{Id}/{typeInArn}/{id}"), name, type, awsManaged, content)
        {
            Description = description,
        };
        policies.Add(policy);
        return policy;
    }

    /// <summary>The AWS managed FullAWSAccess SCP (p-FullAWSAccess), added once.</summary>
    public FakeOrgPolicy AddFullAwsAccess() =>
        FindPolicy(FullAwsAccessId) ?? AddPolicy("FullAWSAccess", FullAwsAccessContent, FullAwsAccessId, "Allows access to every operation", awsManaged: true);

    /// <summary>Attaches a policy directly to a root, OU or account; attaching it again changes nothing.</summary>
    public void AttachPolicy(string policyId, string targetId)
    {
        var policy = FindPolicy(policyId) ?? throw new ArgumentException($"The organization has no policy {policyId}.", nameof(policyId));
        if (!HasTarget(targetId))
        {
            throw new ArgumentException($"The organization has no root, OU or account {targetId}.", nameof(targetId));
        }

        if (!policy.Targets.Contains(targetId))
        {
            policy.Targets.Add(targetId);
        }
    }

    /// <summary>Detaches a policy from a target; false when it was not attached there.</summary>
    public bool DetachPolicy(string policyId, string targetId) => FindPolicy(policyId)?.Targets.Remove(targetId) ?? false;

    /// <summary>Deletes a policy (and its tags); false when the organization has no such policy.</summary>
    public bool RemovePolicy(string policyId)
    {
        tags.Remove(policyId);
        return policies.RemoveAll(p => p.Id == policyId) > 0;
    }

    /// <summary>The tags of a policy, root, OU or account (changed by TagResource and UntagResource; editable here).</summary>
    public IDictionary<string, string> TagsOf(string resourceId)
    {
        if (!tags.TryGetValue(resourceId, out var resourceTags))
        {
            tags[resourceId] = resourceTags = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return resourceTags;
    }

    /// <summary>The service control policies attached directly to a root, OU or account.</summary>
    public IReadOnlyList<FakeOrgPolicy> ServiceControlPoliciesOf(string targetId) =>
        policies.Where(p => p.Type == ServiceControlPolicy && p.Targets.Contains(targetId)).ToList();

    /// <summary>The root a root, OU or account is under (itself for a root); null for an unknown id.</summary>
    public FakeOrgRoot? RootOfTarget(string targetId)
    {
        var id = targetId;
        for (var depth = 0; depth < 8; depth++)
        {
            if (FindRoot(id) is { } root)
            {
                return root;
            }

            if (ParentOf(id) is not { } parent)
            {
                return null;
            }

            id = parent;
        }

        return null;
    }

    /// <summary>Registers a member account (not the management account) as a delegated administrator for a service.</summary>
    public FakeDelegatedAdministrator AddDelegatedAdministrator(string accountId, string servicePrincipal = "access-analyzer.amazonaws.com", DateTimeOffset? since = null)
    {
        if (FindAccount(accountId) is null || accountId == ManagementAccountId)
        {
            throw new ArgumentException($"Only a member account of the organization can be a delegated administrator, not {accountId}.", nameof(accountId));
        }

        var delegated = new FakeDelegatedAdministrator(accountId, servicePrincipal, since ?? new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        delegatedAdministrators.Add(delegated);
        return delegated;
    }

    internal string AccountArn(string accountId) => $"arn:aws:organizations::{ManagementAccountId}:account/{Id}/{accountId}";

    private static void CheckId(string id, Regex pattern, string what)
    {
        if (!pattern.IsMatch(id))
        {
            throw new ArgumentException($"'{id}' is not a valid {what} (pattern {pattern}).");
        }
    }

    private void CheckUnique(string id)
    {
        if (HasTarget(id))
        {
            throw new ArgumentException($"The organization already has {id}.", nameof(id));
        }
    }

    private void RequireParent(string parentId)
    {
        if (!HasParent(parentId))
        {
            throw new ArgumentException($"The organization has no root or OU {parentId}.", nameof(parentId));
        }
    }

    /// <summary>How many OU levels a root (0) or an OU (1 for an OU under a root ...) is deep.</summary>
    private int Depth(string parentId) => FindOrganizationalUnit(parentId) is { } unit ? 1 + Depth(unit.ParentId) : 0;

    private string RootOf(string parentId) => FindOrganizationalUnit(parentId) is { } unit ? RootOf(unit.ParentId) : parentId;

    private string NewId(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = IdAlphabet[random.Next(IdAlphabet.Length)];
        }

        return new string(chars);
    }
}
