using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// The in-memory state of one AWS account as IAM sees it: users, groups, roles, managed policies (customer and AWS
/// managed) and how they are connected. The methods enforce IAM's rules and throw <see cref="IamException"/> as IAM
/// would answer (names unique case-insensitively, quotas, version and delete rules), so the server's operations
/// and code that builds an account share one implementation.
/// Thread safety: the server runs every operation under <see cref="SyncRoot"/>; lock it when changing a served account.
/// </summary>
public sealed class FakeIamAccount
{
    public const string DefaultAccountId = "111122223333";

    private readonly List<FakeUser> users = new();
    private readonly List<FakeGroup> groups = new();
    private readonly List<FakeRole> roles = new();
    private readonly List<FakeManagedPolicy> policies = new();
    private readonly IamIdentifiers identifiers;

    public FakeIamAccount(string accountId = DefaultAccountId, string partition = "aws")
    {
        if (accountId.Length != 12 || !accountId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"An account id has 12 digits, not '{accountId}'.", nameof(accountId));
        }

        AccountId = accountId;
        Partition = partition;
        identifiers = new IamIdentifiers(int.Parse(accountId[^9..], CultureInfo.InvariantCulture));
        CallerArn = IamIdentifiers.Arn(partition, accountId, "user", "/", "fake-iam-caller");
        CallerUserId = identifiers.NewId("AIDA");
    }

    public string AccountId { get; }

    public string Partition { get; }

    public IamQuotas Quotas { get; } = new();

    /// <summary>Who GetCallerIdentity (and GetUser without a name) says is calling.</summary>
    public string CallerArn { get; set; }

    public string CallerUserId { get; set; }

    /// <summary>The clock for create and update dates.</summary>
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    public object SyncRoot { get; } = new();

    public IReadOnlyList<FakeUser> Users => users;

    public IReadOnlyList<FakeGroup> Groups => groups;

    public IReadOnlyList<FakeRole> Roles => roles;

    /// <summary>Customer managed and AWS managed policies, in the order they were added.</summary>
    public IReadOnlyList<FakeManagedPolicy> Policies => policies;

    /// <summary>Loads the JSON that <c>aws iam get-account-authorization-details</c> writes.</summary>
    public static FakeIamAccount FromAuthorizationDetails(string json, string? accountId = null) =>
        AuthorizationDetailsLoader.Load(json, accountId);

    public static FakeIamAccount LoadAuthorizationDetailsFile(string path, string? accountId = null) =>
        AuthorizationDetailsLoader.Load(File.ReadAllText(path), accountId);

    // ---- lookups (names are case-insensitive, ARNs exact) ----

    public FakeUser? FindUser(string name) => users.FirstOrDefault(u => SameName(u.Name, name));

    public FakeGroup? FindGroup(string name) => groups.FirstOrDefault(g => SameName(g.Name, name));

    public FakeRole? FindRole(string name) => roles.FirstOrDefault(r => SameName(r.Name, name));

    public FakeManagedPolicy? FindPolicy(string arn) => policies.FirstOrDefault(p => p.Arn == arn);

    public FakeUser RequireUser(string name) =>
        FindUser(name) ?? throw IamException.NoSuchEntity($"The user with name {name} cannot be found.");

    public FakeGroup RequireGroup(string name) =>
        FindGroup(name) ?? throw IamException.NoSuchEntity($"The group with name {name} cannot be found.");

    public FakeRole RequireRole(string name) =>
        FindRole(name) ?? throw IamException.NoSuchEntity($"The role with name {name} cannot be found.");

    public FakeManagedPolicy RequirePolicy(string arn) =>
        FindPolicy(arn) ?? throw IamException.NoSuchEntity($"Policy {arn} was not found.");

    public FakePrincipal RequirePrincipal(PrincipalKind kind, string name) => kind switch
    {
        PrincipalKind.User => RequireUser(name),
        PrincipalKind.Group => RequireGroup(name),
        _ => RequireRole(name),
    };

    /// <summary>How many principals have the policy attached, and how many users and roles use it as their boundary.</summary>
    public (int AttachmentCount, int PermissionsBoundaryUsageCount) UsageOf(FakeManagedPolicy policy)
    {
        var principals = users.Cast<FakePrincipal>().Concat(groups).Concat(roles);
        var attachments = principals.Count(p => p.IsAttached(policy.Arn));
        var boundaries = users.Count(u => u.PermissionsBoundaryArn == policy.Arn) + roles.Count(r => r.PermissionsBoundaryArn == policy.Arn);
        return (attachments, boundaries);
    }

    // ---- users, groups, roles ----

    public FakeUser AddUser(string name, string path = "/", string? id = null, DateTimeOffset? createDate = null)
    {
        IamIdentifiers.CheckName("UserName", name, 64);
        IamIdentifiers.CheckPath("Path", path);
        if (FindUser(name) is not null)
        {
            throw IamException.EntityAlreadyExists($"User with name {name} already exists.");
        }

        var user = new FakeUser(this, name, path, id ?? identifiers.NewId("AIDA"), IamIdentifiers.Arn(Partition, AccountId, "user", path, name), createDate ?? Clock());
        users.Add(user);
        return user;
    }

    public FakeGroup AddGroup(string name, string path = "/", string? id = null, DateTimeOffset? createDate = null)
    {
        IamIdentifiers.CheckName("GroupName", name, 128);
        IamIdentifiers.CheckPath("Path", path);
        if (FindGroup(name) is not null)
        {
            throw IamException.EntityAlreadyExists($"Group with name {name} already exists.");
        }

        var group = new FakeGroup(this, name, path, id ?? identifiers.NewId("AGPA"), IamIdentifiers.Arn(Partition, AccountId, "group", path, name), createDate ?? Clock());
        groups.Add(group);
        return group;
    }

    public FakeRole AddRole(string name, string assumeRolePolicyDocument, string path = "/", string? id = null, DateTimeOffset? createDate = null)
    {
        IamIdentifiers.CheckName("RoleName", name, 64);
        IamIdentifiers.CheckPath("Path", path);
        if (FindRole(name) is not null)
        {
            throw IamException.EntityAlreadyExists($"Role with name {name} already exists.");
        }

        var role = new FakeRole(this, name, path, id ?? identifiers.NewId("AROA"), IamIdentifiers.Arn(Partition, AccountId, "role", path, name), createDate ?? Clock(), assumeRolePolicyDocument);
        roles.Add(role);
        return role;
    }

    /// <summary>Adds a user to a group; adding a member again changes nothing, as in IAM.</summary>
    public void AddUserToGroup(string userName, string groupName)
    {
        var group = RequireGroup(groupName);
        var user = RequireUser(userName);
        if (user.Groups.Contains(group))
        {
            return;
        }

        if (user.Groups.Count >= Quotas.GroupsPerUser)
        {
            throw IamException.LimitExceeded($"Cannot exceed quota for GroupsPerUser: {Quotas.GroupsPerUser}");
        }

        user.Groups.Add(group);
    }

    public void RemoveUserFromGroup(string userName, string groupName)
    {
        var group = RequireGroup(groupName);
        var user = RequireUser(userName);
        if (!user.Groups.Remove(group))
        {
            throw IamException.NoSuchEntity($"The user with name {user.Name} cannot be found in group {group.Name}.");
        }
    }

    // ---- managed policies ----

    /// <summary>CreatePolicy: a customer managed policy whose v1 is the default version.</summary>
    public FakeManagedPolicy CreatePolicy(string name, string document, string path = "/", string? description = null, IEnumerable<FakeTag>? tags = null)
    {
        IamIdentifiers.CheckName("PolicyName", name, 128);
        IamIdentifiers.CheckPath("Path", path);
        if (description is { Length: > 1000 })
        {
            throw IamException.Validation("Description", description, "Member must have length less than or equal to 1000");
        }

        var tagList = tags?.ToList() ?? new List<FakeTag>();
        CheckTags(tagList, existingCount: 0);
        CheckManagedDocument(document);
        if (policies.Any(p => !p.IsAwsManaged && SameName(p.Name, name)))
        {
            throw IamException.EntityAlreadyExists($"A policy called {name} already exists. Duplicate names are not allowed.");
        }

        if (policies.Count(p => !p.IsAwsManaged) >= Quotas.CustomerManagedPolicies)
        {
            throw IamException.LimitExceeded($"Cannot exceed quota for PoliciesPerAccount: {Quotas.CustomerManagedPolicies}");
        }

        var policy = AddPolicyEntity(name, path, null, isAwsManaged: false, Clock());
        policy.Description = description;
        policy.Tags.AddRange(tagList);
        AddVersion(policy, document, isDefault: true, policy.CreateDate);
        return policy;
    }

    /// <summary>Makes an AWS managed policy (arn:aws:iam::aws:policy/...) exist in this account's view of IAM.</summary>
    public FakeManagedPolicy AddAwsManagedPolicy(string name, string document, string path = "/")
    {
        IamIdentifiers.CheckName("PolicyName", name, 128);
        if (policies.Any(p => p.IsAwsManaged && SameName(p.Name, name)))
        {
            throw IamException.EntityAlreadyExists($"A policy called {name} already exists. Duplicate names are not allowed.");
        }

        var policy = AddPolicyEntity(name, path, null, isAwsManaged: true, Clock());
        AddVersion(policy, document, isDefault: true, policy.CreateDate);
        return policy;
    }

    public FakePolicyVersion CreatePolicyVersion(FakeManagedPolicy policy, string document, bool setAsDefault)
    {
        CheckCustomerManaged(policy, "CreatePolicyVersion");
        CheckManagedDocument(document);
        if (policy.Versions.Count >= Quotas.VersionsPerPolicy)
        {
            throw IamException.LimitExceeded(
                $"A managed policy can have up to {Quotas.VersionsPerPolicy} versions. Before you create a new version, you must delete an existing version.");
        }

        var now = Clock();
        var version = AddVersion(policy, document, isDefault: false, now);
        if (setAsDefault)
        {
            MakeDefault(policy, version);
        }

        policy.UpdateDate = now;
        return version;
    }

    public void DeletePolicyVersion(FakeManagedPolicy policy, string versionId)
    {
        CheckCustomerManaged(policy, "DeletePolicyVersion");
        var version = RequireVersion(policy, versionId);
        if (version.IsDefaultVersion)
        {
            throw IamException.DeleteConflict("Cannot delete the default version of a policy.");
        }

        policy.Versions.Remove(version);
    }

    public void SetDefaultPolicyVersion(FakeManagedPolicy policy, string versionId)
    {
        CheckCustomerManaged(policy, "SetDefaultPolicyVersion");
        MakeDefault(policy, RequireVersion(policy, versionId));
    }

    public void DeletePolicy(FakeManagedPolicy policy)
    {
        CheckCustomerManaged(policy, "DeletePolicy");
        var (attachments, boundaries) = UsageOf(policy);
        if (attachments + boundaries > 0)
        {
            throw IamException.DeleteConflict("Cannot delete a policy attached to entities.");
        }

        if (policy.Versions.Count > 1)
        {
            throw IamException.DeleteConflict(
                "This policy has more than one version. Before you delete a policy, you must delete its non-default versions.");
        }

        policies.Remove(policy);
    }

    public FakePolicyVersion RequireVersion(FakeManagedPolicy policy, string versionId) =>
        policy.FindVersion(versionId)
        ?? throw IamException.NoSuchEntity($"Policy {policy.Arn} version {versionId} does not exist or is not attachable.");

    /// <summary>TagPolicy: adds tags, overwriting the value of a key that is already there.</summary>
    public void TagPolicy(FakeManagedPolicy policy, IReadOnlyList<FakeTag> tags)
    {
        CheckCustomerManaged(policy, "TagPolicy");
        var added = tags.Count(t => !policy.Tags.Any(e => e.Key == t.Key));
        CheckTags(tags, policy.Tags.Count + added - tags.Count);
        foreach (var tag in tags)
        {
            policy.Tags.RemoveAll(t => t.Key == tag.Key);
            policy.Tags.Add(tag);
        }
    }

    public void UntagPolicy(FakeManagedPolicy policy, IReadOnlyList<string> keys)
    {
        CheckCustomerManaged(policy, "UntagPolicy");
        policy.Tags.RemoveAll(t => keys.Contains(t.Key));
    }

    // ---- attachments and inline policies ----

    /// <summary>Attaches a managed policy; attaching it again changes nothing, as in IAM.</summary>
    public void AttachPolicy(FakePrincipal principal, string policyArn)
    {
        var policy = FindPolicy(policyArn);
        if (policy is null || !policy.IsAttachable)
        {
            throw IamException.NoSuchEntity($"Policy {policyArn} does not exist or is not attachable.");
        }

        if (principal.IsAttached(policyArn))
        {
            return;
        }

        var (quota, name) = principal.Kind switch
        {
            PrincipalKind.User => (Quotas.ManagedPoliciesPerUser, "PoliciesPerUser"),
            PrincipalKind.Group => (Quotas.ManagedPoliciesPerGroup, "PoliciesPerGroup"),
            _ => (Quotas.ManagedPoliciesPerRole, "PoliciesPerRole"),
        };
        if (principal.AttachedPolicies.Count >= quota)
        {
            throw IamException.LimitExceeded($"Cannot exceed quota for {name}: {quota}");
        }

        principal.AttachedPolicies.Add(new FakeAttachedPolicy(policy.Arn, policy.Name));
    }

    public void DetachPolicy(FakePrincipal principal, string policyArn)
    {
        if (principal.AttachedPolicies.RemoveAll(a => a.PolicyArn == policyArn) == 0)
        {
            throw IamException.NoSuchEntity($"Policy {policyArn} was not found.");
        }
    }

    /// <summary>Put{User,Group,Role}Policy: creates or replaces an inline policy within the aggregate size quota.</summary>
    public void PutInlinePolicy(FakePrincipal principal, string policyName, string document)
    {
        IamIdentifiers.CheckName("PolicyName", policyName, 128);
        PolicyDocuments.Validate("PolicyDocument", document);
        var existing = principal.FindInlinePolicy(policyName);
        var others = principal.InlinePolicies.Where(p => p != existing).Sum(p => PolicyDocuments.CountedSize(p.Document));
        var quota = principal.Kind switch
        {
            PrincipalKind.User => Quotas.UserInlinePolicySize,
            PrincipalKind.Group => Quotas.GroupInlinePolicySize,
            _ => Quotas.RoleInlinePolicySize,
        };
        if (others + PolicyDocuments.CountedSize(document) > quota)
        {
            throw IamException.LimitExceeded($"Maximum policy size of {quota} bytes exceeded for {KindName(principal)} {principal.Name}");
        }

        if (existing is null)
        {
            principal.InlinePolicies.Add(new FakeInlinePolicy(policyName, document));
        }
        else
        {
            existing.Document = document;
        }
    }

    public FakeInlinePolicy RequireInlinePolicy(FakePrincipal principal, string policyName) =>
        principal.FindInlinePolicy(policyName)
        ?? throw IamException.NoSuchEntity($"The {KindName(principal)} policy with name {policyName} cannot be found.");

    public void DeleteInlinePolicy(FakePrincipal principal, string policyName) =>
        principal.InlinePolicies.Remove(RequireInlinePolicy(principal, policyName));

    // ---- used by the snapshot loader ----

    internal FakeManagedPolicy AddPolicyEntity(string name, string path, string? id, bool isAwsManaged, DateTimeOffset createDate)
    {
        IamIdentifiers.CheckPath("Path", path);
        var arn = IamIdentifiers.Arn(Partition, isAwsManaged ? "aws" : AccountId, "policy", path, name);
        if (FindPolicy(arn) is not null)
        {
            throw IamException.EntityAlreadyExists($"A policy called {name} already exists. Duplicate names are not allowed.");
        }

        var policy = new FakeManagedPolicy(name, path, id ?? identifiers.NewId("ANPA"), arn, isAwsManaged, createDate);
        policies.Add(policy);
        return policy;
    }

    internal static string KindName(FakePrincipal principal) => principal.Kind.ToString().ToLowerInvariant();

    private static bool SameName(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static void MakeDefault(FakeManagedPolicy policy, FakePolicyVersion version)
    {
        foreach (var v in policy.Versions)
        {
            v.IsDefaultVersion = v == version;
        }
    }

    private FakePolicyVersion AddVersion(FakeManagedPolicy policy, string document, bool isDefault, DateTimeOffset createDate)
    {
        var version = new FakePolicyVersion("v" + policy.NextVersionNumber.ToString(CultureInfo.InvariantCulture), document, isDefault, createDate);
        policy.NextVersionNumber++;
        policy.Versions.Add(version);
        return version;
    }

    private void CheckManagedDocument(string document)
    {
        PolicyDocuments.Validate("PolicyDocument", document);
        if (PolicyDocuments.CountedSize(document) > Quotas.ManagedPolicySize)
        {
            throw IamException.LimitExceeded($"Cannot exceed quota for PolicySize: {Quotas.ManagedPolicySize}");
        }
    }

    private void CheckCustomerManaged(FakeManagedPolicy policy, string action)
    {
        if (policy.IsAwsManaged)
        {
            throw IamException.AccessDenied(
                $"User: {CallerArn} is not authorized to perform: iam:{action} on resource: policy {policy.Arn} because AWS managed policies cannot be changed");
        }
    }

    private void CheckTags(IReadOnlyList<FakeTag> tags, int existingCount)
    {
        foreach (var tag in tags)
        {
            if (tag.Key.Length < 1 || tag.Key.Length > 128)
            {
                throw IamException.Validation("Tags.member.key", tag.Key, "Member must have length less than or equal to 128");
            }

            if (tag.Value.Length > 256)
            {
                throw IamException.Validation("Tags.member.value", tag.Value, "Member must have length less than or equal to 256");
            }
        }

        if (tags.Select(t => t.Key).Distinct().Count() != tags.Count)
        {
            throw IamException.InvalidInput("Duplicate tag keys found.");
        }

        if (existingCount + tags.Count > Quotas.TagsPerPolicy)
        {
            throw IamException.LimitExceeded($"The number of tags has reached the maximum limit of {Quotas.TagsPerPolicy}.");
        }
    }
}
