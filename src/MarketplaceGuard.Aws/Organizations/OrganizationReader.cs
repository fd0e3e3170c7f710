using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Transport;
using MarketplaceGuard.Engine.Organizations;

using static MarketplaceGuard.Aws.Organizations.OrganizationsReply;

namespace MarketplaceGuard.Aws.Organizations;

/// <summary>
/// Reads an organization as the audit needs it (<see cref="Organization"/>): DescribeOrganization; ListRoots (whose
/// policy types say whether SCPs are enabled); the tree breadth-first, ListOrganizationalUnitsForParent and
/// ListAccountsForParent for every parent of a level at once (which gives each account its parent without a
/// ListParents per account); then, when SCPs are enabled, ListPolicies(SERVICE_CONTROL_POLICY) and for each policy
/// DescribePolicy (its document) and ListTargetsForPolicy (where it is attached directly). Independent calls run
/// concurrently, as many as the client allows (<see cref="OrganizationsClient.MaxConcurrentRequests"/>); the client's
/// <see cref="OrganizationsClient.RequestCount"/> tells what the read cost. The first failure stops the calls still
/// waiting. AccessDeniedException and AWSOrganizationsNotInUseException become an
/// <see cref="OrganizationNotReadableException"/>; any other error an <see cref="OrganizationsException"/>, and an
/// account state this module does not know an InvalidDataException (guessing it could audit a closed account as
/// active, or skip an active one).
/// </summary>
public static class OrganizationReader
{
    private const string ServiceControlPolicy = "SERVICE_CONTROL_POLICY";

    public static async Task<Organization> ReadAsync(OrganizationsClient client, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        try
        {
            return await ReadAsync(client, stop).ConfigureAwait(false);
        }
        catch (OrganizationsException e) when (OrganizationNotReadableException.Means(e))
        {
            throw new OrganizationNotReadableException(e);
        }
    }

    private static async Task<Organization> ReadAsync(OrganizationsClient client, CancellationTokenSource stop)
    {
        var description = Member(await client.CallAsync("DescribeOrganization", [], stop.Token).ConfigureAwait(false), "DescribeOrganization", "Organization");
        var id = Required(description, "DescribeOrganization", "Id");
        var featureSet = Required(description, "DescribeOrganization", "FeatureSet");
        var managementAccountId = Required(description, "DescribeOrganization", "MasterAccountId");

        var roots = await ListAsync(client, "ListRoots", [], "Roots", Root, stop.Token).ConfigureAwait(false);
        var units = new List<OrganizationalUnit>();
        var accounts = new List<OrganizationAccount>();
        var parents = roots.Select(r => r.Id).ToList();
        var nodes = new HashSet<string>(parents, StringComparer.Ordinal);
        while (parents.Count > 0)
        {
            var level = await AllAsync(parents.SelectMany(p => new Func<CancellationToken, Task<Children>>[]
            {
                async token => new(await ListAsync(client, "ListOrganizationalUnitsForParent", [new("ParentId", p)], "OrganizationalUnits", u => Unit(u, p), token).ConfigureAwait(false), []),
                async token => new([], await ListAsync(client, "ListAccountsForParent", [new("ParentId", p)], "Accounts", a => Account(a, p), token).ConfigureAwait(false)),
            }), stop).ConfigureAwait(false);
            var levelUnits = level.SelectMany(c => c.Units).ToList();
            if (levelUnits.FirstOrDefault(u => !nodes.Add(u.Id)) is { } again)
            {
                // A tree that leads back to a node would be walked forever.
                throw new OrganizationsException("ListOrganizationalUnitsForParent", "MalformedResponse", $"the organizational unit {again.Id} appears twice in the tree", 200, null, 1);
            }

            units.AddRange(levelUnits);
            accounts.AddRange(level.SelectMany(c => c.Accounts));
            parents = levelUnits.Select(u => u.Id).ToList();
        }

        var policies = new List<ServiceControlPolicy>();
        if (string.Equals(featureSet, "ALL", StringComparison.OrdinalIgnoreCase) && roots.Any(r => r.ServiceControlPoliciesEnabled))
        {
            var summaries = await ListAsync(client, "ListPolicies", [new("Filter", ServiceControlPolicy)], "Policies", e => e, stop.Token).ConfigureAwait(false);
            policies.AddRange(await AllAsync(summaries.Select(s => (Func<CancellationToken, Task<ServiceControlPolicy>>)(token => PolicyAsync(client, s, token))), stop).ConfigureAwait(false));
        }

        return new Organization(id, Optional(description, "Arn") ?? string.Empty, featureSet, managementAccountId, roots, units, accounts, policies);
    }

