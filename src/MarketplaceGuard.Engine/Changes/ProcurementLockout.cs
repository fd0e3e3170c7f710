using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Principals;

namespace MarketplaceGuard.Engine.Changes;

/// <summary>
/// The lockout guard of Revoke-MarketplaceAccess: who a deny on one principal would reach (a group reaches its
/// members) among those authorized to procure today — named as procurement principals (directly or through a
/// group), or holding the module's procurement policy (directly or through a group). Read from the account's
/// principals as they are now, so a group's members and attachments are the account's, not a guess.
/// </summary>
public static class ProcurementLockout
{
    /// <summary>Each authorized principal the deny would reach, with why ("user pat (MarketplaceGuard-Procurement via group Procurement)").</summary>
    /// <param name="isProcurementGrant">Whether an attached managed policy (by ARN) is one of the module's procurement grants.</param>
    public static IReadOnlyList<string> Reached(AuthorizationSnapshot account, PrincipalRef target, IReadOnlyCollection<PrincipalEntry> procurement, Func<string, bool> isProcurementGrant)
    {
        PrincipalEntry? NamedEntry(PrincipalKind kind, string name) =>
            procurement.FirstOrDefault(p => p.Kind == kind && p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        bool Named(PrincipalKind kind, string name) => NamedEntry(kind, name) is not null;

        var groups = account.Groups.ToDictionary(g => g.Name, StringComparer.OrdinalIgnoreCase);
        SnapshotAttachedPolicy? Grant(SnapshotEntity entity) => entity.AttachedPolicies.FirstOrDefault(a => isProcurementGrant(a.Arn));

        if (target.Kind == PrincipalKind.Group && NamedEntry(PrincipalKind.Group, target.Name) is { } namedTarget)
        {
            return [$"{namedTarget.Ref} (named by -ProcurementPrincipal)"];
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
                Named(kind, entity.Name) ? "named by -ProcurementPrincipal"
                : memberOf.FirstOrDefault(g => Named(PrincipalKind.Group, g.Name)) is { } namedGroup ? $"in group {namedGroup.Name}, named by -ProcurementPrincipal"
                : Grant(entity) is { } own ? $"{own.Name} attached"
                : memberOf.Select(g => (Group: g, Policy: Grant(g))).FirstOrDefault(g => g.Policy is not null) is { Group: { } buyerGroup, Policy: { } policy } ? $"{policy.Name} via group {buyerGroup.Name}"
                : null;
            if (why is not null)
            {
                found.Add($"{who} ({why})");
            }
        }

        return found;
    }
}
