using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;

namespace MarketplaceGuard.Aws.Iam;

/// <summary>The kinds of principal a managed policy attaches to.</summary>
public enum IamPrincipalKind
{
    User,
    Group,
    Role,
}

/// <summary>A customer or AWS managed policy as GetPolicy, CreatePolicy and ListPolicies describe it.</summary>
public sealed record ManagedPolicyInfo(string Arn, string Name, string Path, string DefaultVersionId, int AttachmentCount, bool IsAttachable, IReadOnlyDictionary<string, string> Tags);

/// <summary>One version of a managed policy; <see cref="Document"/> (decoded JSON) only from GetPolicyVersion.</summary>
public sealed record PolicyVersionInfo(string VersionId, bool IsDefault, DateTimeOffset? CreateDate, string? Document);

/// <summary>A user, group or role.</summary>
public sealed record IamPrincipalInfo(IamPrincipalKind Kind, string Name, string Arn, string Id, string Path);

/// <summary>A managed policy attached to a principal.</summary>
public sealed record AttachedPolicyInfo(string Name, string Arn);

/// <summary>
/// The IAM operations auditing and granting need, typed: each a thin layer over <see cref="IamClient"/>, list
/// operations followed to their last page. Policy documents come back URL-decoded.
/// </summary>
public sealed class IamOperations
{
    private readonly IamClient client;

    public IamOperations(IamClient client)
    {
        this.client = client;
    }

    public async Task<ManagedPolicyInfo> GetPolicyAsync(string policyArn, CancellationToken cancellation) =>
        Policy(Required(await client.CallAsync("GetPolicy", [new("PolicyArn", policyArn)], cancellation).ConfigureAwait(false), "Policy"));

