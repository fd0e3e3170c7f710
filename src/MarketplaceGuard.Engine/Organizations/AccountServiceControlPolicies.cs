using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Organizations;

/// <summary>
/// The service control policies that govern one account of an organization, ready for <see cref="Account.BuildWithLevels"/>,
/// and what the reports say about them: applied (with the levels), exempt (the management account), or not in effect.
/// </summary>
public sealed class AccountServiceControlPolicies
{
    private AccountServiceControlPolicies(IReadOnlyList<ServiceControlPolicyLevelInput> levels, ServiceControlPolicyAssessment assessment)
    {
        Levels = levels;
        Assessment = assessment;
    }

    /// <summary>The levels from the root down to the account; empty when no SCP restricts the account.</summary>
    public IReadOnlyList<ServiceControlPolicyLevelInput> Levels { get; }

    public ServiceControlPolicyAssessment Assessment { get; }

    /// <summary>For an account audited without its organization: no levels, and the reason.</summary>
    public static AccountServiceControlPolicies NotConsidered(string why) => new([], ServiceControlPolicyAssessment.NotConsidered(why));

    /// <summary>
    /// The SCPs of <paramref name="accountId"/> in <paramref name="organization"/>. Throws
    /// <see cref="PolicyValidationException"/> naming the SCP and the node it is attached to when one on the path is not
    /// a valid policy: the account cannot be judged with its SCPs, and an audit without them could miss a lockout.
    /// </summary>
    public static AccountServiceControlPolicies For(Organization organization, string accountId, PolicyCompiler compiler)
    {
        if (string.Equals(accountId, organization.ManagementAccountId, StringComparison.Ordinal))
        {
            return new([], new ServiceControlPolicyAssessment(true, "exempt: SCPs never restrict the management account", []));
        }

        if (!organization.ServiceControlPoliciesEnabled)
        {
            return new([], new ServiceControlPolicyAssessment(true,
                $"none in effect: the organization {organization.Id} has {(string.Equals(organization.FeatureSet, "ALL", StringComparison.OrdinalIgnoreCase) ? "not enabled the SERVICE_CONTROL_POLICY type on its root" : "only consolidated billing")}", []));
        }

        var levels = organization.ServiceControlPolicyLevelsFor(accountId);
        var inputs = new List<ServiceControlPolicyLevelInput>(levels.Count);
        var relevant = new List<string>();
        foreach (var level in levels)
        {
            if (level.Policies.Count == 0)
            {
                // AWS keeps at least one SCP on every node while SCPs are enabled; none here means the organization was
                // not read completely, and a level without an allow would wrongly deny everything.
                throw new InvalidOperationException($"{level.Label} on the path of account {accountId} has no SCP attached, though AWS requires one while SCPs are enabled: the organization was not read completely, so the account's SCPs are unknown");
            }

            foreach (var policy in level.Policies)
            {
                CompiledPolicy compiled;
                try
                {
                    compiled = compiler.Compile(policy.Content);
                }
                catch (PolicyValidationException e)
                {
                    throw new PolicyValidationException($"SCP {policy.Name} ({policy.Id}) attached to {level.Label}", e.Errors);
                }

                if (Matters(compiled))
                {
                    relevant.Add($"{policy.Name} ({level.Label})");
                }
            }

            inputs.Add(new ServiceControlPolicyLevelInput(level.Label, level.Policies.Select(p => (p.Name, p.Content)).ToList()));
        }

        var summary = "applied: " + string.Join("; ", levels.Select(l => $"{l.Label}: {string.Join(", ", l.Policies.Select(p => p.Name))}"));
        return new(inputs, new ServiceControlPolicyAssessment(true, summary, relevant));
    }

    /// <summary>
    /// Whether an SCP can change a verdict of the audit: one of its statements covers an audited action and is not an
    /// unconditional allow of everything on every resource (FullAWSAccess and its like change nothing).
    /// </summary>
    private static bool Matters(CompiledPolicy policy)
    {
        foreach (var action in AuditedActions)
        {
            foreach (var statement in policy.StatementsFor(action).All)
            {
                var source = statement.Source;
                var allowsEverything = source.Effect == PolicyEffect.Allow && !source.IsNotResource && source.Conditions.Count == 0
                    && source.Resources.Contains("*", StringComparer.Ordinal);
                if (!allowsEverything)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static readonly IReadOnlyList<string> AuditedActions = Capabilities.All
        .SelectMany(c => c.RequestPaths.SelectMany(p => p.Select(r => r.Action)))
        .Concat(["iam:PassRole"])
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .ToList();
}
