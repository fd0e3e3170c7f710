using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Organizations;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Guardrails;

/// <summary>
/// The lockout guard of Set-MarketplaceGuardrail: after the change, does each principal a guardrail excepts still hold
/// what it is excepted for? Procurement principals must keep <see cref="Capabilities.Procure"/>, launchers
/// <see cref="Capabilities.LaunchPaidAmi"/>, governance principals <see cref="DistributionCapabilities.DistributeLicenses"/>.
/// Each is asked of the module's evaluator with the SCP levels that would govern a member account at the target (the
/// levels above it as they are, the target's own SCPs as they would be) and an identity policy that allows everything,
/// so only the SCPs decide. A wildcard pattern is checked with a concrete principal it matches. SCPs attached below the
/// target are not changed by the command and not part of the check. A principal that keeps the capability only in some
/// contexts (conditions on keys the audit cannot know) holds it.
/// </summary>
public static class GuardrailLockoutGuard
{
    private const string AllowEverything = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    /// <summary>A refusal per excepted principal that would lose its capability, naming it and the SCP statements that deny it.</summary>
    /// <param name="attachedAfter">The names of the SCPs attached to the target after the change.</param>
    public static IReadOnlyList<GuardrailRefusal> Check(GuardrailState state, IReadOnlyList<GuardrailPolicy> desired, IReadOnlyList<string> attachedAfter, PolicyEvaluator? evaluator = null)
    {
        evaluator ??= PolicyEvaluator.Default;
        var compiler = new PolicyCompiler();
        var target = state.Target;
        PolicySet policies;
        try
        {
            policies = PoliciesAt(state, desired, attachedAfter, compiler);
        }
        catch (PolicyValidationException e)
        {
            return [new GuardrailRefusal(GuardrailRefusalKind.Unverifiable,
                $"The lockout check for {target.Label} cannot be made: {e.Message}. Nothing is attached while it is unknown whom the SCPs would deny.")];
        }

        var refusals = new List<GuardrailRefusal>();
        var checkedOnce = new HashSet<(string, string)>();
        foreach (var policy in desired)
        {
            var exceptions = policy.Exceptions;
            var asked = exceptions.ProcurementPrincipalArns.Select(p => (Pattern: p, Capability: Capabilities.Procure, Role: "procurement"))
                .Concat(exceptions.LauncherPrincipalArns.Select(p => (Pattern: p, Capability: Capabilities.LaunchPaidAmi, Role: "launcher")))
                .Concat(exceptions.GovernancePrincipalArns.Select(p => (Pattern: p, Capability: DistributionCapabilities.DistributeLicenses, Role: "governance")));
            foreach (var (pattern, capability, role) in asked)
            {
                if (!checkedOnce.Add((pattern, capability.Name)))
                {
                    continue;
                }

                var principal = ConcreteInstance(pattern, target.Kind == OrganizationTargetKind.Account ? target.Id : null);
                var (held, why) = Holds(evaluator, policies, principal, capability);
                if (!held)
                {
                    var instance = principal == pattern ? string.Empty : $" (checked as {principal})";
                    refusals.Add(new GuardrailRefusal(GuardrailRefusalKind.LockOut,
                        $"The {role} principal {pattern}{instance} would lose {capability.Name} in the member accounts under {target.Label}: {why}."));
                }
            }
        }

        return refusals;
    }

    /// <summary>
    /// A principal ARN an ARN pattern matches: an account of <c>*</c> becomes <paramref name="accountId"/> (the target
    /// account) or 000000000000, other <c>*</c> and <c>?</c> in the account become digits, in the name letters.
    /// <c>arn:aws:iam::*:role/buyer-*</c> is checked as <c>arn:aws:iam::000000000000:role/buyer-x</c> under an OU.
    /// </summary>
    public static string ConcreteInstance(string pattern, string? accountId = null)
    {
        var parts = pattern.Split(':', 6);
        if (parts.Length != 6)
        {
            return pattern.Replace('*', 'x').Replace('?', 'x');
        }

        parts[4] = parts[4].Length == 0 ? parts[4] : parts[4] == "*" ? accountId ?? "000000000000" : parts[4].Replace('*', '0').Replace('?', '0');
        parts[5] = parts[5].Replace('*', 'x').Replace('?', 'x');
        return string.Join(':', parts);
    }

    /// <summary>
    /// An identity policy allowing everything, and the SCP levels of a member account at the target: each level above
    /// it, then the target with the SCPs it keeps and the desired guardrails' documents.
    /// </summary>
    private static PolicySet PoliciesAt(GuardrailState state, IReadOnlyList<GuardrailPolicy> desired, IReadOnlyList<string> attachedAfter, PolicyCompiler compiler)
    {
        NamedPolicy Compile(string name, string content, string label)
        {
            try
            {
                return new NamedPolicy(name, compiler.Compile(content), label);
            }
            catch (PolicyValidationException e)
            {
                throw new PolicyValidationException($"SCP {name} attached to {label}", e.Errors);
            }
        }

        var levels = state.LevelsAbove
            .Select(level => level.Policies.Select(p => Compile(p.Name, p.Content, level.Label)).ToList())
            .ToList();
        var target = state.Target;
        var wanted = desired.ToDictionary(p => GuardrailNames.For(p, target.Id), p => p.Content, StringComparer.Ordinal);
        var atTarget = attachedAfter.Select(name => wanted.TryGetValue(name, out var content)
            ? Compile(name, content, target.Label)
            : Compile(name, state.Named(name)?.Content ?? throw new InvalidOperationException($"The state lacks the SCP {name} attached to {target.Label}."), target.Label)).ToList();
        levels.Add(atTarget);
        return new PolicySet([new NamedPolicy("allow-everything (identity policies are not part of this check)", compiler.Compile(AllowEverything))], serviceControlPolicyLevels: levels);
    }

    /// <summary>Whether the principal holds the capability through some path, and otherwise why not (the statements that deny it).</summary>
    private static (bool Held, string Why) Holds(PolicyEvaluator evaluator, PolicySet policies, string principalArn, Capability capability)
    {
        RequestContext context;
        try
        {
            context = RequestContext.Audit(PrincipalContextKeys.FromArn(principalArn));
        }
        catch (ArgumentException e)
        {
            return (false, e.Message.TrimEnd('.'));
        }

        var parts = principalArn.Split(':', 6);
        var (partition, account) = (parts[1], parts[4]);
        var reasons = new List<string>();
        foreach (var path in capability.RequestPaths)
        {
            var pathHeld = true;
            foreach (var request in path)
            {
                var (resource, facts) = request.Bind(account, partition);
                var result = evaluator.Audit(policies, request.Action, resource, facts is null ? context : facts.Over(context));
                if (result.Decision is AuditDecision.Allowed or AuditDecision.ConditionallyAllowed)
                {
                    continue;
                }

                pathHeld = false;
                var denied = result.Decision == AuditDecision.ExplicitDeny
                    ? "denied by " + string.Join("; ", result.MatchedStatements.Where(s => s.Effect == PolicyEffect.Deny))
                    : string.Join("; ", result.ServiceControlPolicyGaps);
                reasons.Add($"{request.Label}: {denied}");
                break;
            }

            if (pathHeld)
            {
                return (true, string.Empty);
            }
        }

        return (false, string.Join("; ", reasons.Distinct()));
    }
}
