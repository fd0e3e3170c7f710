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

    /// <summary>The evaluator the analyzer asks.</summary>
    internal PolicyEvaluator Evaluator => evaluator;

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
        // Plain loops: this runs for every principal and capability of the largest accounts.
        var actions = capability.ActionList;
        var results = new AuditResult[actions.Count];
        for (var i = 0; i < actions.Count; i++)
        {
            results[i] = evaluator.Audit(principal.Policies, actions[i], capability.Resource, principal.AuditContext);
        }

        var decision = AuditDecision.ExplicitDeny;
        var pathDecisions = new AuditDecision[capability.PathIndexes.Count];
        for (var p = 0; p < pathDecisions.Length; p++)
        {
            var path = AuditDecision.Allowed;
            foreach (var index in capability.PathIndexes[p])
            {
                path = Weakest(path, results[index].Decision);
            }

            pathDecisions[p] = path;
            decision = p == 0 ? path : Strongest(decision, path);
        }

        // The evidence: the results of the actions of the paths that decided it (for a denial, only the actions
        // that are denied that way).
        var deciding = new List<AuditResult>();
        for (var p = 0; p < pathDecisions.Length; p++)
        {
            if (pathDecisions[p] != decision)
            {
                continue;
            }

            foreach (var index in capability.PathIndexes[p])
            {
                var result = results[index];
                if (!deciding.Contains(result) && (decision is AuditDecision.Allowed or AuditDecision.ConditionallyAllowed || result.Decision == decision))
                {
                    deciding.Add(result);
                }
            }
        }

        var evidence = new List<MatchedStatement>();
        var conditions = new List<string>();
        foreach (var result in deciding)
        {
            foreach (var statement in result.MatchedStatements)
            {
                if (!evidence.Exists(e => e.Describes(statement)))
                {
                    evidence.Add(statement);
                }
            }

            if (decision == AuditDecision.ConditionallyAllowed)
            {
                foreach (var gate in result.GatingConditions)
                {
                    if (!conditions.Contains(gate.Description))
                    {
                        conditions.Add(gate.Description);
                    }
                }
            }
        }

        // A policy that could not be read might allow what the others do not, or deny what they allow; only a
        // certain explicit deny survives that doubt.
        if (!principal.CanBeJudged && decision != AuditDecision.ExplicitDeny)
        {
            return new AccessEntry(principal, capability, AuditDecision.Unknown, conditions, evidence, deciding);
        }

        return new AccessEntry(principal, capability, decision, conditions, evidence, deciding);
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
