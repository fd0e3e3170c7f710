using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Catalog;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// IAM's policy evaluation for one account: an explicit deny in any policy wins; otherwise the identity policies must
/// allow, and so must the permissions boundary (when there is one), every level of service control policies (when
/// given) and the session policy (when given). Three entry points:
/// <see cref="Decide"/> (concrete request, decision only, no allocation), <see cref="Explain"/> (concrete request,
/// with the statements that decided it) and <see cref="Audit"/> (unknown context keys, three-valued). Decide is a
/// short-circuiting copy of the traced loop that the other two share; the property tests hold them to the same answers.
/// </summary>
public sealed class PolicyEvaluator
{
    public PolicyEvaluator(ActionCatalog catalog)
    {
        Catalog = catalog;
    }

    /// <summary>An evaluator using the module's action catalog.</summary>
    public static PolicyEvaluator Default { get; } = new(ActionCatalog.Default);

    public ActionCatalog Catalog { get; }

    /// <summary>
    /// The resource IAM authorizes the action on: "*" for an action the catalog knows has no resource types
    /// (aws-marketplace:Subscribe ...), whatever the caller passed; otherwise the given resource.
    /// </summary>
    public string EffectiveResource(string action, string resource) =>
        Catalog.Find(action) is { RequiresWildcardResource: true } ? "*" : resource;

    /// <summary>IAM's decision for a concrete request. Every context key not in <paramref name="context"/> is absent.</summary>
    public Decision Decide(PolicySet policies, string action, string resource, RequestContext context)
    {
        RequireConcrete(context);
        resource = EffectiveResource(action, resource);

        // Denies are checked everywhere (an explicit deny must be reported as such); allows only until each layer
        // has one, and not at all once a layer has none.
        var everyLayerAllows = true;
        foreach (var layer in policies.Layers)
        {
            var layerAllows = false;
            foreach (var policy in layer.Policies)
            {
                var statements = policy.Policy.StatementsFor(action);
                foreach (var deny in statements.Denies)
                {
                    if (deny.MatchesRequest(resource, context) == Tristate.True)
                    {
                        return Decision.ExplicitDeny;
                    }
                }

                if (everyLayerAllows && !layerAllows)
                {
                    foreach (var allow in statements.Allows)
                    {
                        if (allow.MatchesRequest(resource, context) == Tristate.True)
                        {
                            layerAllows = true;
                            break;
                        }
                    }
                }
            }

            everyLayerAllows &= layerAllows;
        }

        return everyLayerAllows ? Decision.Allowed : Decision.ImplicitDeny;
    }

    /// <summary>IAM's decision for a concrete request, with the statements that decided it and why.</summary>
    public EvaluationResult Explain(PolicySet policies, string action, string resource, RequestContext context)
    {
        RequireConcrete(context);
        resource = EffectiveResource(action, resource);
        var trace = Trace.Evaluate(policies, action, resource, context);

        if (trace.Deny == Tristate.True)
        {
            return new EvaluationResult(action, resource, Decision.ExplicitDeny, trace.Matched(PolicyEffect.Deny, Tristate.True), policies, trace.LayerAllows);
        }

        var decision = trace.Allow == Tristate.True ? Decision.Allowed : Decision.ImplicitDeny;
        return new EvaluationResult(action, resource, decision, trace.Matched(PolicyEffect.Allow, Tristate.True), policies, trace.LayerAllows);
    }

