using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// Builds an account from the JSON that <c>aws iam get-account-authorization-details</c> writes
/// (UserDetailList, GroupDetailList, RoleDetailList, Policies). Ids, paths and dates are kept; documents may be JSON
/// objects or URL-encoded strings. Attachments are kept even when the snapshot lacks the policy (an export filtered
/// to LocalManagedPolicy still attaches AWS managed policies by ARN and name).
/// </summary>
internal static class AuthorizationDetailsLoader
{
    public static FakeIamAccount Load(string json, string? accountId)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var root = document.RootElement;
        var (partition, foundAccountId) = FindAccount(root);
        var account = new FakeIamAccount(accountId ?? foundAccountId ?? FakeIamAccount.DefaultAccountId, partition);

        foreach (var item in Items(root, "Policies"))
        {
            LoadPolicy(account, item);
        }

        foreach (var item in Items(root, "GroupDetailList"))
        {
            var group = account.AddGroup(Text(item, "GroupName"), OptionalText(item, "Path") ?? "/", OptionalText(item, "GroupId"), Date(item, "CreateDate"));
            LoadPrincipalPolicies(group, item, "GroupPolicyList");
        }

        foreach (var item in Items(root, "UserDetailList"))
        {
            var user = account.AddUser(Text(item, "UserName"), OptionalText(item, "Path") ?? "/", OptionalText(item, "UserId"), Date(item, "CreateDate"));
            LoadPrincipalPolicies(user, item, "UserPolicyList");
            user.PermissionsBoundaryArn = BoundaryArn(item);
            user.Tags.AddRange(Tags(item));
            foreach (var groupName in Items(item, "GroupList"))
            {
                var name = groupName.GetString()!;
                user.Groups.Add(account.FindGroup(name) ?? throw new InvalidDataException($"User {user.Name} is in group {name}, which the snapshot does not hold."));
            }
        }

        foreach (var item in Items(root, "RoleDetailList"))
        {
            var trust = item.TryGetProperty("AssumeRolePolicyDocument", out var t) ? PolicyDocuments.FromSnapshot(t) : "{}";
            var role = account.AddRole(Text(item, "RoleName"), trust, OptionalText(item, "Path") ?? "/", OptionalText(item, "RoleId"), Date(item, "CreateDate"));
            LoadPrincipalPolicies(role, item, "RolePolicyList");
            role.PermissionsBoundaryArn = BoundaryArn(item);
            role.Tags.AddRange(Tags(item));
            role.Description = OptionalText(item, "Description");
            if (item.TryGetProperty("MaxSessionDuration", out var duration) && duration.ValueKind == JsonValueKind.Number)
            {
                role.MaxSessionDuration = duration.GetInt32();
            }

            if (item.TryGetProperty("RoleLastUsed", out var lastUsed) && lastUsed.ValueKind == JsonValueKind.Object)
            {
                role.RoleLastUsedDate = Date(lastUsed, "LastUsedDate");
                role.RoleLastUsedRegion = OptionalText(lastUsed, "Region");
            }
        }

        return account;
    }

    private static void LoadPolicy(FakeIamAccount account, JsonElement item)
    {
        var arn = Text(item, "Arn");
        var isAws = arn.Split(':') is { Length: >= 6 } parts && parts[4] == "aws";
        var policy = account.AddPolicyEntity(Text(item, "PolicyName"), OptionalText(item, "Path") ?? IamIdentifiers.PolicyPathFromArn(arn),
            OptionalText(item, "PolicyId"), isAws, Date(item, "CreateDate") ?? account.Clock());
        policy.Description = OptionalText(item, "Description");
        policy.UpdateDate = Date(item, "UpdateDate") ?? policy.CreateDate;
        if (item.TryGetProperty("IsAttachable", out var attachable) && attachable.ValueKind == JsonValueKind.False)
        {
            policy.IsAttachable = false;
        }

        policy.Tags.AddRange(Tags(item));
        var defaultVersionId = OptionalText(item, "DefaultVersionId");
        var versions = Items(item, "PolicyVersionList")
            .Select(v => new FakePolicyVersion(
                Text(v, "VersionId"),
                PolicyDocuments.FromSnapshot(v.GetProperty("Document")),
                v.TryGetProperty("IsDefaultVersion", out var d) ? d.ValueKind == JsonValueKind.True : Text(v, "VersionId") == defaultVersionId,
                Date(v, "CreateDate") ?? policy.CreateDate))
            .OrderBy(v => VersionNumber(v.VersionId))
            .ToList();
        if (versions.Count(v => v.IsDefaultVersion) != 1)
        {
            throw new InvalidDataException($"Policy {arn} must have exactly one default version in PolicyVersionList.");
        }

        policy.Versions.AddRange(versions);
        policy.NextVersionNumber = versions.Max(v => VersionNumber(v.VersionId)) + 1;
    }

    private static void LoadPrincipalPolicies(FakePrincipal principal, JsonElement item, string inlineListName)
    {
        foreach (var inline in Items(item, inlineListName))
        {
            principal.InlinePolicies.Add(new FakeInlinePolicy(Text(inline, "PolicyName"), PolicyDocuments.FromSnapshot(inline.GetProperty("PolicyDocument"))));
        }

        foreach (var attached in Items(item, "AttachedManagedPolicies"))
        {
            principal.AttachedPolicies.Add(new FakeAttachedPolicy(Text(attached, "PolicyArn"), Text(attached, "PolicyName")));
        }
    }

    private static (string Partition, string? AccountId) FindAccount(JsonElement root)
    {
        foreach (var list in new[] { "UserDetailList", "GroupDetailList", "RoleDetailList", "Policies" })
        {
            foreach (var item in Items(root, list))
            {
                var parts = (OptionalText(item, "Arn") ?? string.Empty).Split(':');
                if (parts.Length >= 6 && parts[4] != "aws")
                {
                    return (parts[1], parts[4]);
                }
            }
        }

        return ("aws", null);
    }

    private static int VersionNumber(string versionId)
    {
        var digits = new string(versionId.Skip(1).TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    private static string? BoundaryArn(JsonElement item) =>
        item.TryGetProperty("PermissionsBoundary", out var boundary) && boundary.ValueKind == JsonValueKind.Object
            ? OptionalText(boundary, "PermissionsBoundaryArn")
            : null;

    private static FakeTag[] Tags(JsonElement item) =>
        Items(item, "Tags").Select(t => new FakeTag(Text(t, "Key"), OptionalText(t, "Value") ?? string.Empty)).ToArray();

    private static JsonElement[] Items(JsonElement item, string name) =>
        item.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToArray() : Array.Empty<JsonElement>();

    private static string Text(JsonElement item, string name) =>
        OptionalText(item, name) ?? throw new InvalidDataException($"A snapshot entry lacks {name}: {item}");

    private static string? OptionalText(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Date(JsonElement item, string name)
    {
        var text = OptionalText(item, name);
        return text is null
            ? null
            : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();
    }
}
