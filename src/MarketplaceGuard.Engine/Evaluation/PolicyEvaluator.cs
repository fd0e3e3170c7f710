using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Catalog;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// IAM's policy evaluation for one account: an explicit deny in any policy wins; otherwise the identity policies must
/// allow, and so must the permissions boundary (when there is one), every level of service control policies (when
/// given) and the session policy (when given). Three entry points share one implementation:
/// <see cref="Decide"/> (concrete request, decision only, no allocation), <see cref="Explain"/> (concrete request,
/// with the statements that decided it) and <see cref="Audit"/> (unknown context keys, three-valued).
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
        var outcome = Evaluate(policies, action, EffectiveResource(action, resource), context, trace: null);
        return outcome.Deny == Tristate.True ? Decision.ExplicitDeny
            : outcome.Allow == Tristate.True ? Decision.Allowed
            : Decision.ImplicitDeny;
    }

    /// <summary>IAM's decision for a concrete request, with the statements that decided it and why.</summary>
    public EvaluationResult Explain(PolicySet policies, string action, string resource, RequestContext context)
    {
        RequireConcrete(context);
        resource = EffectiveResource(action, resource);
        var trace = new List<TraceEntry>();
        var outcome = Evaluate(policies, action, resource, context, trace);

        if (outcome.Deny == Tristate.True)
        {
            var denies = trace.Where(t => t.Effect == PolicyEffect.Deny).Select(t => t.Matched).ToList();
            return new EvaluationResult(action, resource, Decision.ExplicitDeny, denies, "explicitly denied by " + string.Join("; ", denies));
        }

        var allows = trace.Where(t => t.Effect == PolicyEffect.Allow).Select(t => t.Matched).ToList();
        if (outcome.Allow == Tristate.True)
        {
            return new EvaluationResult(action, resource, Decision.Allowed, allows, "allowed by " + string.Join("; ", allows));
        }

        var missing = policies.Layers.Where((l, i) => outcome.LayerAllows![i] != Tristate.True).Select(l => l.Describe());
        return new EvaluationResult(action, resource, Decision.ImplicitDeny, allows, "implicitly denied: " + string.Join("; ", missing));
    }

    /// <summary>
    /// "Can this principal ever do this?" Context keys the audit context does not hold are unknown, so conditions
    /// are three-valued. A deny that depends on unknown keys can only make an allow conditional, never a denial.
    /// </summary>
    public AuditResult Audit(PolicySet policies, string action, string resource, RequestContext context)
    {
        resource = EffectiveResource(action, resource);
        var trace = new List<TraceEntry>();
        var outcome = Evaluate(policies, action, resource, context, trace);

        var denies = trace.Where(t => t.Effect == PolicyEffect.Deny).ToList();
        if (outcome.Deny == Tristate.True)
        {
            var always = denies.Where(t => t.Match == Tristate.True).Select(t => t.Matched).ToList();
            return new AuditResult(action, resource, AuditDecision.ExplicitDeny, always, [], "always explicitly denied by " + string.Join("; ", always));
        }

        var allows = trace.Where(t => t.Effect == PolicyEffect.Allow).ToList();
        if (outcome.Allow == Tristate.False)
        {
            var missing = policies.Layers.Where((l, i) => outcome.LayerAllows![i] == Tristate.False).Select(l => l.Describe());
            return new AuditResult(action, resource, AuditDecision.ImplicitDeny, allows.Select(t => t.Matched).ToList(), [], "never allowed: " + string.Join("; ", missing));
        }

        if (outcome.Allow == Tristate.True && outcome.Deny == Tristate.False)
        {
            var granting = allows.Where(t => t.Match == Tristate.True).Select(t => t.Matched).ToList();
            return new AuditResult(action, resource, AuditDecision.Allowed, granting, [], "always allowed by " + string.Join("; ", granting));
        }

        // Conditional: the allows of layers that are not settled, and every deny that may apply, gate the access.
        var gating = new List<GatingCondition>();
        var involved = new List<MatchedStatement>();
        foreach (var entry in allows.Where(t => outcome.LayerAllows![t.LayerIndex] == Tristate.Unknown).Concat(denies))
        {
            involved.Add(entry.Matched);
            gating.AddRange(UnsettledConditions(entry, resource, context));
        }

        var reason = "allowed only in some contexts: " + AuditResult.JoinConditions(gating);
        return new AuditResult(action, resource, AuditDecision.ConditionallyAllowed, involved, gating, reason);
    }

    private static IEnumerable<GatingCondition> UnsettledConditions(TraceEntry entry, string resource, RequestContext context)
    {
        if (entry.Statement.MatchesResource(resource, context) == Tristate.Unknown)
        {
            var keys = entry.Statement.Source.Resources
                .SelectMany(VariableKeysIn)
                .Distinct(StringComparer.OrdinalIgnoreCase);
            yield return new GatingCondition(entry.Matched, string.Join(", ", keys.Select(k => "${" + k + "}")));
        }

        foreach (var condition in entry.Statement.Conditions.ToArray())
        {
            if (condition.Evaluate(context) == Tristate.Unknown)
            {
                yield return new GatingCondition(entry.Matched, condition.Source);
            }
        }
    }

    private static IEnumerable<string> VariableKeysIn(string pattern) =>
        Glob.Compile(pattern, wildcards: true, variables: true).VariableKeys;

    private static void RequireConcrete(RequestContext context)
    {
        if (context.UnlistedKeysAreUnknown)
        {
            throw new ArgumentException("A concrete decision needs a concrete context (RequestContext.Concrete); use Audit for unknown keys.", nameof(context));
        }
    }

    /// <summary>The one evaluation loop. With a null trace it allocates nothing and stops at the first certain deny.</summary>
    private static Outcome Evaluate(PolicySet policies, string action, string resource, RequestContext context, List<TraceEntry>? trace)
    {
        var colon = action.IndexOf(':', StringComparison.Ordinal);
        var service = colon < 0 ? action.AsSpan() : action.AsSpan(0, colon);
        var name = colon < 0 ? ReadOnlySpan<char>.Empty : action.AsSpan(colon + 1);

        var layers = policies.Layers;
        var layerAllows = trace is null ? null : new Tristate[layers.Length];
        var deny = Tristate.False;
        var allow = Tristate.True;
        for (var l = 0; l < layers.Length; l++)
        {
            var layer = layers[l];
            var layerAllow = Tristate.False;
            foreach (var policy in layer.Policies)
            {
                foreach (var statement in policy.Policy.CandidatesFor(service))
                {
                    if (!statement.MatchesAction(service, name))
                    {
                        continue;
                    }

                    var match = statement.MatchesRequest(resource, context);
                    if (match == Tristate.False)
                    {
                        continue;
                    }

                    if (statement.Effect == PolicyEffect.Deny)
                    {
                        deny = TristateLogic.Or(deny, match);
                        if (deny == Tristate.True && trace is null)
                        {
                            return new Outcome(deny, Tristate.False, null);
                        }
                    }
                    else
                    {
                        layerAllow = TristateLogic.Or(layerAllow, match);
                    }

                    trace?.Add(new TraceEntry(new MatchedStatement(policy, layer.Kind, layer.Level, statement), statement, match, l));
                }
            }

            allow = TristateLogic.And(allow, layerAllow);
            if (layerAllows is not null)
            {
                layerAllows[l] = layerAllow;
            }
        }

        return new Outcome(deny, allow, layerAllows);
    }

    private readonly record struct Outcome(Tristate Deny, Tristate Allow, Tristate[]? LayerAllows);

    private sealed record TraceEntry(MatchedStatement Matched, CompiledStatement Statement, Tristate Match, int LayerIndex)
    {
        public PolicyEffect Effect => Statement.Effect;
    }
}