    /// <summary>
    /// "Can this principal ever do this?" Context keys the audit context does not hold are unknown, so conditions
    /// are three-valued. A deny that depends on unknown keys can only make an allow conditional, never a denial.
    /// </summary>
    /// <remarks>
    /// A resource with wildcards (<c>arn:aws:ec2:*::image/*</c>) stands for every resource it matches: a statement
    /// whose Resource covers some of them but not all is unsettled, like a condition on an unknown key.
    /// </remarks>
    public AuditResult Audit(PolicySet policies, string action, string resource, RequestContext context)
    {
        resource = EffectiveResource(action, resource);
        var trace = Trace.Evaluate(policies, action, resource, context, ResourceSet.IsSet(resource));

        if (trace.Deny == Tristate.True)
        {
            return new AuditResult(action, resource, AuditDecision.ExplicitDeny, trace.Matched(PolicyEffect.Deny, Tristate.True), [], policies, trace.LayerAllows);
        }

        if (trace.Allow == Tristate.False)
        {
            return new AuditResult(action, resource, AuditDecision.ImplicitDeny, trace.Matched(PolicyEffect.Allow, null), [], policies, trace.LayerAllows);
        }

        if (trace.Allow == Tristate.True && trace.Deny == Tristate.False)
        {
            return new AuditResult(action, resource, AuditDecision.Allowed, trace.Matched(PolicyEffect.Allow, Tristate.True), [], policies, trace.LayerAllows);
        }

        // Conditional: the allows of layers that are not settled, and every deny that may apply, gate the access.
        var gating = new List<GatingCondition>();
        var involved = new List<MatchedStatement>();
        foreach (var entry in trace.Entries)
        {
            if (trace.Gates(entry))
            {
                var matched = entry.ToMatchedStatement();
                involved.Add(matched);
                AddUnsettledConditions(gating, matched, entry.Statement, resource, context, ResourceSet.IsSet(resource));
            }
        }

        return new AuditResult(action, resource, AuditDecision.ConditionallyAllowed, involved, gating, policies, trace.LayerAllows);
    }

    /// <summary>
    /// What <see cref="Audit"/> says of a request, written into the caller's lists instead of a result: the statements
    /// (<see cref="AuditResult.MatchedStatements"/>) and, for a conditional decision, the conditions
    /// (<see cref="AuditResult.GatingConditions"/>). For audits that explain many requests and keep only the union.
    /// </summary>
    internal AuditDecision AuditInto(PolicySet policies, string action, string resource, RequestContext context, List<MatchedStatement> statements, List<GatingCondition> gates)
    {
        resource = EffectiveResource(action, resource);
        var resourceIsSet = ResourceSet.IsSet(resource);
        var trace = Trace.Evaluate(policies, action, resource, context, resourceIsSet, reuse: true);
        var (decision, effect, match) =
            trace.Deny == Tristate.True ? (AuditDecision.ExplicitDeny, PolicyEffect.Deny, (Tristate?)Tristate.True)
            : trace.Allow == Tristate.False ? (AuditDecision.ImplicitDeny, PolicyEffect.Allow, null)
            : trace.Allow == Tristate.True && trace.Deny == Tristate.False ? (AuditDecision.Allowed, PolicyEffect.Allow, Tristate.True)
            : (AuditDecision.ConditionallyAllowed, PolicyEffect.Allow, (Tristate?)null);
        if (decision != AuditDecision.ConditionallyAllowed)
        {
            foreach (var entry in trace.Entries)
            {
                if (entry.Statement.Effect == effect && (match is null || entry.Match == match))
                {
                    statements.Add(entry.ToMatchedStatement());
                }
            }

            return decision;
        }

        foreach (var entry in trace.Entries)
        {
            if (trace.Gates(entry))
            {
                var matched = entry.ToMatchedStatement();
                statements.Add(matched);
                AddUnsettledConditions(gates, matched, entry.Statement, resource, context, resourceIsSet);
            }
        }

        return decision;
    }

    /// <summary>
    /// The decision <see cref="Audit"/> returns, without the statements and conditions behind it: no allocation, for
    /// audits that explain only the few decisions they report.
    /// </summary>
    public AuditDecision AuditDecisionOf(PolicySet policies, string action, string resource, RequestContext context)
    {
        resource = EffectiveResource(action, resource);
        var resourceIsSet = ResourceSet.IsSet(resource);
        var deny = Tristate.False;
        var allow = Tristate.True;
        foreach (var layer in policies.Layers)
        {
            var layerAllow = Tristate.False;
            foreach (var policy in layer.Policies)
            {
                var statements = policy.Policy.StatementsFor(action);
                foreach (var statement in statements.Denies)
                {
                    deny = TristateLogic.Or(deny, statement.MatchesRequest(resource, context, resourceIsSet));
                    if (deny == Tristate.True)
                    {
                        return AuditDecision.ExplicitDeny;
                    }
                }

                if (layerAllow != Tristate.True)
                {
                    foreach (var statement in statements.Allows)
                    {
                        layerAllow = TristateLogic.Or(layerAllow, statement.MatchesRequest(resource, context, resourceIsSet));
                        if (layerAllow == Tristate.True)
                        {
                            break;
                        }
                    }
                }
            }

            allow = TristateLogic.And(allow, layerAllow);
        }

        return AuditDecisionFrom(deny, allow);
    }

