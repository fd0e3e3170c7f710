using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>An audit evaluation of one request of a capability for a principal.</summary>
internal readonly record struct RequestResult(AccessRequest Request, AuditResult Result, AccountPrincipal Principal)
{
    /// <summary>The context the request was evaluated in: its own facts over the principal's audit context.</summary>
    public RequestContext Context => AccessAnalyzer.ContextOf(Principal, Request);
}

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

    public AccessEntry Analyze(AccountPrincipal principal, Capability capability)
    {
        var requests = capability.RequestList;
        Span<AuditDecision> decisions = stackalloc AuditDecision[requests.Count];
        JoinPolicyVerdicts(principal, capability, decisions);
        return Entry(principal, capability, requests, capability.PathIndexes, decisions);
    }

    /// <summary>
    /// The decisions of a capability's requests, joined from what each of the principal's policies says of them (see
    /// <see cref="PolicyEvaluator.AuditPolicy"/>): denies OR, a layer's allows OR, layers AND. A policy meets thousands
    /// of principals (a group's members, the roles made from one template) and usually says the same to each, so its
    /// verdicts are worked out once per capability and account: exactly when the principal's own context (its ARN,
    /// user name, tags) states none of the keys its statements covering those actions read. A principal whose context
    /// does, and a policy that covers none of the actions (it changes nothing), are not remembered.
    /// </summary>
    // Optimized at once, never instrumented: the audit's innermost loop. The JIT's profiling tier would otherwise run it,
    // slowed by its probes, through the first audits of a session (measured: a sixth of the first runs' time went to
    // the probes of a few such loops).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void JoinPolicyVerdicts(AccountPrincipal principal, Capability capability, Span<AuditDecision> decisions)
    {
        var requests = capability.RequestList;
        var count = requests.Count;
        Span<Tristate> deny = stackalloc Tristate[count];
        Span<Tristate> allow = stackalloc Tristate[count];
        Span<Tristate> layerAllow = stackalloc Tristate[count];
        deny.Clear(); // Tristate.False
        for (var i = 0; i < count; i++)
        {
            allow[i] = Tristate.True; // a loop: Span.Fill of this enum is generic code no precompiled image holds
        }

        var context = principal.AuditContext;
        ConcurrentDictionary<(CompiledPolicy, Capability), Tristate[]>? ofAccount = null;
        foreach (var layer in principal.Policies.Layers)
        {
            layerAllow.Clear(); // Tristate.False
            foreach (var policy in layer.Policies)
            {
                var reach = policy.Policy.ReachOf(capability.ActionSet);
                if (!reach.Reached)
                {
                    continue;
                }

                if (StatesAny(context, reach.Keys))
                {
                    // The principal's own answer: nothing to remember.
                    for (var i = 0; i < count; i++)
                    {
                        var (resource, _) = requests[i].Bind(principal.AccountId, principal.Partition);
                        var (policyDeny, policyAllow) = evaluator.AuditPolicy(policy.Policy, requests[i], resource, ContextOf(principal, requests[i]));
                        deny[i] = TristateLogic.Or(deny[i], policyDeny);
                        layerAllow[i] = TristateLogic.Or(layerAllow[i], policyAllow);
                    }

                    continue;
                }

                // The last verdicts worked out for this policy are nearly always this account's; else the account's table.
                // The first account to ask needs no table entry: an account that finds another's verdicts there looks in
                // its own table, and at worst works them out again (they are the same every time).
                Tristate[] verdicts;
                if (reach.Last is { } last && last.IsFor(principal.AccountId, principal.Partition, capability))
                {
                    verdicts = last.Verdicts;
                }
                else if (reach.Last is null)
                {
                    verdicts = VerdictsOf(policy.Policy, principal, requests);
                    reach.Last = new RememberedVerdicts(principal.AccountId, principal.Partition, capability, verdicts);
                }
                else
                {
                    ofAccount ??= remembered.GetOrAdd((principal.AccountId, principal.Partition), static _ => new());
                    if (!ofAccount.TryGetValue((policy.Policy, capability), out verdicts!))
                    {
                        verdicts = ofAccount.GetOrAdd((policy.Policy, capability), VerdictsOf(policy.Policy, principal, requests));
                    }

                    reach.Last = new RememberedVerdicts(principal.AccountId, principal.Partition, capability, verdicts);
                }

                for (var i = 0; i < count; i++)
                {
                    deny[i] = TristateLogic.Or(deny[i], verdicts[2 * i]);
                    layerAllow[i] = TristateLogic.Or(layerAllow[i], verdicts[(2 * i) + 1]);
                }
            }

            for (var i = 0; i < count; i++)
            {
                allow[i] = TristateLogic.And(allow[i], layerAllow[i]);
            }
        }

        for (var i = 0; i < count; i++)
        {
            decisions[i] = PolicyEvaluator.AuditDecisionFrom(deny[i], allow[i]);
        }
    }

    private static bool StatesAny(RequestContext context, ContextKey[] keys)
    {
        foreach (var key in keys)
        {
            if (context.Knows(key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// One policy's deny and allow for each request, interleaved: [deny0, allow0, deny1, allow1 ...]. Asked only for a
    /// principal whose context states none of the keys the policy's statements read, so the principal's context adds
    /// nothing here: each request is evaluated in its own facts alone (an audit context, where every other key is
    /// unknown, as it is in the principal's), which spares a layered context per principal and request.
    /// </summary>
    private Tristate[] VerdictsOf(CompiledPolicy policy, AccountPrincipal principal, IReadOnlyList<AccessRequest> requests)
    {
        var verdicts = new Tristate[2 * requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var (resource, facts) = requests[i].Bind(principal.AccountId, principal.Partition);
            (verdicts[2 * i], verdicts[(2 * i) + 1]) = evaluator.AuditPolicy(policy, requests[i], resource, facts ?? principal.AuditContext);
        }

        return verdicts;
    }

    // The resources a request binds to depend on the account and partition, the facts it adds on nothing else: the
    // verdicts are remembered per account and partition, then by policy and capability (both compared by reference).
    private readonly ConcurrentDictionary<(string? AccountId, string Partition), ConcurrentDictionary<(CompiledPolicy, Capability), Tristate[]>> remembered = new();

    /// <summary>One request, in the principal's context (the request's own facts laid over it), with its explanation.</summary>
    internal RequestResult Evaluate(AccountPrincipal principal, AccessRequest request)
    {
        var (resource, _) = request.Bind(principal.AccountId, principal.Partition);
        return new RequestResult(request, evaluator.Audit(principal.Policies, request.Action, resource, ContextOf(principal, request)), principal);
    }

    /// <summary>Only the decision of one request (no allocation but the context's).</summary>
    private AuditDecision DecisionOf(AccountPrincipal principal, AccessRequest request)
    {
        var (resource, _) = request.Bind(principal.AccountId, principal.Partition);
        return evaluator.AuditDecisionOf(principal.Policies, request.Action, resource, ContextOf(principal, request));
    }

    /// <summary>The context a request is evaluated in for a principal: the request's facts over the principal's context.</summary>
    internal static RequestContext ContextOf(AccountPrincipal principal, AccessRequest request)
    {
        var (_, facts) = request.Bind(principal.AccountId, principal.Partition);
        if (facts is null)
        {
            return principal.AuditContext;
        }

        // A thread asks about one principal at a time, many requests sharing the same facts: the layered contexts of
        // the current principal are remembered until the thread moves on to another.
        var cache = layeredCache ??= new LayeredContexts();
        if (!ReferenceEquals(cache.Principal, principal))
        {
            cache.Principal = principal;
            cache.Count = 0;
        }

        for (var i = 0; i < cache.Count; i++)
        {
            if (ReferenceEquals(cache.Facts[i], facts))
            {
                return cache.Contexts[i]!;
            }
        }

        var context = facts.Over(principal.AuditContext);
        if (cache.Count < cache.Facts.Length)
        {
            cache.Facts[cache.Count] = facts;
            cache.Contexts[cache.Count++] = context;
        }

        return context;
    }

    [ThreadStatic]
    private static LayeredContexts? layeredCache;

    private sealed class LayeredContexts
    {
        public AccountPrincipal? Principal { get; set; }

        public int Count { get; set; }

        // Room for every request with facts of every capability (58 with Rule 3's Private Marketplace change types), so
        // that no principal's request allocates its layered context twice.
        public RequestContext?[] Facts { get; } = new RequestContext?[64];

        public RequestContext?[] Contexts { get; } = new RequestContext?[64];
    }

    /// <summary>
    /// The capability held through paths of requests (positions in <paramref name="requests"/>). Only decisions are
    /// evaluated here; the evidence (statements, conditions) is built when first read, by evaluating again, with
    /// explanations, just the requests that decided: most cells of a large account's matrix are never explained.
    /// </summary>
    internal AccessEntry Decide(AccountPrincipal principal, Capability capability, IReadOnlyList<AccessRequest> requests, IReadOnlyList<int[]> paths)
    {
        Span<AuditDecision> decisions = stackalloc AuditDecision[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            decisions[i] = DecisionOf(principal, requests[i]);
        }

        return Entry(principal, capability, requests, paths, decisions);
    }

    /// <summary>The capability's entry from the decisions of its requests: each path as its weakest, the strongest path.</summary>
    private AccessEntry Entry(AccountPrincipal principal, Capability capability, IReadOnlyList<AccessRequest> requests, IReadOnlyList<int[]> paths, ReadOnlySpan<AuditDecision> decisions)
    {
        // Plain loops: this runs for every principal and capability of the largest accounts.
        var decision = Decide(paths, decisions, []);

        // A policy that could not be read might allow what the others do not, or deny what they allow; only a
        // certain explicit deny survives that doubt.
        var reported = !principal.CanBeJudged && decision != AuditDecision.ExplicitDeny ? AuditDecision.Unknown : decision;
        // The capability's own lists (the matrix) share one plan; other lists (launch routes) get their own.
        var plan = ReferenceEquals(requests, capability.RequestList) && ReferenceEquals(paths, capability.PathIndexes)
            ? PlanFor(capability)
            : new AccessEntry.ExplainPlan(this, requests, paths);
        return new AccessEntry(principal, capability, reported, plan);
    }

    /// <summary>Each path as its weakest request (into <paramref name="pathDecisions"/> when it has room), the strongest path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // as JoinPolicyVerdicts
    private static AuditDecision Decide(IReadOnlyList<int[]> paths, ReadOnlySpan<AuditDecision> decisions, Span<AuditDecision> pathDecisions)
    {
        var decision = AuditDecision.ExplicitDeny;
        for (var p = 0; p < paths.Count; p++)
        {
            var path = AuditDecision.Allowed;
            foreach (var index in paths[p])
            {
                path = Weakest(path, decisions[index]);
            }

            if (p < pathDecisions.Length)
            {
                pathDecisions[p] = path;
            }

            decision = p == 0 ? path : Strongest(decision, path);
        }

        return decision;
    }

    /// <summary>The one plan of this analyzer for the entries of a capability's own requests and paths.</summary>
    private AccessEntry.ExplainPlan PlanFor(Capability capability) =>
        plans.TryGetValue(capability, out var plan) ? plan : plans.GetOrAdd(capability, c => new AccessEntry.ExplainPlan(this, c.RequestList, c.PathIndexes));

    private readonly ConcurrentDictionary<Capability, AccessEntry.ExplainPlan> plans = new(ReferenceEqualityComparer.Instance);

    internal AccessEntry.Details Explain(AccountPrincipal principal, IReadOnlyList<AccessRequest> requests, IReadOnlyList<int[]> paths)
    {
        // The requests' decisions are worked out again rather than kept by every entry: they are the same every time
        // (the policies do not change, and the verdicts shared between principals are exactly each one's own), and a
        // matrix of tens of thousands of entries explains a few thousand at most.
        Span<AuditDecision> decisions = stackalloc AuditDecision[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            decisions[i] = DecisionOf(principal, requests[i]);
        }

        Span<AuditDecision> pathDecisions = stackalloc AuditDecision[paths.Count];
        var decision = Decide(paths, decisions, pathDecisions);

        // The evidence: the statements of the requests of the paths that decided it. An allow needs one allowing path
        // (the first); a conditional allow holds when any conditional path's conditions do, so all of them; a denial
        // only the requests denied that way. Each request is evaluated again with reasons, into shared buffers.
        var deciding = new List<AccessRequest>(requests.Count);
        Span<bool> explained = stackalloc bool[requests.Count];
        for (var p = 0; p < pathDecisions.Length; p++)
        {
            if (pathDecisions[p] != decision)
            {
                continue;
            }

            if (decision == AuditDecision.Allowed && deciding.Count > 0)
            {
                break;
            }

            foreach (var index in paths[p])
            {
                if ((decision is AuditDecision.Allowed or AuditDecision.ConditionallyAllowed || decisions[index] == decision) && !explained[index])
                {
                    explained[index] = true;
                    deciding.Add(requests[index]);
                }
            }
        }

        // Evidence and conditions are a handful per entry: lists searched in place cost less than sets.
        var evidence = new List<MatchedStatement>(4);
        var conditions = new List<string>();
        var statements = Buffers.Statements;
        var gates = Buffers.Gates;
        foreach (var request in deciding)
        {
            statements.Clear();
            gates.Clear();
            var (resource, _) = request.Bind(principal.AccountId, principal.Partition);
            evaluator.AuditInto(principal.Policies, request.Action, resource, ContextOf(principal, request), statements, gates);
            foreach (var statement in statements)
            {
                // An SCP's allow only lets the identity policies' grant through (FullAWSAccess at every level, as a rule):
                // the grant is the evidence of an allow. An SCP's deny, and what SCPs fail to allow, are always told.
                if (statement.Layer == PolicyLayer.ServiceControlPolicy && statement.Effect == PolicyEffect.Allow && decision is AuditDecision.Allowed or AuditDecision.ConditionallyAllowed)
                {
                    continue;
                }

                // The same statement reached the same way (see MatchedStatement.Describes) is evidence once.
                if (!ContainsSameWay(evidence, statement))
                {
                    evidence.Add(statement);
                }
            }

            if (decision == AuditDecision.ConditionallyAllowed)
            {
                foreach (var gate in gates)
                {
                    if (!conditions.Contains(gate.Description))
                    {
                        conditions.Add(gate.Description);
                    }
                }
            }
        }

        var decidingRequests = deciding.ToArray();
        return new AccessEntry.Details(conditions, evidence, decidingRequests, () => decidingRequests.Select(r => Evaluate(principal, r)).ToArray());
    }

    private static bool ContainsSameWay(List<MatchedStatement> evidence, MatchedStatement b)
    {
        foreach (var a in evidence)
        {
            if (ReferenceEquals(a, b)
                || (a.StatementIndex == b.StatementIndex && a.Effect == b.Effect && a.Layer == b.Layer && a.Level == b.Level
                    && a.PolicyName == b.PolicyName && a.Via == b.Via))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The lists one explanation fills per request and empties again: one pair per thread (explanations never nest).</summary>
    private static class Buffers
    {
        [ThreadStatic]
        private static List<MatchedStatement>? statements;

        [ThreadStatic]
        private static List<GatingCondition>? gates;

        public static List<MatchedStatement> Statements => statements ??= new List<MatchedStatement>(16);

        public static List<GatingCondition> Gates => gates ??= new List<GatingCondition>(8);
    }

    /// <summary>AND: a path needs every request.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static AuditDecision Weakest(AuditDecision a, AuditDecision b) => Rank(a) <= Rank(b) ? a : b;

    /// <summary>OR: any path gives the capability.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static AuditDecision Strongest(AuditDecision a, AuditDecision b) => Rank(a) >= Rank(b) ? a : b;

    // Explicit deny ranks below implicit: a path with an explicit deny is denied for sure, and for "or" a capability
    // is explicitly denied only when every path is. Unknown ranks as implicit deny. A table, inlined by request: the
    // switch it replaces stayed a call, which the JIT's profiling tier ran with a probe per call (measured: the method
    // that called the probe helper most in the first audits of a session).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Rank(AuditDecision decision) => (uint)decision < (uint)Ranks.Length ? Ranks[(int)decision] : 1;

    // By AuditDecision: Allowed, ConditionallyAllowed, ExplicitDeny, ImplicitDeny, Unknown.
    private static ReadOnlySpan<byte> Ranks => [3, 2, 0, 1, 1];
}
