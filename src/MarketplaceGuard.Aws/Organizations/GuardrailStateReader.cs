using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Engine.Guardrails;
using MarketplaceGuard.Engine.Organizations;

using static MarketplaceGuard.Aws.Organizations.OrganizationsReply;

namespace MarketplaceGuard.Aws.Organizations;

/// <summary>
/// Reads what a guardrail change to one target decides from (<see cref="GuardrailState"/>), with calls about that
/// target only, not the whole organization: DescribeOrganization (the management account, all features) and ListRoots
/// (SCPs enabled); the target itself (the root from ListRoots, DescribeOrganizationalUnit, DescribeAccount), which must
/// exist; its path up to the root (ListParents, DescribeOrganizationalUnit for each OU's name) with each level's SCPs
/// (ListPoliciesForTarget, DescribePolicy); the SCPs attached to the target and, through ListPolicies, those whose name
/// is the module's for this target; for each of those its document, targets (ListTargetsForPolicy) and, for names with
/// the module's prefix, its tags (ListTagsForResource). Reads only; decides nothing.
/// </summary>
public static class GuardrailStateReader
{
    private const string ServiceControlPolicy = "SERVICE_CONTROL_POLICY";

    /// <summary>
    /// The state of <paramref name="targetId"/> (a well-formed root, OU or account id). Throws
    /// <see cref="GuardrailTargetException"/> when the organization has no such node or SCPs are not enabled, and
    /// <see cref="OrganizationsException"/> for any other error.
    /// </summary>
    public static async Task<GuardrailState> ReadAsync(OrganizationsClient client, string targetId, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(client);
        var kind = GuardrailTarget.KindOf(targetId) ?? throw new ArgumentException($"'{targetId}' is not a root, OU or account id.", nameof(targetId));
        var organization = Member(await client.CallAsync("DescribeOrganization", [], cancellation).ConfigureAwait(false), "DescribeOrganization", "Organization");
        var managementAccountId = Required(organization, "DescribeOrganization", "MasterAccountId");
        var roots = await ListAsync(client, "ListRoots", [], "Roots", r => r, cancellation).ConfigureAwait(false);
        var enabled = string.Equals(Optional(organization, "FeatureSet"), "ALL", StringComparison.Ordinal)
            && roots.Count > 0
            && roots.All(r => r.TryGetProperty("PolicyTypes", out var types) && types.ValueKind == JsonValueKind.Array
                && types.EnumerateArray().Any(t => Optional(t, "Type") == ServiceControlPolicy && Optional(t, "Status") == "ENABLED"));

        var target = new GuardrailTarget(targetId, kind, await NameOfAsync(client, targetId, kind, roots, cancellation).ConfigureAwait(false));
        if (!enabled)
        {
            throw new GuardrailTargetException(targetId, GuardrailTargetProblem.PolicyTypeNotEnabled,
                $"Service control policies are not enabled in the organization {Optional(organization, "Id")} (the root's SERVICE_CONTROL_POLICY type, with all features): no guardrail can be attached to {target.Label}.");
        }

        var levels = new List<ServiceControlPolicyLevel>();
        foreach (var (id, levelKind) in await PathAboveAsync(client, targetId, kind, cancellation).ConfigureAwait(false))
        {
            var name = await NameOfAsync(client, id, levelKind, roots, cancellation).ConfigureAwait(false);
            var attached = new List<Engine.Organizations.ServiceControlPolicy>();
            foreach (var summary in await AttachedToAsync(client, id, cancellation).ConfigureAwait(false))
            {
                var policyId = Required(summary, "ListPoliciesForTarget", "Id");
                attached.Add(new Engine.Organizations.ServiceControlPolicy(
                    policyId, Optional(summary, "Arn") ?? string.Empty, Required(summary, "ListPoliciesForTarget", "Name"), Optional(summary, "Description"),
                    summary.TryGetProperty("AwsManaged", out var managed) && managed.ValueKind == JsonValueKind.True,
                    await ContentAsync(client, policyId, cancellation).ConfigureAwait(false), [id]));
            }

            levels.Add(new ServiceControlPolicyLevel(id, levelKind, name, attached));
        }

        // The SCPs attached to the target, and the module's SCPs named for it (attached or not): see GuardrailNames.
        var suffix = "-" + targetId;
        var relevant = (await AttachedToAsync(client, targetId, cancellation).ConfigureAwait(false))
            .Concat((await ListAsync(client, "ListPolicies", [new("Filter", ServiceControlPolicy)], "Policies", p => p, cancellation).ConfigureAwait(false))
                .Where(p => Optional(p, "Name") is { } name && name.StartsWith(GuardrailPolicy.NamePrefix, StringComparison.Ordinal) && name.EndsWith(suffix, StringComparison.Ordinal)))
            .GroupBy(p => Required(p, "ListPolicies", "Id"), StringComparer.Ordinal)
            .Select(g => g.First())
            .ToList();
        var policies = new List<ServiceControlPolicyState>();
        foreach (var summary in relevant)
        {
            policies.Add(await PolicyStateAsync(client, summary, cancellation).ConfigureAwait(false));
        }

        return new GuardrailState(target, managementAccountId, levels, policies);
    }

