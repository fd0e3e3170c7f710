using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MarketplaceGuard.FakeIam.Organizations;

/// <summary>
/// The policy writes of Organizations (JSON 1.1) and the tag operations: CreatePolicy, UpdatePolicy, DeletePolicy,
/// AttachPolicy, DetachPolicy, TagResource, UntagResource and ListTagsForResource, with the errors the API model names
/// for them. Service control policies follow Organizations' quotas: a document of at most
/// <see cref="MaxServiceControlPolicyLength"/> characters (whitespace counted, as SDK saves keep it), at least one and
/// at most <see cref="MaxServiceControlPoliciesPerTarget"/> attached directly to each root, OU and account, and
/// attachments only under a root that has the type enabled. Only the management account may write.
/// </summary>
internal static partial class OrganizationsPolicyWrites
{
    public const int MaxServiceControlPolicyLength = 5120;
    public const int MaxServiceControlPoliciesPerTarget = 5;

    /// <summary>The operations that change the organization (what a "no write" test counts).</summary>
    public static readonly IReadOnlySet<string> Operations = new HashSet<string>(StringComparer.Ordinal)
    {
        "CreatePolicy", "UpdatePolicy", "DeletePolicy", "AttachPolicy", "DetachPolicy", "TagResource", "UntagResource",
    };

    public static void CreatePolicy(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var content = q.Required("Content");
        var description = q.Required("Description");
        var name = q.Required("Name");
        var type = q.Required("Type");
        CheckName(name);
        CheckDescription(description);
        var tags = q.Tags("Tags") ?? [];
        CheckTags(tags);
        if (type != FakeOrganization.ServiceControlPolicy)
        {
            throw OrganizationsException.InvalidInput("INVALID_ENUM_POLICY_TYPE", "You specified an invalid value for Type.");
        }

        if (!string.Equals(org.FeatureSet, "ALL", StringComparison.Ordinal))
        {
            throw OrganizationsException.PolicyTypeNotAvailable();
        }

        CheckContent(content);
        if (org.Policies.Any(p => p.Type == type && p.Name == name))
        {
            throw OrganizationsException.DuplicatePolicy();
        }

        var policy = org.AddPolicy(name, content, description: description, type: type);
        foreach (var (key, value) in tags)
        {
            org.TagsOf(policy.Id)[key] = value;
        }

        WritePolicy(w, policy);
    }

    public static void UpdatePolicy(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var policy = Policy(q, org);
        var name = q.Optional("Name");
        var description = q.Optional("Description");
        var content = q.Optional("Content");
        if (name is not null)
        {
            CheckName(name);
        }

        if (description is not null)
        {
            CheckDescription(description);
        }

        if (policy.AwsManaged)
        {
            throw OrganizationsException.AccessDenied();
        }

        if (content is not null)
        {
            CheckContent(content);
        }

        if (name is not null && name != policy.Name && org.Policies.Any(p => p.Type == policy.Type && p.Name == name))
        {
            throw OrganizationsException.DuplicatePolicy();
        }

        policy.Name = name ?? policy.Name;
        policy.Description = description ?? policy.Description;
        policy.Content = content ?? policy.Content;
        WritePolicy(w, policy);
    }

    public static void DeletePolicy(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var policy = Policy(q, org);
        if (policy.AwsManaged)
        {
            throw OrganizationsException.AccessDenied();
        }

        if (policy.Targets.Count > 0)
        {
            throw OrganizationsException.PolicyInUse();
        }

        org.RemovePolicy(policy.Id);
    }