    private static async Task<ServiceControlPolicy> PolicyAsync(OrganizationsClient client, JsonElement summary, CancellationToken cancellation)
    {
        var id = Required(summary, "ListPolicies", "Id");
        var policy = Member(await client.CallAsync("DescribePolicy", [new("PolicyId", id)], cancellation).ConfigureAwait(false), "DescribePolicy", "Policy");
        var targets = await ListAsync(client, "ListTargetsForPolicy", [new("PolicyId", id)], "Targets", t => Required(t, "ListTargetsForPolicy", "TargetId"), cancellation).ConfigureAwait(false);
        return new ServiceControlPolicy(
            id,
            Optional(summary, "Arn") ?? string.Empty,
            Required(summary, "ListPolicies", "Name"),
            Optional(summary, "Description"),
            summary.TryGetProperty("AwsManaged", out var managed) && managed.ValueKind == JsonValueKind.True,
            Optional(policy, "Content") ?? string.Empty,
            targets);
    }

    private static async Task<List<T>> ListAsync<T>(OrganizationsClient client, string operation, IReadOnlyList<KeyValuePair<string, string>> parameters, string member, Func<JsonElement, T> map, CancellationToken cancellation)
    {
        var items = new List<T>();
        await foreach (var page in client.PagesAsync(operation, parameters, cancellation).ConfigureAwait(false))
        {
            // Every page of a listing holds its list, empty or not: a page without it would drop what it should hold.
            if (!page.TryGetProperty(member, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new OrganizationsException(operation, "MalformedResponse", $"the reply has no {member} list", 200, null, 1);
            }

            items.AddRange(list.EnumerateArray().Select(map));
        }

        return items;
    }

    /// <summary>
    /// Runs independent work at once and returns the results in order. The first failure cancels the rest (their
    /// calls may still be waiting for the client's slots); the cancelled ones end as cancelled, not faulted, so the
    /// failure is what is thrown.
    /// </summary>
    private static Task<T[]> AllAsync<T>(IEnumerable<Func<CancellationToken, Task<T>>> work, CancellationTokenSource stop) =>
        Task.WhenAll(work.Select(async start =>
        {
            try
            {
                return await start(stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }).ToList());

    /// <summary>What one list call of the tree found under a parent: its OUs or its accounts.</summary>
    private sealed record Children(List<OrganizationalUnit> Units, List<OrganizationAccount> Accounts);

    private static OrganizationRoot Root(JsonElement root)
    {
        var scp = root.TryGetProperty("PolicyTypes", out var types) && types.ValueKind == JsonValueKind.Array
            && types.EnumerateArray().Any(t => Optional(t, "Type") == ServiceControlPolicy && Optional(t, "Status") == "ENABLED");
        return new OrganizationRoot(Required(root, "ListRoots", "Id"), Optional(root, "Arn") ?? string.Empty, Optional(root, "Name") ?? "Root", scp);
    }

    private static OrganizationalUnit Unit(JsonElement unit, string parentId) =>
        new(Required(unit, "ListOrganizationalUnitsForParent", "Id"), Optional(unit, "Arn") ?? string.Empty, Optional(unit, "Name") ?? string.Empty, parentId);

    private static OrganizationAccount Account(JsonElement account, string parentId)
    {
        var id = Required(account, "ListAccountsForParent", "Id");
        var stateText = Optional(account, "State") ?? Optional(account, "Status");
        var state = OrganizationSnapshotFile.ParseState(stateText)
            ?? throw new InvalidDataException($"ListAccountsForParent gave the account {id} the state '{stateText}', which is none of ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, PENDING_ACTIVATION.");
        return new OrganizationAccount(
            id,
            Optional(account, "Arn") ?? string.Empty,
            Optional(account, "Name") ?? string.Empty,
            Optional(account, "Email") ?? string.Empty,
            state,
            parentId,
            Optional(account, "JoinedMethod"),
            Timestamp(account, "JoinedTimestamp"));
    }

    // JSON 1.1 sends timestamps as seconds since 1970 (a number with a fraction); a text date is read too. The join date
    // only informs: one that is no date (out of the calendar's range, text that is not a date) is left unknown.
    internal static DateTimeOffset? Timestamp(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number ? JsonProtocol.EpochSeconds(value)
        : value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed
        : null;
}