    /// <summary>The SCP with this id as the planner sees it: summary, document, targets and (for the module's names) tags.</summary>
    public static async Task<ServiceControlPolicyState> PolicyStateAsync(OrganizationsClient client, JsonElement summary, CancellationToken cancellation)
    {
        var id = Required(summary, "ListPolicies", "Id");
        var name = Required(summary, "ListPolicies", "Name");
        var targets = await ListAsync(client, "ListTargetsForPolicy", [new("PolicyId", id)], "Targets", t => Required(t, "ListTargetsForPolicy", "TargetId"), cancellation).ConfigureAwait(false);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (name.StartsWith(GuardrailPolicy.NamePrefix, StringComparison.Ordinal))
        {
            foreach (var (key, value) in await ListAsync(client, "ListTagsForResource", [new("ResourceId", id)], "Tags", t => (Required(t, "ListTagsForResource", "Key"), Optional(t, "Value") ?? string.Empty), cancellation, maxResults: false).ConfigureAwait(false))
            {
                tags[key] = value;
            }
        }

        return new ServiceControlPolicyState(
            id,
            name,
            Optional(summary, "Description"),
            await ContentAsync(client, id, cancellation).ConfigureAwait(false),
            summary.TryGetProperty("AwsManaged", out var managed) && managed.ValueKind == JsonValueKind.True,
            tags,
            targets);
    }

    /// <summary>The SCP of this name (a ListPolicies summary), or null.</summary>
    public static async Task<JsonElement?> FindByNameAsync(OrganizationsClient client, string name, CancellationToken cancellation)
    {
        var all = await ListAsync(client, "ListPolicies", [new("Filter", ServiceControlPolicy)], "Policies", p => p, cancellation).ConfigureAwait(false);
        return all.Where(p => Optional(p, "Name") == name).Select(p => (JsonElement?)p).FirstOrDefault();
    }

    private static Task<List<JsonElement>> AttachedToAsync(OrganizationsClient client, string targetId, CancellationToken cancellation) =>
        ListAsync(client, "ListPoliciesForTarget", [new("TargetId", targetId), new("Filter", ServiceControlPolicy)], "Policies", p => p, cancellation);

    private static async Task<string> ContentAsync(OrganizationsClient client, string policyId, CancellationToken cancellation) =>
        Optional(Member(await client.CallAsync("DescribePolicy", [new("PolicyId", policyId)], cancellation).ConfigureAwait(false), "DescribePolicy", "Policy"), "Content") ?? string.Empty;

    /// <summary>The target's name; a <see cref="GuardrailTargetException"/> when the organization has no such node.</summary>
    private static async Task<string> NameOfAsync(OrganizationsClient client, string id, OrganizationTargetKind kind, List<JsonElement> roots, CancellationToken cancellation)
    {
        GuardrailTargetException NotFound(Exception? inner = null) => new(id, GuardrailTargetProblem.NotFound,
            $"The organization has no {(kind == OrganizationTargetKind.Root ? "root" : kind == OrganizationTargetKind.OrganizationalUnit ? "OU" : "account")} {id}.", inner);
        try
        {
            return kind switch
            {
                OrganizationTargetKind.Root => roots.Where(r => Optional(r, "Id") == id).Select(r => Optional(r, "Name") ?? "Root").FirstOrDefault() ?? throw NotFound(),
                OrganizationTargetKind.OrganizationalUnit => Optional(Member(await client.CallAsync("DescribeOrganizationalUnit", [new("OrganizationalUnitId", id)], cancellation).ConfigureAwait(false), "DescribeOrganizationalUnit", "OrganizationalUnit"), "Name") ?? string.Empty,
                _ => Optional(Member(await client.CallAsync("DescribeAccount", [new("AccountId", id)], cancellation).ConfigureAwait(false), "DescribeAccount", "Account"), "Name") ?? string.Empty,
            };
        }
        catch (OrganizationsException e) when (e.Code is "OrganizationalUnitNotFoundException" or "AccountNotFoundException" or "TargetNotFoundException")
        {
            throw NotFound(e);
        }
    }

    /// <summary>The nodes above the target, the root first (none for a root).</summary>
    private static async Task<List<(string Id, OrganizationTargetKind Kind)>> PathAboveAsync(OrganizationsClient client, string targetId, OrganizationTargetKind kind, CancellationToken cancellation)
    {
        var path = new List<(string, OrganizationTargetKind)>();
        var child = targetId;
        // Five OU levels at most, then the root: a longer path means the replies are wrong.
        for (var depth = 0; kind != OrganizationTargetKind.Root && depth <= 6; depth++)
        {
            var parents = await ListAsync(client, "ListParents", [new("ChildId", child)], "Parents", p => (Id: Required(p, "ListParents", "Id"), Type: Optional(p, "Type")), cancellation).ConfigureAwait(false);
            if (parents.Count != 1)
            {
                throw new OrganizationsException("ListParents", "MalformedResponse", $"{child} has {parents.Count} parents; Organizations gives every OU and account one", 200, null, 1);
            }

            var parentKind = parents[0].Type == "ROOT" ? OrganizationTargetKind.Root : OrganizationTargetKind.OrganizationalUnit;
            path.Add((parents[0].Id, parentKind));
            if (parentKind == OrganizationTargetKind.Root)
            {
                path.Reverse();
                return path;
            }

            child = parents[0].Id;
        }

        if (kind == OrganizationTargetKind.Root)
        {
            return path;
        }

        throw new OrganizationsException("ListParents", "MalformedResponse", $"the path of {targetId} is deeper than Organizations allows", 200, null, 1);
    }

    private static async Task<List<T>> ListAsync<T>(OrganizationsClient client, string operation, IReadOnlyList<KeyValuePair<string, string>> parameters, string member, Func<JsonElement, T> map, CancellationToken cancellation, bool maxResults = true)
    {
        var items = new List<T>();
        await foreach (var page in client.PagesAsync(operation, parameters, cancellation, maxResults).ConfigureAwait(false))
        {
            if (page.TryGetProperty(member, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                items.AddRange(list.EnumerateArray().Select(map));
            }
        }

        return items;
    }
}