    /// <summary>
    /// What one policy alone says of a request in an audit: whether its denies apply, and whether its allows do (each
    /// three-valued). <see cref="AuditDecisionOf"/> is these joined: the denies of every policy OR, the allows of a
    /// layer's policies OR, the layers AND. An audit that meets the same policy for many principals asks this once.
    /// <paramref name="resource"/> is the request's resource bound to the account (see <see cref="AccessRequest"/>).
    /// </summary>
    internal (Tristate Deny, Tristate Allow) AuditPolicy(CompiledPolicy policy, AccessRequest request, string resource, RequestContext context)
    {
        // The request remembers the catalog's answer: an audit asks for every policy and request it evaluates.
        var action = request.Action;
        resource = request.TakesWildcardResource(Catalog) ? "*" : resource;
        var resourceIsSet = ResourceSet.IsSet(resource);
        var statements = policy.StatementsFor(action);
        var deny = Tristate.False;
        foreach (var statement in statements.Denies)
        {
            deny = TristateLogic.Or(deny, statement.MatchesRequest(resource, context, resourceIsSet));
            if (deny == Tristate.True)
            {
                break;
            }
        }

        var allow = Tristate.False;
        foreach (var statement in statements.Allows)
        {
            allow = TristateLogic.Or(allow, statement.MatchesRequest(resource, context, resourceIsSet));
            if (allow == Tristate.True)
            {
                break;
            }
        }

        return (deny, allow);
    }

    /// <summary>The decision of joined denies and allows (see <see cref="AuditPolicy"/>).</summary>
    internal static AuditDecision AuditDecisionFrom(Tristate deny, Tristate allow) =>
        deny == Tristate.True ? AuditDecision.ExplicitDeny
        : allow == Tristate.False ? AuditDecision.ImplicitDeny
        : allow == Tristate.True && deny == Tristate.False ? AuditDecision.Allowed
        : AuditDecision.ConditionallyAllowed;

    private static void AddUnsettledConditions(List<GatingCondition> gating, MatchedStatement matched, CompiledStatement statement, string resource, RequestContext context, bool resourceIsSet)
    {
        if (resourceIsSet && statement.MatchesResourceSet(resource) == Tristate.Unknown)
        {
            gating.Add(new GatingCondition(matched, statement.Source.Resources, resource, statement.Source.IsNotResource));
        }
        else if (!resourceIsSet && statement.MatchesResource(resource, context) == Tristate.Unknown)
        {
            var keys = statement.Source.Resources
                .SelectMany(r => Glob.Compile(r, wildcards: true, variables: true).VariableKeys)
                .Select(k => "${" + k.Name + "}")
                .Distinct(StringComparer.OrdinalIgnoreCase);
            gating.Add(new GatingCondition(matched, string.Join(", ", keys), statement.Source.IsNotResource));
        }

        foreach (var condition in statement.Conditions)
        {
            if (condition.Evaluate(context) == Tristate.Unknown)
            {
                gating.Add(matched.Gate(condition.Source));
            }
        }
    }

    private static void RequireConcrete(RequestContext context)
    {
        if (context.UnlistedKeysAreUnknown)
        {
            throw new ArgumentException("A concrete decision needs a concrete context (RequestContext.Concrete); use Audit for unknown keys.", nameof(context));
        }
    }

    /// <summary>Every statement that may apply, with its three-valued match, and each layer's allow.</summary>
    private sealed class Trace
    {
        private Trace(int layers)
        {
            LayerAllows = new Tristate[layers];
        }

        public Tristate Deny { get; private set; } = Tristate.False;

