using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>An audit evaluation of one request of a capability, with the context it was evaluated in.</summary>
internal readonly record struct RequestResult(AccessRequest Request, AuditResult Result, RequestContext Context);

/// <summary>
/// Decides, for each principal and capability, whether the principal holds it, from audit evaluations of the
/// capability's requests. A path is as strong as its weakest request; the capability as strong as its strongest path.
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

    public AccessEntry Analyze(AccountPrincipal principal, Capability capability) =>
        Decide(principal, capability, capability.RequestList, capability.PathIndexes);

    /// <summary>One request, in the principal's context (the request's own facts laid over it).</summary>
    internal RequestResult Evaluate(AccountPrincipal principal, AccessRequest request)
    {
        var (resource, facts) = request.Bind(principal.AccountId, principal.Partition);
        var context = facts is null ? principal.AuditContext : facts.Over(principal.AuditContext);
        return new RequestResult(request, evaluator.Audit(principal.Policies, request.Action, resource, context), context);
    }

    /// <summary>The capability held through paths of requests (positions in <paramref name="requests"/>).</summary>
    internal AccessEntry Decide(AccountPrincipal principal, Capability capability, IReadOnlyList<AccessRequest> requests, IReadOnlyList<int[]> paths)
    {
        // Plain loops: this runs for every principal and capability of the largest accounts.
        var results = new RequestResult[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            results[i] = Evaluate(principal, requests[i]);
        }

        var decision = AuditDecision.ExplicitDeny;
        var pathDecisions = new AuditDecision[paths.Count];
        for (var p = 0; p < pathDecisions.Length; p++)
        {
            var path = AuditDecision.Allowed;
            foreach (var index in paths[p])
            {
                path = Weakest(path, results[index].Result.Decision);
            }

            pathDecisions[p] = path;
            decision = p == 0 ? path : Strongest(decision, path);
        }

        // The evidence: the results of the requests of the paths that decided it (for a denial, only the requests
        // that are denied that way).
        var deciding = new List<RequestResult>();
        for (var p = 0; p < pathDecisions.Length; p++)
        {
            if (pathDecisions[p] != decision)
            {
                continue;
            }

            foreach (var index in paths[p])
            {
                var result = results[index];
                if (!deciding.Contains(result) && (decision is AuditDecision.Allowed or AuditDecision.ConditionallyAllowed || result.Result.Decision == decision))
                {
                    deciding.Add(result);
                }
            }
        }

        var evidence = new List<MatchedStatement>();
        var conditions = new List<string>();
        foreach (var result in deciding)
        {
            foreach (var statement in result.Result.MatchedStatements)
            {
                if (!evidence.Exists(e => e.Describes(statement)))
                {
                    evidence.Add(statement);
                }
            }

            if (decision == AuditDecision.ConditionallyAllowed)
            {
                foreach (var gate in result.Result.GatingConditions)
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

    /// <summary>AND: a path needs every request.</summary>
    internal static AuditDecision Weakest(AuditDecision a, AuditDecision b) => Rank(a) <= Rank(b) ? a : b;

    /// <summary>OR: any path gives the capability.</summary>
    internal static AuditDecision Strongest(AuditDecision a, AuditDecision b) => Rank(a) >= Rank(b) ? a : b;

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
