using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MarketplaceGuard.FakeIam.Organizations;

/// <summary>
/// The Organizations operations (JSON 1.1): the reads DescribeOrganization, ListRoots, ListOrganizationalUnitsForParent,
/// ListAccountsForParent, ListAccounts, ListParents, ListChildren, DescribeAccount, DescribeOrganizationalUnit,
/// ListPolicies, ListPoliciesForTarget, ListTargetsForPolicy, DescribePolicy, ListTagsForResource and
/// ListDelegatedAdministrators, and the policy writes of <see cref="OrganizationsPolicyWrites"/>. Who may call: the
/// caller's account must be in the organization (else AWSOrganizationsNotInUseException); every read but
/// DescribeOrganization needs the management account or a delegated administrator, and every write the management
/// account (else AccessDeniedException).
/// Each runs under <see cref="FakeOrganization.SyncRoot"/>.
/// </summary>
internal sealed partial class OrganizationsOperations
{
    private static readonly string[] PolicyTypes =
    {
        "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY",
        "CHATBOT_POLICY", "DECLARATIVE_POLICY_EC2", "SECURITYHUB_POLICY", "INSPECTOR_POLICY", "UPGRADE_ROLLOUT_POLICY",
        "BEDROCK_POLICY", "S3_POLICY", "NETWORK_SECURITY_DIRECTOR_POLICY",
    };

    private static readonly string[] ChildTypes = { "ACCOUNT", "ORGANIZATIONAL_UNIT" };
    private readonly FakeOrganizationsService service;
    private readonly Dictionary<string, Action<OrganizationsRequest, FakeOrganization, Utf8JsonWriter>> handlers;

    public OrganizationsOperations(FakeOrganizationsService service)
    {
        this.service = service;
        handlers = new(StringComparer.Ordinal)
        {
            ["DescribeOrganization"] = DescribeOrganization,
            ["ListRoots"] = (q, org, w) => Page(q, w, "Roots", org.Roots, q.Operation, r => OrganizationsJson.Root(w, r)),
            ["ListOrganizationalUnitsForParent"] = (q, org, w) =>
            {
                var parentId = Parent(q, org);
                Page(q, w, "OrganizationalUnits", org.OrganizationalUnits.Where(u => u.ParentId == parentId).ToList(), $"{q.Operation}/{parentId}", u => OrganizationsJson.OrganizationalUnit(w, u));
            },
            ["ListAccountsForParent"] = (q, org, w) =>
            {
                var parentId = Parent(q, org);
                Page(q, w, "Accounts", org.Accounts.Where(a => a.ParentId == parentId).ToList(), $"{q.Operation}/{parentId}", a => OrganizationsJson.Account(w, a));
            },
            ["ListAccounts"] = (q, org, w) => Page(q, w, "Accounts", org.Accounts, q.Operation, a => OrganizationsJson.Account(w, a)),
            ["ListParents"] = ListParents,
            ["ListChildren"] = ListChildren,
            ["DescribeAccount"] = DescribeAccount,
            ["ListPolicies"] = (q, org, w) =>
            {
                var filter = q.Enum("Filter", PolicyTypes, "INVALID_ENUM_POLICY_TYPE");
                Page(q, w, "Policies", org.Policies.Where(p => p.Type == filter).ToList(), $"{q.Operation}/{filter}", p => OrganizationsJson.PolicySummary(w, p));
            },
            ["ListPoliciesForTarget"] = ListPoliciesForTarget,
            ["ListTargetsForPolicy"] = ListTargetsForPolicy,
            ["DescribePolicy"] = DescribePolicy,
            ["ListDelegatedAdministrators"] = ListDelegatedAdministrators,
            ["DescribeOrganizationalUnit"] = OrganizationsPolicyWrites.DescribeOrganizationalUnit,
            ["ListTagsForResource"] = OrganizationsPolicyWrites.ListTagsForResource,
            ["CreatePolicy"] = OrganizationsPolicyWrites.CreatePolicy,
            ["UpdatePolicy"] = OrganizationsPolicyWrites.UpdatePolicy,
            ["DeletePolicy"] = OrganizationsPolicyWrites.DeletePolicy,
            ["AttachPolicy"] = OrganizationsPolicyWrites.AttachPolicy,
            ["DetachPolicy"] = OrganizationsPolicyWrites.DetachPolicy,
            ["TagResource"] = OrganizationsPolicyWrites.TagResource,
            ["UntagResource"] = OrganizationsPolicyWrites.UntagResource,
        };
    }

