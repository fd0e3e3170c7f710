using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// A statement compiled for evaluation. It matches a request when its Action/NotAction covers the action, its
/// Resource/NotResource covers the resource, and every condition holds.
/// </summary>
public sealed class CompiledStatement
{
    private readonly ActionPattern[] actions;
    private readonly ArnPattern[] resources;
    private readonly CompiledCondition[] conditions;

    internal CompiledStatement(PolicyStatement source, bool variables, PatternCache patterns)
    {
        // Loops rather than LINQ: this runs for every statement of every distinct document of an account, and the
        // iterators, delegates and closures of LINQ cost more than the arrays built here.
        Source = source;
        if (source.Actions.Count == 1)
        {
            actions = patterns.Action(source.Actions[0]).Alone; // shared: the arrays are only read
        }
        else
        {
            actions = new ActionPattern[source.Actions.Count];
            for (var i = 0; i < actions.Length; i++)
            {
                actions[i] = patterns.Action(source.Actions[i]);
            }
        }

        if (source.Resources.Count == 1)
        {
            resources = patterns.Arn(source.Resources[0], variables, variablesInResourceOnly: true).Alone;
        }
        else
        {
            resources = new ArnPattern[source.Resources.Count];
            for (var i = 0; i < resources.Length; i++)
            {
                resources[i] = patterns.Arn(source.Resources[i], variables, variablesInResourceOnly: true);
            }
        }

        conditions = source.Conditions.Count == 0 ? [] : new CompiledCondition[source.Conditions.Count]; // most statements have none
        for (var i = 0; i < conditions.Length; i++)
        {
            conditions[i] = new CompiledCondition(source.Conditions[i], variables, patterns);
        }

        CouldMatchAnyService = source.IsNotAction || Array.Exists(actions, a => a.ServicePrefix is null);
        NamedServices = source.IsNotAction ? [] : DistinctServices(actions);
    }

    /// <summary>The service prefixes of the actions, each once (ignoring case, the first spelling kept), in order.</summary>
    private static string[] DistinctServices(ActionPattern[] actions)
    {
        // Most statements name one service: that answer needs no list of its own.
        ActionPattern? first = null;
        string? only = null;
        var several = false;
        foreach (var action in actions)
        {
            if (action.ServicePrefix is { } service)
            {
                first ??= action;
                only ??= service;
                if (!string.Equals(only, service, StringComparison.OrdinalIgnoreCase))
                {
                    several = true;
                    break;
                }
            }
        }

        if (!several)
        {
            return first is null ? [] : first.ServiceAlone;
        }

        // A statement names a few services: a linear scan of those found so far beats a set.
        var services = new List<string>(4);
        foreach (var action in actions)
        {
            if (action.ServicePrefix is { } service && !ContainsIgnoringCase(services, service))
            {
                services.Add(service);
            }
        }

        return services.ToArray();
    }

    private static bool ContainsIgnoringCase(List<string> services, string service)
    {
        foreach (var known in services)
        {
            if (string.Equals(known, service, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public PolicyStatement Source { get; }

    public PolicyEffect Effect => Source.Effect;

    public ReadOnlySpan<ActionPattern> Actions => actions;

    public ReadOnlySpan<CompiledCondition> Conditions => conditions;

    /// <summary>Whether Action (or NotAction) covers the action.</summary>
    public bool MatchesAction(ReadOnlySpan<char> service, ReadOnlySpan<char> action)
    {
        var any = false;
        foreach (var pattern in actions)
        {
            if (pattern.Matches(service, action))
            {
                any = true;
                break;
            }
        }

        return any != Source.IsNotAction;
    }

    /// <summary>
    /// Whether Resource (or NotResource) covers the resource; unknown only through policy variables. A pattern whose
    /// variables cannot be resolved (a key absent, or with several values, and no default) matches nothing in Resource
    /// and, in NotResource, keeps the statement from applying: it neither covers nor excludes the resource.
    /// </summary>
    public Tristate MatchesResource(string resource, RequestContext context)
    {
        if (Source.IsNotResource)
        {
            var outside = Tristate.True;
            foreach (var pattern in resources)
            {
                outside = TristateLogic.And(outside, pattern.Excludes(resource, context));
                if (outside == Tristate.False)
                {
                    break;
                }
            }

            return outside;
        }

        var any = Tristate.False;
        foreach (var pattern in resources)
        {
            any = TristateLogic.Or(any, pattern.Match(resource, context));
            if (any == Tristate.True)
            {
                break;
            }
        }

        return any;
    }

    /// <summary>
    /// Whether Resource (or NotResource) covers every resource of a set written as a pattern (an audit's "every
    /// image"): true when all, false when none, unknown when some or when policy variables decide.
    /// </summary>
    public Tristate MatchesResourceSet(string resources)
    {
        if (Source.IsNotResource)
        {
            var outside = Tristate.True;
            foreach (var pattern in this.resources)
            {
                outside = TristateLogic.And(outside, pattern.ExcludesSet(resources));
                if (outside == Tristate.False)
                {
                    break;
                }
            }

            return outside;
        }

        var any = Tristate.False;
        foreach (var pattern in this.resources)
        {
            any = TristateLogic.Or(any, pattern.MatchSet(resources));
            if (any == Tristate.True)
            {
                break;
            }
        }

        return any;
    }

    /// <summary>Whether every condition holds (AND).</summary>
    public Tristate MatchesConditions(RequestContext context)
    {
        var all = Tristate.True;
        foreach (var condition in conditions)
        {
            all = TristateLogic.And(all, condition.Evaluate(context));
            if (all == Tristate.False)
            {
                break;
            }
        }

        return all;
    }

    /// <summary>
    /// Resource and conditions, for a statement whose action already matched. With <paramref name="resourceIsSet"/>,
    /// <paramref name="resource"/> is a pattern standing for every resource it matches (see <see cref="ResourceSet"/>).
    /// </summary>
    public Tristate MatchesRequest(string resource, RequestContext context, bool resourceIsSet = false)
    {
        var resourceMatch = resourceIsSet ? MatchesResourceSet(resource) : MatchesResource(resource, context);
        return resourceMatch == Tristate.False ? Tristate.False : TristateLogic.And(resourceMatch, MatchesConditions(context));
    }

    /// <summary>
    /// Every context key whose value can change whether the statement applies: its conditions' keys and the keys of
    /// the policy variables in its Resource and condition values. A request context silent on all of them gets the
    /// same answer as any other.
    /// </summary>
    internal ContextKey[] ReferencedKeys => referencedKeys ??= conditions
        .SelectMany(c => c.ReferencedKeys)
        .Concat(resources.SelectMany(r => r.VariableKeys))
        .Distinct()
        .ToArray();

    private ContextKey[]? referencedKeys;

    /// <summary>True when the statement may cover actions of any service: NotAction, or an Action of "*".</summary>
    internal bool CouldMatchAnyService { get; }

    /// <summary>The service prefixes the Action element names (none for NotAction), for the per-service index.</summary>
    internal string[] NamedServices { get; }
}
