using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// Decides, for each principal and capability, whether the principal holds it, from audit evaluations of the
/// capability's actions. A path is as strong as its weakest action; the capability as strong as its strongest path.
/// </summary>
public sealed class AccessAnalyzer
{
    private readonly PolicyEvaluator evaluator;

    public AccessAnalyzer(PolicyEvaluator? evaluator = null)
    {
        this.evaluator = evaluator ?? PolicyEvaluator.Default;
    }

    /// <summary>One entry per principal and capability.</summary>
    public IEnumerable<AccessEntry> Analyze(IEnumerable<AccountPrincipal> principals, IEnumerable<Capability> capabilities)
    {
        var list = capabilities.ToList();
        foreach (var principal in principals)
        {
            foreach (var capability in list)
            {
                yield return Analyze(principal, capability);
            }
        }
    }

    public AccessEntry Analyze(AccountPrincipal principal, Capability capability)
    {
        var results = capability.Actions.ToDictionary(
            a => a,
            a => evaluator.Audit(principal.Policies, a, capability.Resource, principal.AuditContext),
            StringComparer.OrdinalIgnoreCase);

        var paths = capability.Paths
            .Select(path => (Path: path, Decision: path.Select(a => results[a].Decision).Aggregate(Weakest)))
            .ToList();
        var decision = paths.Select(p => p.Decision).Aggregate(Strongest);

        // The evidence: the results of the actions of the paths that decided it.
        var deciding = paths.Where(p => p.Decision == decision).SelectMany(p => p.Path).Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(a => results[a])
            .Where(r => decision is AuditDecision.Allowed or AuditDecision.ConditionallyAllowed || r.Decision == decision)
            .ToList();
        var evidence = deciding.SelectMany(r => r.MatchedStatements).DistinctBy(s => s.ToString()).ToList();
        var conditions = decision == AuditDecision.ConditionallyAllowed
            ? deciding.SelectMany(r => r.GatingConditions).Select(g => g.Description).Distinct().ToList()
            : [];
        var reason = string.Join("; ", deciding.Select(r => $"{r.Action}: {r.Reason}"));

        // A policy that could not be read might allow what the others do not, or deny what they allow; only a
        // certain explicit deny survives that doubt.
        if (!principal.CanBeJudged && decision != AuditDecision.ExplicitDeny)
        {
            return new AccessEntry(principal, capability, AuditDecision.Unknown, conditions, evidence,
                "cannot be judged: " + string.Join("; ", principal.Problems));
        }

        return new AccessEntry(principal, capability, decision, conditions, evidence, reason);
    }

    /// <summary>AND: a path needs every action.</summary>
    private static AuditDecision Weakest(AuditDecision a, AuditDecision b) => Rank(a) <= Rank(b) ? a : b;

    /// <summary>OR: any path gives the capability.</summary>
    private static AuditDecision Strongest(AuditDecision a, AuditDecision b) => Rank(a) >= Rank(b) ? a : b;

    // Explicit deny ranks below implicit: a path with an explicit deny is denied for sure, and for "or" a capability
    // is explicitly denied only when every path is.
    private static int Rank(AuditDecision decision) => decision switch
    {
        AuditDecision.ExplicitDeny => 0,
        AuditDecision.ImplicitDeny => 1,
        AuditDecision.ConditionallyAllowed => 2,
        AuditDecision.Allowed => 3,
        _ => 1,
    };
}
