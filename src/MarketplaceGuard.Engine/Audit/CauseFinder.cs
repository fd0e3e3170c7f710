using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// Finds a finding's cause, the group or policy through which an access arrives (or is blocked), and where a fix can
/// be made once for many principals: at a group that holds nobody authorized to procure or view, since a deny
/// attached to a group reaches every member.
/// </summary>
internal sealed class CauseFinder
{
    /// <summary>How <see cref="MatchedStatement.Via"/> names a group ("group Developers").</summary>
    public const string GroupVia = "group ";

    private readonly PolicyEvaluator evaluator;
    private readonly HashSet<string> authorizedGroups;
    private readonly Account account;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<NamedPolicy, PolicySet> alone = new(); // the audit asks from every core

    public CauseFinder(PolicyEvaluator evaluator, Account account, IEnumerable<AccountPrincipal> authorized)
    {
        this.evaluator = evaluator;
        this.account = account;
        authorizedGroups = authorized.SelectMany(p => p.Groups).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>True when a deny at <paramref name="group"/> reaches nobody authorized to procure or view.</summary>
    public bool CanDenyAt(string group) => !authorizedGroups.Contains(group);

    /// <summary>
    /// Whether some member of <paramref name="group"/> holds the identity policy named <paramref name="policyName"/> (a
    /// grant Revoke protects): asked for every finding of every member, answered once per group and policy.
    /// </summary>
    public bool AnyMemberHolds(string group, string policyName) =>
        membersHolding.GetOrAdd((group, policyName), static (key, members) =>
            members.MembersOf(key.Group).Any(p => p.HoldsIdentityPolicy(key.Policy)), account);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Group, string Policy), bool> membersHolding = new();

    /// <summary>
    /// Through what an access arrives (<paramref name="effect"/> Allow) or is blocked (Deny): the first group among the
    /// statements of that effect, else the first policy, named with how it reaches the principal; the principal itself
    /// when nothing narrower is to blame (an implicit deny).
    /// </summary>
    public (string Text, string? Group) Of(AccountPrincipal principal, AccessEntry entry, PolicyEffect effect)
    {
        MatchedStatement? first = null;
        foreach (var statement in entry.Evidence)
        {
            if (statement.Effect != effect)
            {
                continue;
            }

            if (GroupOf(statement.Via) is { } group)
            {
                return ("group/" + group, group);
            }

            first ??= statement;
        }

        if (first is not null)
        {
            return first.Layer != PolicyLayer.Identity
                ? ($"{first.Layer} {first.PolicyName}", null)
                : (PolicyCause(principal, first.PolicyName), null);
        }

        // A conditional allow is explained by the statements that gate it (denies), not by the allow: find the
        // identity policy that grants it, groups first.
        return effect == PolicyEffect.Allow && entry.DecidingRequests.Count > 0 && GrantingPolicy(principal, entry.DecidingRequests[0]) is { } policy
            ? GroupOf(policy.Via) is { } via ? ("group/" + via, via) : (PolicyCause(principal, policy.Name), null)
            : (principal.DisplayName, null);
    }

    /// <summary>
    /// Where the explicit deny a principal lacks can go for many at once: the largest of its groups that holds
    /// nobody authorized; null for a role or a user in no such group.
    /// </summary>
    public string? DenyGroupFor(AccountPrincipal principal) => principal.Groups
        .Where(CanDenyAt)
        .OrderByDescending(g => account.MembersOf(g).Count)
        .ThenBy(g => g, StringComparer.Ordinal)
        .FirstOrDefault();

    /// <summary>
    /// Whether the principal would hold <paramref name="capability"/> (always or in some contexts) once out of
    /// <paramref name="group"/>, as Remove-IAMUserFromGroup leaves it: without the group's policies, allows and denies.
    /// Leaving a group lifts its deny but grants nothing, so it fixes a lockout only when something else allows.
    /// </summary>
    public bool HoldsOutOf(AccountPrincipal principal, Capability capability, string group)
    {
        var policies = principal.Policies;
        var via = GroupVia + group;
        var without = new PolicySet(
            policies.IdentityPolicies.Where(p => !string.Equals(p.Via, via, StringComparison.Ordinal)),
            policies.PermissionsBoundary,
            policies.ServiceControlPolicyLevels,
            policies.SessionPolicy);

        // A path needs every one of its requests; any path gives the capability.
        return capability.PathIndexes.Any(path => path.All(i =>
        {
            var request = capability.RequestList[i];
            var (resource, _) = request.Bind(principal.AccountId, principal.Partition);
            return evaluator.AuditDecisionOf(without, request.Action, resource, AccessAnalyzer.ContextOf(principal, request))
                is AuditDecision.Allowed or AuditDecision.ConditionallyAllowed;
        }));
    }

    private static string? GroupOf(string? via) =>
        via is not null && via.StartsWith(GroupVia, StringComparison.Ordinal) ? via[GroupVia.Length..] : null;

    private static string PolicyCause(AccountPrincipal principal, string policyName)
    {
        var attached = principal.Source.AttachedPolicies.FirstOrDefault(p => string.Equals(p.Name, policyName, StringComparison.Ordinal));
        return attached is not null
            ? $"policy {attached.Arn} attached to {principal.DisplayName}"
            : $"inline policy {policyName} of {principal.DisplayName}";
    }

    /// <summary>
    /// The identity policy that allows, alone, an action of the path that gives the access: every action of that path
    /// is allowed, so one suffices. Groups first; each policy's one-policy set is built once (group policies are shared
    /// by their members).
    /// </summary>
    private NamedPolicy? GrantingPolicy(AccountPrincipal principal, AccessRequest allowed)
    {
        var (resource, _) = allowed.Bind(principal.AccountId, principal.Partition);
        var context = AccessAnalyzer.ContextOf(principal, allowed);
        var policies = principal.Policies.IdentityPolicies;
        for (var groupsFirst = 0; groupsFirst < 2; groupsFirst++)
        {
            foreach (var policy in policies)
            {
                if ((GroupOf(policy.Via) is null) != (groupsFirst == 1))
                {
                    continue;
                }

                var set = alone.GetOrAdd(policy, static p => new PolicySet([p]));
                if (evaluator.AuditDecisionOf(set, allowed.Action, resource, context) is AuditDecision.Allowed or AuditDecision.ConditionallyAllowed)
                {
                    return policy;
                }
            }
        }

        return null;
    }
}
