using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// The IAM API model's structures (User, Group, Role, Policy, PolicyVersion, AttachedPolicy and the *Detail shapes
/// of GetAccountAuthorizationDetails) written from account entities. Policy documents are URL-encoded, as IAM returns them.
/// </summary>
internal static class IamShapes
{
    public static void User(IamXmlWriter w, FakeUser user, bool withBoundaryAndTags)
    {
        w.Element("Path", user.Path);
        w.Element("UserName", user.Name);
        w.Element("UserId", user.Id);
        w.Element("Arn", user.Arn);
        w.Element("CreateDate", user.CreateDate);
        if (withBoundaryAndTags)
        {
            PermissionsBoundary(w, user.PermissionsBoundaryArn);
            Tags(w, "Tags", user.Tags, omitWhenEmpty: true);
        }
    }

    public static void Group(IamXmlWriter w, FakeGroup group)
    {
        w.Element("Path", group.Path);
        w.Element("GroupName", group.Name);
        w.Element("GroupId", group.Id);
        w.Element("Arn", group.Arn);
        w.Element("CreateDate", group.CreateDate);
    }

    public static void Role(IamXmlWriter w, FakeRole role)
    {
        w.Element("Path", role.Path);
        w.Element("RoleName", role.Name);
        w.Element("RoleId", role.Id);
        w.Element("Arn", role.Arn);
        w.Element("CreateDate", role.CreateDate);
        w.Element("AssumeRolePolicyDocument", PolicyDocuments.Encode(role.AssumeRolePolicyDocument));
        w.Element("Description", role.Description);
        w.Element("MaxSessionDuration", role.MaxSessionDuration);
        PermissionsBoundary(w, role.PermissionsBoundaryArn);
        Tags(w, "Tags", role.Tags, omitWhenEmpty: true);
        RoleLastUsed(w, role);
    }

    /// <summary>The Policy structure. Description and Tags only appear where IAM returns them (GetPolicy, CreatePolicy).</summary>
    public static void Policy(IamXmlWriter w, FakeIamAccount account, FakeManagedPolicy policy, bool detailed)
    {
        PolicyFields(w, account, policy, withDescription: detailed);
        if (detailed)
        {
            Tags(w, "Tags", policy.Tags, omitWhenEmpty: true);
        }
    }

    /// <summary>The fields that Policy and ManagedPolicyDetail share, in IAM's order.</summary>
    private static void PolicyFields(IamXmlWriter w, FakeIamAccount account, FakeManagedPolicy policy, bool withDescription)
    {
        var (attachments, boundaries) = account.UsageOf(policy);
        w.Element("PolicyName", policy.Name);
        w.Element("PolicyId", policy.Id);
        w.Element("Arn", policy.Arn);
        w.Element("Path", policy.Path);
        w.Element("DefaultVersionId", policy.DefaultVersion.VersionId);
        w.Element("AttachmentCount", attachments);
        w.Element("PermissionsBoundaryUsageCount", boundaries);
        w.Element("IsAttachable", policy.IsAttachable);
        if (withDescription)
        {
            w.Element("Description", policy.Description);
        }

        w.Element("CreateDate", policy.CreateDate);
        w.Element("UpdateDate", policy.UpdateDate);
    }

    public static void PolicyVersion(IamXmlWriter w, FakePolicyVersion version, bool withDocument)
    {
        if (withDocument)
        {
            w.Element("Document", PolicyDocuments.Encode(version.Document));
        }

        w.Element("VersionId", version.VersionId);
        w.Element("IsDefaultVersion", version.IsDefaultVersion);
        w.Element("CreateDate", version.CreateDate);
    }

    /// <summary>Versions newest first, as IAM lists them.</summary>
    public static IEnumerable<FakePolicyVersion> NewestFirst(FakeManagedPolicy policy) => Enumerable.Reverse(policy.Versions);

    public static void AttachedPolicies(IamXmlWriter w, string listName, IEnumerable<FakeAttachedPolicy> attached) =>
        w.List(listName, attached, a =>
        {
            w.Element("PolicyName", a.PolicyName);
            w.Element("PolicyArn", a.PolicyArn);
        });

    public static void Tags(IamXmlWriter w, string listName, IEnumerable<FakeTag> tags, bool omitWhenEmpty = false)
    {
        var list = tags.ToList();
        if (omitWhenEmpty && list.Count == 0)
        {
            return;
        }

        w.List(listName, list, t =>
        {
            w.Element("Key", t.Key);
            w.Element("Value", t.Value);
        });
    }

    // ---- GetAccountAuthorizationDetails ----

    public static void UserDetail(IamXmlWriter w, FakeUser user)
    {
        User(w, user, withBoundaryAndTags: false);
        InlinePolicies(w, "UserPolicyList", user);
        w.StringList("GroupList", user.Groups.Select(g => g.Name));
        AttachedPolicies(w, "AttachedManagedPolicies", user.AttachedPolicies);
        PermissionsBoundary(w, user.PermissionsBoundaryArn);
        Tags(w, "Tags", user.Tags);
    }

    public static void GroupDetail(IamXmlWriter w, FakeGroup group)
    {
        Group(w, group);
        InlinePolicies(w, "GroupPolicyList", group);
        AttachedPolicies(w, "AttachedManagedPolicies", group.AttachedPolicies);
    }

    public static void RoleDetail(IamXmlWriter w, FakeRole role)
    {
        w.Element("Path", role.Path);
        w.Element("RoleName", role.Name);
        w.Element("RoleId", role.Id);
        w.Element("Arn", role.Arn);
        w.Element("CreateDate", role.CreateDate);
        w.Element("AssumeRolePolicyDocument", PolicyDocuments.Encode(role.AssumeRolePolicyDocument));
        w.List("InstanceProfileList", Enumerable.Empty<object>(), _ => { });
        InlinePolicies(w, "RolePolicyList", role);
        AttachedPolicies(w, "AttachedManagedPolicies", role.AttachedPolicies);
        PermissionsBoundary(w, role.PermissionsBoundaryArn);
        Tags(w, "Tags", role.Tags);
        RoleLastUsed(w, role);
    }

    public static void ManagedPolicyDetail(IamXmlWriter w, FakeIamAccount account, FakeManagedPolicy policy)
    {
        PolicyFields(w, account, policy, withDescription: true);
        w.List("PolicyVersionList", NewestFirst(policy), v => PolicyVersion(w, v, withDocument: true));
    }

    private static void InlinePolicies(IamXmlWriter w, string listName, FakePrincipal principal) =>
        w.List(listName, principal.InlinePolicies, p =>
        {
            w.Element("PolicyName", p.Name);
            w.Element("PolicyDocument", PolicyDocuments.Encode(p.Document));
        });

    private static void PermissionsBoundary(IamXmlWriter w, string? boundaryArn)
    {
        if (boundaryArn is null)
        {
            return;
        }

        w.Start("PermissionsBoundary");
        w.Element("PermissionsBoundaryType", "PermissionsBoundaryPolicy");
        w.Element("PermissionsBoundaryArn", boundaryArn);
        w.End();
    }

    private static void RoleLastUsed(IamXmlWriter w, FakeRole role)
    {
        w.Start("RoleLastUsed");
        w.Element("LastUsedDate", role.RoleLastUsedDate);
        w.Element("Region", role.RoleLastUsedRegion);
        w.End();
    }
}
