using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Principals;

namespace MarketplaceGuard.Engine.Changes;

/// <summary>
/// The lockout guard of the change commands: who a deny on one principal would reach (a group reaches its members)
/// among those authorized today — named by the user (-ProcurementPrincipal, -LauncherPrincipal, -GovernancePrincipal;
/// directly or through a group), or holding the module's grant (directly or through a group). Read from the account's
/// principals as they are now, so a group's members and attachments are the account's, not a guess.
/// </summary>
public static class LockoutGuard
{
    /// <summary>Each authorized principal the deny would reach, with why ("user pat (MarketplaceGuard-Procurement via group Procurement)").</summary>
    /// <param name="authorized">The principals the user named as authorized.</param>
    /// <param name="isGrant">Whether an attached managed policy (by ARN) is one of the module's grants of the rule.</param>
    /// <param name="namedBy">The parameter that names them, for the reason: "-ProcurementPrincipal".</param>
    public static IReadOnlyList<string> Reached(AuthorizationSnapshot account, PrincipalRef target, IReadOnlyCollection<PrincipalEntry> authorized, Func<string, bool> isGrant, string namedBy)
    {
        PrincipalEntry? NamedEntry(PrincipalKind kind, string name) =>
            authorized.FirstOrDefault(p => p.Kind == kind && p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        bool Named(PrincipalKind kind, string name) => NamedEntry(kind, name) is not null;

        var groups = account.Groups.ToDictionary(g => g.Name, StringComparer.OrdinalIgnoreCase);
        SnapshotAttachedPolicy? Grant(SnapshotEntity entity) => entity.AttachedPolicies.FirstOrDefault(a => isGrant(a.Arn));

        if (target.Kind == PrincipalKind.Group && NamedEntry(PrincipalKind.Group, target.Name) is { } namedTarget)
        {
            return [$"{namedTarget.Ref} (named by {namedBy})"];
        }

        var reached = target.Kind switch
        {
            PrincipalKind.Group => account.Users.Where(u => u.GroupNames.Contains(target.Name, StringComparer.OrdinalIgnoreCase)).Select(u => (PrincipalKind.User, Entity: u)),
            PrincipalKind.User => account.Users.Where(u => u.Name.Equals(target.Name, StringComparison.OrdinalIgnoreCase)).Select(u => (PrincipalKind.User, Entity: u)),
            _ => account.Roles.Where(r => r.Name.Equals(target.Name, StringComparison.OrdinalIgnoreCase)).Select(r => (PrincipalKind.Role, Entity: r)),
        };

        var found = new List<string>();
        foreach (var (kind, entity) in reached)
        {
            var who = new PrincipalRef(kind, entity.Name);
            var memberOf = entity.GroupNames.Where(groups.ContainsKey).Select(g => groups[g]).ToList();
            var why =
                Named(kind, entity.Name) ? $"named by {namedBy}"
                : memberOf.FirstOrDefault(g => Named(PrincipalKind.Group, g.Name)) is { } namedGroup ? $"in group {namedGroup.Name}, named by {namedBy}"
                : Grant(entity) is { } own ? $"{own.Name} attached"
                : memberOf.Select(g => (Group: g, Policy: Grant(g))).FirstOrDefault(g => g.Policy is not null) is { Group: { } grantGroup, Policy: { } policy } ? $"{policy.Name} via group {grantGroup.Name}"
                : null;
            if (why is not null)
            {
                found.Add($"{who} ({why})");
            }
        }

        return found;
    }

    /// <summary>
    /// Who is authorized today and would be reached by a denying policy of ours: the principal the plan attaches it
    /// to and, when the plan rewrites its document, every principal it is already attached to (a drifted copy of the
    /// deny on an authorized group is widened for them too).
    /// </summary>
    public static IReadOnlyList<string> ReachedByDeny(AuthorizationSnapshot account, AccessPlan plan, string policyArn, IReadOnlyCollection<PrincipalEntry> authorized, Func<string, bool> isGrant, string namedBy)
    {
        var reached = new List<string>();
        if (plan.Changes.Any(c => c.Kind == ChangeKind.AttachPolicy && c.PolicyArn == policyArn))
        {
            reached.AddRange(Reached(account, plan.Principal, authorized, isGrant, namedBy));
        }

        if (plan.Changes.Any(c => c.Kind == ChangeKind.CreatePolicyVersion && c.PolicyArn == policyArn))
        {
            var holders = account.Users.Where(u => u.AttachedPolicies.Any(a => a.Arn == policyArn)).Select(u => new PrincipalRef(PrincipalKind.User, u.Name))
                .Concat(account.Groups.Where(g => g.AttachedPolicies.Any(a => a.Arn == policyArn)).Select(g => new PrincipalRef(PrincipalKind.Group, g.Name)))
                .Concat(account.Roles.Where(r => r.AttachedPolicies.Any(a => a.Arn == policyArn)).Select(r => new PrincipalRef(PrincipalKind.Role, r.Name)));
            foreach (var holder in holders)
            {
                reached.AddRange(Reached(account, holder, authorized, isGrant, namedBy)
                    .Select(who => $"{who}, through {holder}, which already holds the policy whose document would change"));
            }
        }

        return reached.Distinct().ToList();
    }
}