    public IReadOnlyCollection<string> Operations => handlers.Keys;

    /// <summary>Runs <paramref name="operation"/> for <paramref name="caller"/>; returns the reply or throws <see cref="OrganizationsException"/>.</summary>
    public string Execute(string operation, JsonElement body, CallerIdentity caller)
    {
        if (!handlers.TryGetValue(operation, out var handler))
        {
            throw OrganizationsException.UnknownOperation(operation);
        }

        var organization = service.Organization;
        if (organization is null || service.NotInUse)
        {
            throw OrganizationsException.NotInUse();
        }

        var request = new OrganizationsRequest(operation, body, service.EmptyPagesFirst);
        lock (organization.SyncRoot)
        {
            var account = caller.AccountId;
            if (!organization.IsMember(account))
            {
                throw OrganizationsException.NotInUse();
            }

            // Policy writes need the management account; reads also a delegated administrator.
            var writes = OrganizationsPolicyWrites.Operations.Contains(operation);
            var privileged = account == organization.ManagementAccountId || (!writes && organization.IsDelegatedAdministrator(account));
            if (service.IsDenied(operation, account) || (operation != "DescribeOrganization" && !privileged))
            {
                throw OrganizationsException.AccessDenied();
            }

            if (service.TakeFailure(operation) is { } failure)
            {
                throw new OrganizationsException(failure, $"{operation} failed as the test asked ({failure}).");
            }

            return OrganizationsJson.Object(w => handler(request, organization, w));
        }
    }

    private static void DescribeOrganization(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        w.WriteStartObject("Organization");
        w.WriteString("Id", org.Id);
        w.WriteString("Arn", org.Arn);
        w.WriteString("FeatureSet", org.FeatureSet);
        w.WriteString("MasterAccountArn", org.ManagementAccountArn);
        w.WriteString("MasterAccountId", org.ManagementAccountId);
        w.WriteString("MasterAccountEmail", org.ManagementAccountEmail);
        OrganizationsJson.PolicyTypes(w, "AvailablePolicyTypes", org.Roots.FirstOrDefault()?.PolicyTypes ?? []);
        w.WriteEndObject();
    }

    private static void ListParents(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var childId = q.Id("ChildId", OrganizationIds.IsChild);
        var parentId = org.ParentOf(childId) ?? throw OrganizationsException.ChildNotFound();
        Page(q, w, "Parents", [parentId], $"{q.Operation}/{childId}", id =>
        {
            w.WriteString("Id", id);
            w.WriteString("Type", org.FindRoot(id) is not null ? "ROOT" : "ORGANIZATIONAL_UNIT");
        });
    }

    private static void ListChildren(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var parentId = Parent(q, org);
        var childType = q.Enum("ChildType", ChildTypes);
        var children = childType == "ACCOUNT"
            ? org.Accounts.Where(a => a.ParentId == parentId).Select(a => a.Id).ToList()
            : org.OrganizationalUnits.Where(u => u.ParentId == parentId).Select(u => u.Id).ToList();
        Page(q, w, "Children", children, $"{q.Operation}/{parentId}/{childType}", id =>
        {
            w.WriteString("Id", id);
            w.WriteString("Type", childType);
        });
    }

    private static void DescribeAccount(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var account = org.FindAccount(q.Id("AccountId", OrganizationIds.Account().IsMatch)) ?? throw OrganizationsException.AccountNotFound();
        w.WriteStartObject("Account");
        OrganizationsJson.Account(w, account);
        w.WriteEndObject();
    }

