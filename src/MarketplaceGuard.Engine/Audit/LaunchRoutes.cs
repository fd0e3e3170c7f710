using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// Launching through a role (Rule 2): services launch instances with a role a principal passes them, so a principal
/// that may pass a role able to launch paid AMIs, and may ask the service to act, can launch them too. The services
/// and what the passer must be allowed besides iam:PassRole (docs/about_MarketplaceGuardPaidAmis.md gives the sources):
/// <list type="bullet">
/// <item>CloudFormation: a stack with a service role (cloudformation:CreateStack);</item>
/// <item>Service Catalog: a launch constraint naming the role (servicecatalog:CreateConstraint), then
/// servicecatalog:ProvisionProduct;</item>
/// <item>Auto Scaling: a group with a custom service-linked role (autoscaling:CreateAutoScalingGroup);</item>
/// <item>EC2 Spot Fleet: a fleet request with an IAM fleet role (ec2:RequestSpotFleet).</item>
/// </list>
/// </summary>
internal sealed class LaunchRoutes
{
    private static readonly (string Service, AccessRequest[] Actions)[] Services =
    [
        ("cloudformation.amazonaws.com", [new AccessRequest("cloudformation:CreateStack", "arn:{partition}:cloudformation:*:{account}:stack/*")]),
        ("servicecatalog.amazonaws.com",
        [
            new AccessRequest("servicecatalog:CreateConstraint", "arn:{partition}:catalog:*:{account}:product/*"),
            new AccessRequest("servicecatalog:ProvisionProduct", "arn:{partition}:catalog:*:{account}:product/*"),
        ]),
        ("autoscaling.amazonaws.com", [new AccessRequest("autoscaling:CreateAutoScalingGroup", "arn:{partition}:autoscaling:*:{account}:autoScalingGroup:*:autoScalingGroupName/*")]),
        ("spotfleet.amazonaws.com", [new AccessRequest("ec2:RequestSpotFleet", "arn:{partition}:ec2:*:{account}:spot-fleet-request/*")]),
    ];

    private readonly List<Route> routes = [];

    /// <param name="roles">The account's roles with their own LaunchPaidAmi entry.</param>
    public LaunchRoutes(IEnumerable<AccessEntry> roles)
    {
        foreach (var entry in roles)
        {
            // A role that cannot be judged might launch: its route counts, as conditional.
            if (entry.Decision is AuditDecision.ExplicitDeny or AuditDecision.ImplicitDeny)
            {
                continue;
            }

            foreach (var (service, actions) in Services)
            {
                if (entry.Principal.Source.Trust.Trusts(service))
                {
                    var pass = new AccessRequest(
                        "iam:PassRole",
                        entry.Principal.Arn,
                        new Dictionary<string, ContextValue> { ["iam:PassedToService"] = ContextValue.Of(service) },
                        label: $"iam:PassRole of {entry.Principal.DisplayName} to {service}");
                    routes.Add(new Route(entry, service, [pass, .. actions]));
                }
            }
        }
    }

    public int Count => routes.Count;

    /// <summary>
    /// The strongest way <paramref name="principal"/> launches paid AMIs through a role, or null when it has none. The
    /// entry's decision is the weaker of passing (and asking the service) and the role's own launch.
    /// </summary>
    public AccessEntry? Best(AccessAnalyzer analyzer, AccountPrincipal principal)
    {
        AccessEntry? best = null;
        foreach (var route in routes)
        {
            if (route.Role.Principal == principal)
            {
                continue;
            }

            var passing = analyzer.Decide(principal, Capabilities.LaunchPaidAmi, route.Requests, [Enumerable.Range(0, route.Requests.Length).ToArray()]);
            var roleDecision = route.Role.Decision == AuditDecision.Unknown ? AuditDecision.ConditionallyAllowed : route.Role.Decision;
            var decision = AccessAnalyzer.Weakest(passing.Decision, roleDecision);
            if (decision is not (AuditDecision.Allowed or AuditDecision.ConditionallyAllowed)
                || (best is not null && AccessAnalyzer.Strongest(best.Decision, decision) == best.Decision))
            {
                continue;
            }

            var conditions = passing.Conditions.Concat(route.Role.Conditions.Select(c => $"{c} (for {route.Role.Principal.DisplayName})")).Distinct().ToList();
            if (route.Role.Decision == AuditDecision.Unknown)
            {
                conditions.Add($"only if {route.Role.Principal.DisplayName}, which cannot be judged, can launch paid AMIs");
            }

            best = new AccessEntry(principal, Capabilities.LaunchPaidAmi, decision, conditions, passing.Evidence, passing.Deciding)
            {
                Through = $"{route.Role.Principal.DisplayName} through {route.Service}",
                ThroughRole = route.Role.Principal,
            };
            if (decision == AuditDecision.Allowed)
            {
                break;
            }
        }

        return best;
    }

    private sealed record Route(AccessEntry Role, string Service, AccessRequest[] Requests);
}