        public Tristate Allow { get; private set; } = Tristate.True;

        public Tristate[] LayerAllows { get; private set; }

        [ThreadStatic]
        private static Trace? threadTrace;

        /// <summary>
        /// A trace for <paramref name="layers"/> layers: a new one, or with <paramref name="reuse"/> the thread's own,
        /// for callers that keep nothing of it (not even <see cref="LayerAllows"/>) once their call returns.
        /// </summary>
        private static Trace Start(int layers, bool reuse)
        {
            if (!reuse)
            {
                return new Trace(layers);
            }

            var trace = threadTrace ??= new Trace(layers);
            if (trace.LayerAllows.Length != layers)
            {
                trace.LayerAllows = new Tristate[layers];
            }

            trace.Deny = Tristate.False;
            trace.Allow = Tristate.True;
            trace.Entries.Clear();
            return trace;
        }

        /// <summary>
        /// The statements that may apply. The list is the thread's own and reused by its next trace: a trace lives only
        /// while one Decide, Explain or Audit call builds its result from it, and those calls never nest.
        /// </summary>
        public List<Entry> Entries { get; } = TakeThreadEntries();

        [ThreadStatic]
        private static List<Entry>? threadEntries;

        private static List<Entry> TakeThreadEntries()
        {
            var entries = threadEntries ??= new List<Entry>(32);
            entries.Clear();
            return entries;
        }


        public static Trace Evaluate(PolicySet policies, string action, string resource, RequestContext context, bool resourceIsSet = false, bool reuse = false)
        {
            var layers = policies.Layers;
            var trace = Start(layers.Length, reuse);
            for (var l = 0; l < layers.Length; l++)
            {
                var layerAllow = Tristate.False;
                var policiesOfLayer = layers[l].Policies;
                for (var p = 0; p < policiesOfLayer.Length; p++)
                {
                    foreach (var statement in policiesOfLayer[p].Policy.StatementsFor(action).All)
                    {
                        // Once the layer certainly allows, further allows change nothing.
                        var isDeny = statement.Effect == PolicyEffect.Deny;
                        if (!isDeny && layerAllow == Tristate.True)
                        {
                            continue;
                        }

                        var match = statement.MatchesRequest(resource, context, resourceIsSet);
                        if (match == Tristate.False)
                        {
                            continue;
                        }

                        if (isDeny)
                        {
                            trace.Deny = TristateLogic.Or(trace.Deny, match);
                        }
                        else
                        {
                            layerAllow = TristateLogic.Or(layerAllow, match);
                        }

                        trace.Entries.Add(new Entry(statement, l, layers[l], policiesOfLayer[p], match));
                    }
                }

                trace.LayerAllows[l] = layerAllow;
                trace.Allow = TristateLogic.And(trace.Allow, layerAllow);
            }

            return trace;
        }

        /// <summary>
        /// Whether the entry gates a conditional result: a statement that may apply, and is a deny or an allow of a layer
        /// whose allow is not settled.
        /// </summary>
        public bool Gates(Entry entry) =>
            entry.Match == Tristate.Unknown && (entry.Statement.Effect == PolicyEffect.Deny || LayerAllows[entry.LayerIndex] == Tristate.Unknown);

        /// <summary>The statements of one effect that matched (with exactly <paramref name="match"/>, or at all when null).</summary>
        public List<MatchedStatement> Matched(PolicyEffect effect, Tristate? match)
        {
            var matched = new List<MatchedStatement>(Entries.Count);
            foreach (var entry in Entries)
            {
                if (entry.Statement.Effect == effect && (match is null || entry.Match == match))
                {
                    matched.Add(entry.ToMatchedStatement());
                }
            }

            return matched;
        }

        /// <summary>One statement that may apply; entries are recorded in document order.</summary>
        public readonly record struct Entry(CompiledStatement Statement, int LayerIndex, PolicySet.Layer Layer, NamedPolicy Policy, Tristate Match)
        {
            public MatchedStatement ToMatchedStatement() => Policy.Matched(Statement, Layer.Kind, Layer.Level);
        }
    }
}