    public async Task<PolicyVersionInfo> GetPolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellation) =>
        Version(Required(await client.CallAsync("GetPolicyVersion", [new("PolicyArn", policyArn), new("VersionId", versionId)], cancellation).ConfigureAwait(false), "PolicyVersion"));

    public Task<List<PolicyVersionInfo>> ListPolicyVersionsAsync(string policyArn, CancellationToken cancellation) =>
        ListAsync("ListPolicyVersions", [new("PolicyArn", policyArn)], "Versions", Version, cancellation);

    public async Task<ManagedPolicyInfo> CreatePolicyAsync(string name, string path, string document, string? description, IReadOnlyDictionary<string, string> tags, CancellationToken cancellation)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("PolicyName", name), new("Path", path), new("PolicyDocument", document) };
        if (!string.IsNullOrEmpty(description))
        {
            parameters.Add(new("Description", description));
        }

        parameters.AddRange(TagParameters(tags));
        return Policy(Required(await client.CallAsync("CreatePolicy", parameters, cancellation).ConfigureAwait(false), "Policy"));
    }

    public async Task<PolicyVersionInfo> CreatePolicyVersionAsync(string policyArn, string document, bool setAsDefault, CancellationToken cancellation) =>
        Version(Required(await client.CallAsync("CreatePolicyVersion", [new("PolicyArn", policyArn), new("PolicyDocument", document), new("SetAsDefault", setAsDefault ? "true" : "false")], cancellation).ConfigureAwait(false), "PolicyVersion"));

    public Task DeletePolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellation) =>
        client.CallAsync("DeletePolicyVersion", [new("PolicyArn", policyArn), new("VersionId", versionId)], cancellation);

    /// <summary>DeletePolicy: only once it is detached everywhere and has no other version.</summary>
    public Task DeletePolicyAsync(string policyArn, CancellationToken cancellation) =>
        client.CallAsync("DeletePolicy", [new("PolicyArn", policyArn)], cancellation);

    /// <summary>ListPolicies with Scope Local (customer managed) under a path prefix.</summary>
    public Task<List<ManagedPolicyInfo>> ListLocalPoliciesAsync(string pathPrefix, CancellationToken cancellation) =>
        ListAsync("ListPolicies", [new("Scope", "Local"), new("PathPrefix", pathPrefix), new("MaxItems", "1000")], "Policies", Policy, cancellation);

    public Task TagPolicyAsync(string policyArn, IReadOnlyDictionary<string, string> tags, CancellationToken cancellation) =>
        client.CallAsync("TagPolicy", [new("PolicyArn", policyArn), .. TagParameters(tags)], cancellation);

    public Task AttachPolicyAsync(IamPrincipalKind kind, string principalName, string policyArn, CancellationToken cancellation) =>
        client.CallAsync($"Attach{kind}Policy", [new($"{kind}Name", principalName), new("PolicyArn", policyArn)], cancellation);

    public Task DetachPolicyAsync(IamPrincipalKind kind, string principalName, string policyArn, CancellationToken cancellation) =>
        client.CallAsync($"Detach{kind}Policy", [new($"{kind}Name", principalName), new("PolicyArn", policyArn)], cancellation);

    public Task<List<AttachedPolicyInfo>> ListAttachedPoliciesAsync(IamPrincipalKind kind, string principalName, CancellationToken cancellation) =>
        ListAsync($"ListAttached{kind}Policies", [new($"{kind}Name", principalName)], "AttachedPolicies", e => new AttachedPolicyInfo(Text(e, "PolicyName"), Text(e, "PolicyArn")), cancellation);

    /// <summary>The users, groups and roles a managed policy is attached to.</summary>
    public async Task<List<IamPrincipalInfo>> ListEntitiesForPolicyAsync(string policyArn, CancellationToken cancellation)
    {
        var entities = new List<IamPrincipalInfo>();
        await foreach (var page in client.PagesAsync("ListEntitiesForPolicy", [new("PolicyArn", policyArn)], cancellation).ConfigureAwait(false))
        {
            foreach (var (list, kind) in new[] { ("PolicyUsers", IamPrincipalKind.User), ("PolicyGroups", IamPrincipalKind.Group), ("PolicyRoles", IamPrincipalKind.Role) })
            {
                foreach (var member in Members(page, list))
                {
                    entities.Add(new IamPrincipalInfo(kind, Text(member, $"{kind}Name"), string.Empty, Text(member, $"{kind}Id"), string.Empty));
                }
            }
        }

        return entities;
    }

    private async Task<List<T>> ListAsync<T>(string operation, IReadOnlyList<KeyValuePair<string, string>> parameters, string list, Func<XElement, T> read, CancellationToken cancellation)
    {
        var items = new List<T>();
        await foreach (var page in client.PagesAsync(operation, parameters, cancellation).ConfigureAwait(false))
        {
            items.AddRange(Members(page, list).Select(read));
        }

        return items;
    }

    private static IEnumerable<KeyValuePair<string, string>> TagParameters(IReadOnlyDictionary<string, string> tags) =>
        tags.OrderBy(t => t.Key, StringComparer.Ordinal).SelectMany((t, i) => new KeyValuePair<string, string>[]
        {
            new($"Tags.member.{(i + 1).ToString(CultureInfo.InvariantCulture)}.Key", t.Key),
            new($"Tags.member.{(i + 1).ToString(CultureInfo.InvariantCulture)}.Value", t.Value),
        });

    private static ManagedPolicyInfo Policy(XElement e) => new(
        Text(e, "Arn"),
        Text(e, "PolicyName"),
        Text(e, "Path"),
        Text(e, "DefaultVersionId"),
        int.TryParse(Text(e, "AttachmentCount"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 0,
        !string.Equals(Text(e, "IsAttachable"), "false", StringComparison.OrdinalIgnoreCase),
        Members(e, "Tags").ToDictionary(t => Text(t, "Key"), t => Text(t, "Value"), StringComparer.Ordinal));

    private static PolicyVersionInfo Version(XElement e) => new(
        Text(e, "VersionId"),
        string.Equals(Text(e, "IsDefaultVersion"), "true", StringComparison.OrdinalIgnoreCase),
        DateTimeOffset.TryParse(Text(e, "CreateDate"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : null,
        IamClient.Child(e, "Document") is { } document ? Uri.UnescapeDataString(document.Value.Trim()) : null);

    private static IamPrincipalInfo Principal(IamPrincipalKind kind, XElement e) =>
        new(kind, Text(e, $"{kind}Name"), Text(e, "Arn"), Text(e, $"{kind}Id"), Text(e, "Path"));

    private static IEnumerable<XElement> Members(XElement parent, string list) =>
        IamClient.Child(parent, list)?.Elements().Where(m => m.Name.LocalName == "member") ?? [];

    private static string Text(XElement parent, string name) => IamClient.Child(parent, name)?.Value.Trim() ?? string.Empty;

    private static XElement Required(XElement parent, string name) =>
        IamClient.Child(parent, name) ?? throw new IamException(parent.Name.LocalName, "MalformedResponse", $"the reply has no {name}", 200, null, 1);
}