    public static void AttachPolicy(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var policy = Policy(q, org);
        var targetId = Target(q, org);
        if (org.RootOfTarget(targetId) is not { } root || !root.PolicyTypes.Any(t => t.Type == policy.Type && t.Status == "ENABLED"))
        {
            throw OrganizationsException.PolicyTypeNotEnabled();
        }

        if (policy.Targets.Contains(targetId))
        {
            throw OrganizationsException.DuplicatePolicyAttachment();
        }

        if (org.ServiceControlPoliciesOf(targetId).Count >= MaxServiceControlPoliciesPerTarget)
        {
            throw OrganizationsException.ConstraintViolation("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                $"You have attached the maximum number of policies of this type ({MaxServiceControlPoliciesPerTarget}) to the target {targetId}.");
        }

        org.AttachPolicy(policy.Id, targetId);
    }

    public static void DetachPolicy(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var policy = Policy(q, org);
        var targetId = Target(q, org);
        if (!policy.Targets.Contains(targetId))
        {
            throw OrganizationsException.PolicyNotAttached();
        }

        var enabled = org.RootOfTarget(targetId)?.PolicyTypes.Any(t => t.Type == policy.Type && t.Status == "ENABLED") ?? false;
        if (enabled && org.ServiceControlPoliciesOf(targetId).Count <= 1)
        {
            throw OrganizationsException.ConstraintViolation("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                $"You can't detach the last policy of this type from the target {targetId}: every root, OU and account must have at least one attached while the type is enabled.");
        }

        org.DetachPolicy(policy.Id, targetId);
    }

    public static void TagResource(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var resourceId = Taggable(q, org);
        var tags = q.Tags("Tags") ?? throw OrganizationsException.InvalidInput("INPUT_REQUIRED", "You must specify a value for all required parameters. Tags is missing.");
        CheckTags(tags);
        foreach (var (key, value) in tags)
        {
            org.TagsOf(resourceId)[key] = value;
        }
    }

    public static void UntagResource(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var resourceId = Taggable(q, org);
        var keys = q.StringList("TagKeys") ?? throw OrganizationsException.InvalidInput("INPUT_REQUIRED", "You must specify a value for all required parameters. TagKeys is missing.");
        foreach (var key in keys)
        {
            org.TagsOf(resourceId).Remove(key);
        }
    }

    public static void ListTagsForResource(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var resourceId = Taggable(q, org);
        var tags = org.TagsOf(resourceId).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var page = q.Page(tags, $"{q.Operation}/{resourceId}", out var next);
        OrganizationsJson.List(w, "Tags", page, t =>
        {
            w.WriteString("Key", t.Key);
            w.WriteString("Value", t.Value);
        });
        OrganizationsJson.NextToken(w, next);
    }

    public static void DescribeOrganizationalUnit(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var unit = org.FindOrganizationalUnit(q.Id("OrganizationalUnitId", OrganizationIds.OrganizationalUnit().IsMatch, "INVALID_PATTERN"))
            ?? throw OrganizationsException.OrganizationalUnitNotFound();
        w.WriteStartObject("OrganizationalUnit");
        OrganizationsJson.OrganizationalUnit(w, unit);
        w.WriteEndObject();
    }

    // ---- checks ----

    private static void WritePolicy(Utf8JsonWriter w, FakeOrgPolicy policy)
    {
        w.WriteStartObject("Policy");
        w.WriteStartObject("PolicySummary");
        OrganizationsJson.PolicySummary(w, policy);
        w.WriteEndObject();
        w.WriteString("Content", policy.Content);
        w.WriteEndObject();
    }

    private static FakeOrgPolicy Policy(OrganizationsRequest q, FakeOrganization org) =>
        org.FindPolicy(q.Id("PolicyId", OrganizationIds.Policy().IsMatch, "INVALID_SYNTAX_POLICY_ID")) ?? throw OrganizationsException.PolicyNotFound();

    private static string Target(OrganizationsRequest q, FakeOrganization org)
    {
        var targetId = q.Id("TargetId", OrganizationIds.IsTarget, "INVALID_PATTERN_TARGET_ID");
        return org.HasTarget(targetId) ? targetId : throw OrganizationsException.TargetNotFound();
    }

    private static string Taggable(OrganizationsRequest q, FakeOrganization org)
    {
        var resourceId = q.Id("ResourceId", id => OrganizationIds.IsTarget(id) || OrganizationIds.Policy().IsMatch(id));
        return org.HasTarget(resourceId) || org.FindPolicy(resourceId) is not null ? resourceId : throw OrganizationsException.TargetNotFound();
    }

    private static void CheckName(string name)
    {
        if (name.Length is < 1 or > 128)
        {
            throw OrganizationsException.InvalidInput("INVALID_INPUT", "You provided a value for Name that is not between 1 and 128 characters long.");
        }
    }

    private static void CheckDescription(string description)
    {
        if (description.Length > 512)
        {
            throw OrganizationsException.InvalidInput("INVALID_INPUT", "You provided a value for Description that is longer than 512 characters.");
        }
    }

    private static void CheckTags(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        foreach (var (key, value) in tags)
        {
            if (key.Length is < 1 or > 128 || value.Length > 256 || !TagText().IsMatch(key) || !TagText().IsMatch(value))
            {
                throw OrganizationsException.InvalidInput("INVALID_PATTERN", $"You specified a tag key or value that doesn't match the required pattern: '{key}'.");
            }
        }
    }

    /// <summary>The document must be a JSON object with a Statement, and within the SCP size quota.</summary>
    private static void CheckContent(string content)
    {
        if (content.Length < 1)
        {
            throw OrganizationsException.InvalidInput("INPUT_REQUIRED", "You must specify a value for all required parameters. Content is empty.");
        }

        if (content.Length > MaxServiceControlPolicyLength)
        {
            throw OrganizationsException.ConstraintViolation("POLICY_CONTENT_LIMIT_EXCEEDED",
                $"The policy has {content.Length} characters; a service control policy can have at most {MaxServiceControlPolicyLength}.");
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("Statement", out _))
            {
                throw OrganizationsException.MalformedPolicyDocument("the document is not a policy with a Statement.");
            }
        }
        catch (JsonException)
        {
            throw OrganizationsException.MalformedPolicyDocument("the document is not valid JSON.");
        }
    }

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$")]
    private static partial Regex TagText();
}