    private static void ListPoliciesForTarget(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var targetId = q.Id("TargetId", OrganizationIds.IsTarget, "INVALID_PATTERN_TARGET_ID");
        var filter = q.Enum("Filter", PolicyTypes, "INVALID_ENUM_POLICY_TYPE");
        if (!org.HasTarget(targetId))
        {
            throw OrganizationsException.TargetNotFound();
        }

        var attached = org.Policies.Where(p => p.Type == filter && p.Targets.Contains(targetId)).ToList();
        Page(q, w, "Policies", attached, $"{q.Operation}/{targetId}/{filter}", p => OrganizationsJson.PolicySummary(w, p));
    }

    private static void ListTargetsForPolicy(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var policy = Policy(q, org);
        var targets = policy.Targets.Where(org.HasTarget).ToList();
        Page(q, w, "Targets", targets, $"{q.Operation}/{policy.Id}", id =>
        {
            var (arn, name, type) = org.FindRoot(id) is { } root ? (root.Arn, root.Name, "ROOT")
                : org.FindOrganizationalUnit(id) is { } unit ? (unit.Arn, unit.Name, "ORGANIZATIONAL_UNIT")
                : org.FindAccount(id) is { } account ? (account.Arn, account.Name, "ACCOUNT")
                : throw new InvalidOperationException($"Target {id} vanished.");
            w.WriteString("TargetId", id);
            w.WriteString("Arn", arn);
            w.WriteString("Name", name);
            w.WriteString("Type", type);
        });
    }

    private static void DescribePolicy(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var policy = Policy(q, org);
        w.WriteStartObject("Policy");
        w.WriteStartObject("PolicySummary");
        OrganizationsJson.PolicySummary(w, policy);
        w.WriteEndObject();
        w.WriteString("Content", policy.Content);
        w.WriteEndObject();
    }

    private static void ListDelegatedAdministrators(OrganizationsRequest q, FakeOrganization org, Utf8JsonWriter w)
    {
        var servicePrincipal = q.Optional("ServicePrincipal");
        if (servicePrincipal is not null && !ServicePrincipalPattern().IsMatch(servicePrincipal))
        {
            throw OrganizationsException.InvalidInput("INVALID_PATTERN", "You specified a value for ServicePrincipal that doesn't match the required pattern.");
        }

        var delegated = org.DelegatedAdministrators
            .Where(d => servicePrincipal is null || d.ServicePrincipal == servicePrincipal)
            .GroupBy(d => d.AccountId)
            .Select(g => (Account: org.FindAccount(g.Key), Since: g.Min(d => d.DelegationEnabledDate)))
            .Where(d => d.Account is not null)
            .ToList();
        Page(q, w, "DelegatedAdministrators", delegated, $"{q.Operation}/{servicePrincipal}", d =>
        {
            OrganizationsJson.Account(w, d.Account!);
            OrganizationsJson.Timestamp(w, "DelegationEnabledDate", d.Since);
        });
    }

    // ---- helpers ----

    private static string Parent(OrganizationsRequest q, FakeOrganization org)
    {
        var parentId = q.Id("ParentId", OrganizationIds.IsParent);
        return org.HasParent(parentId) ? parentId : throw OrganizationsException.ParentNotFound();
    }

    private static FakeOrgPolicy Policy(OrganizationsRequest q, FakeOrganization org) =>
        org.FindPolicy(q.Id("PolicyId", OrganizationIds.Policy().IsMatch, "INVALID_SYNTAX_POLICY_ID")) ?? throw OrganizationsException.PolicyNotFound();

    /// <summary>Writes one page of <paramref name="items"/> as the list <paramref name="listName"/>, then NextToken.</summary>
    private static void Page<T>(OrganizationsRequest q, Utf8JsonWriter w, string listName, IReadOnlyList<T> items, string scope, Action<T> writeMembers)
    {
        var page = q.Page(items, scope, out var next);
        OrganizationsJson.List(w, listName, page, writeMembers);
        OrganizationsJson.NextToken(w, next);
    }

    [GeneratedRegex(@"^[\w+=,.@-]{1,128}$")]
    private static partial Regex ServicePrincipalPattern();
}
