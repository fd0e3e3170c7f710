using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.FakeIam;

// The entities a FakeIamAccount holds. Entities are created through the account (which enforces IAM's naming and
// quota rules); their lists can be edited directly to build states that IAM itself would refuse.

public enum PrincipalKind
{
    User,
    Group,
    Role,
}

/// <summary>A tag (key and value) on a user, role or managed policy.</summary>
public sealed record FakeTag(string Key, string Value);

/// <summary>
/// A managed policy attached to a principal. The name is kept with the ARN because a snapshot may attach AWS
/// managed policies whose documents it does not hold.
/// </summary>
public sealed record FakeAttachedPolicy(string PolicyArn, string PolicyName);

/// <summary>An inline policy embedded in a user, group or role; <see cref="Document"/> is plain JSON text.</summary>
public sealed class FakeInlinePolicy
{
    public FakeInlinePolicy(string name, string document)
    {
        Name = name;
        Document = document;
    }

    public string Name { get; }

    public string Document { get; set; }
}

/// <summary>What users, groups and roles have in common: identity, inline policies and attached managed policies.</summary>
public abstract class FakePrincipal
{
    private protected FakePrincipal(FakeIamAccount account, string name, string path, string id, string arn, DateTimeOffset createDate)
    {
        Account = account;
        Name = name;
        Path = path;
        Id = id;
        Arn = arn;
        CreateDate = createDate;
    }

    public abstract PrincipalKind Kind { get; }

    public string Name { get; }

    public string Path { get; }

    public string Id { get; }

    public string Arn { get; }

    public DateTimeOffset CreateDate { get; }

    public List<FakeInlinePolicy> InlinePolicies { get; } = new();

    public List<FakeAttachedPolicy> AttachedPolicies { get; } = new();

    internal FakeIamAccount Account { get; }

    public bool IsAttached(string policyArn) => AttachedPolicies.Any(a => a.PolicyArn == policyArn);

    public FakeInlinePolicy? FindInlinePolicy(string policyName) =>
        InlinePolicies.FirstOrDefault(p => string.Equals(p.Name, policyName, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => Arn;
}

public sealed class FakeUser : FakePrincipal
{
    internal FakeUser(FakeIamAccount account, string name, string path, string id, string arn, DateTimeOffset createDate)
        : base(account, name, path, id, arn, createDate)
    {
    }

    public override PrincipalKind Kind => PrincipalKind.User;

    /// <summary>The user's groups, in the order the user joined them (the order of GroupList in a snapshot).</summary>
    public List<FakeGroup> Groups { get; } = new();

    public string? PermissionsBoundaryArn { get; set; }

    public List<FakeTag> Tags { get; } = new();
}

public sealed class FakeGroup : FakePrincipal
{
    internal FakeGroup(FakeIamAccount account, string name, string path, string id, string arn, DateTimeOffset createDate)
        : base(account, name, path, id, arn, createDate)
    {
    }

    public override PrincipalKind Kind => PrincipalKind.Group;

    /// <summary>The users in this group, in account order (membership is stored on the users).</summary>
    public IReadOnlyList<FakeUser> Members => Account.Users.Where(u => u.Groups.Contains(this)).ToList();
}

public sealed class FakeRole : FakePrincipal
{
    internal FakeRole(FakeIamAccount account, string name, string path, string id, string arn, DateTimeOffset createDate, string assumeRolePolicyDocument)
        : base(account, name, path, id, arn, createDate)
    {
        AssumeRolePolicyDocument = assumeRolePolicyDocument;
    }

    public override PrincipalKind Kind => PrincipalKind.Role;

    /// <summary>The trust policy, plain JSON text.</summary>
    public string AssumeRolePolicyDocument { get; set; }

    public string? Description { get; set; }

    public int MaxSessionDuration { get; set; } = 3600;

    public string? PermissionsBoundaryArn { get; set; }

    public List<FakeTag> Tags { get; } = new();

    public DateTimeOffset? RoleLastUsedDate { get; set; }

    public string? RoleLastUsedRegion { get; set; }
}

/// <summary>One version of a managed policy; <see cref="Document"/> is plain JSON text (IAM URL-encodes it on the wire).</summary>
public sealed class FakePolicyVersion
{
    public FakePolicyVersion(string versionId, string document, bool isDefaultVersion, DateTimeOffset createDate)
    {
        VersionId = versionId;
        Document = document;
        IsDefaultVersion = isDefaultVersion;
        CreateDate = createDate;
    }

    public string VersionId { get; }

    public string Document { get; }

    public bool IsDefaultVersion { get; set; }

    public DateTimeOffset CreateDate { get; }
}

/// <summary>A customer managed or AWS managed policy with its versions (stored oldest first) and tags.</summary>
public sealed class FakeManagedPolicy
{
    internal FakeManagedPolicy(string name, string path, string id, string arn, bool isAwsManaged, DateTimeOffset createDate)
    {
        Name = name;
        Path = path;
        Id = id;
        Arn = arn;
        IsAwsManaged = isAwsManaged;
        CreateDate = createDate;
        UpdateDate = createDate;
    }

    public string Name { get; }

    public string Path { get; }

    public string Id { get; }

    public string Arn { get; }

    public bool IsAwsManaged { get; }

    public string? Description { get; set; }

    public bool IsAttachable { get; set; } = true;

    public DateTimeOffset CreateDate { get; }

    public DateTimeOffset UpdateDate { get; set; }

    public List<FakePolicyVersion> Versions { get; } = new();

    public List<FakeTag> Tags { get; } = new();

    public FakePolicyVersion DefaultVersion =>
        Versions.FirstOrDefault(v => v.IsDefaultVersion) ?? throw new InvalidOperationException($"Policy {Arn} has no default version.");

    /// <summary>The number the next version gets (v1, v2 ...): IAM never reuses a version id.</summary>
    internal int NextVersionNumber { get; set; } = 1;

    public FakePolicyVersion? FindVersion(string versionId) => Versions.FirstOrDefault(v => v.VersionId == versionId);

    public override string ToString() => Arn;
}

/// <summary>IAM's quotas that the fake enforces (defaults as in IAM); change them to test other limits.</summary>
public sealed class IamQuotas
{
    public int ManagedPoliciesPerUser { get; set; } = 10;

    public int ManagedPoliciesPerGroup { get; set; } = 10;

    public int ManagedPoliciesPerRole { get; set; } = 10;

    public int VersionsPerPolicy { get; set; } = 5;

    /// <summary>Characters of a managed policy document, whitespace not counted.</summary>
    public int ManagedPolicySize { get; set; } = 6144;

    /// <summary>Aggregate size of a user's inline policies, whitespace not counted.</summary>
    public int UserInlinePolicySize { get; set; } = 2048;

    public int GroupInlinePolicySize { get; set; } = 5120;

    public int RoleInlinePolicySize { get; set; } = 10240;

    public int GroupsPerUser { get; set; } = 10;

    public int TagsPerPolicy { get; set; } = 50;

    public int CustomerManagedPolicies { get; set; } = 1500;
}
