using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MarketplaceGuard.Engine.Matching;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// A fixed set of actions that are always asked about together (the requests of one capability). Policies remember
/// their <see cref="PolicyReach"/> per set, by reference: make one set per capability, not one per question.
/// </summary>
internal sealed class ActionSet
{
    private static readonly HashSet<string> AllActions = new(StringComparer.OrdinalIgnoreCase);
    private static int count;
    private static int distinctActions;
    private static (string Service, int Actions)[] byService = []; // replaced whole, never changed once published

    public ActionSet(IEnumerable<string> actions)
    {
        Actions = actions.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        Id = Interlocked.Increment(ref count) - 1;
        lock (AllActions)
        {
            AllActions.UnionWith(Actions);
            Volatile.Write(ref distinctActions, AllActions.Count);
            Volatile.Write(ref byService, AllActions
                .GroupBy(action => ServiceOf(action).ToString(), StringComparer.OrdinalIgnoreCase)
                .Select(service => (service.Key, service.Count()))
                .ToArray());
        }
    }

    /// <summary>How many distinct actions the sets made so far hold: what a policy is asked about in an audit.</summary>
    public static int DistinctActions => Volatile.Read(ref distinctActions);

    /// <summary>
    /// How many of the <see cref="DistinctActions"/> belong to <paramref name="services"/>: what a policy whose statements
    /// name only those services is asked about and remembers (it answers the others' actions from its service index).
    /// </summary>
    public static int DistinctActionsOf(ReadOnlySpan<string> services)
    {
        var known = Volatile.Read(ref byService);
        var total = 0;
        foreach (var service in services)
        {
            foreach (var (name, actions) in known)
            {
                if (string.Equals(name, service, StringComparison.OrdinalIgnoreCase))
                {
                    total += actions;
                    break;
                }
            }
        }

        return total;
    }

    /// <summary>An action's service prefix ("ec2" of "ec2:RunInstances"); the whole text when it has no colon.</summary>
    internal static ReadOnlySpan<char> ServiceOf(string action)
    {
        var colon = action.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? action : action.AsSpan(0, colon);
    }

    public string[] Actions { get; }

    /// <summary>The set's number: dense, from 0, so that policies keep their reaches in an array.</summary>
    public int Id { get; }

    /// <summary>How many sets were made.</summary>
    public static int Count => Volatile.Read(ref count);
}

/// <summary>
/// What a policy can say about a set of actions: whether any statement covers one of them, and which context keys
/// those statements read. A policy that reaches none of the actions cannot change a decision about them; one whose
/// keys a principal's context is silent on decides the same for that principal as for any other such principal.
/// </summary>
internal sealed class PolicyReach
{
    private PolicyReach(bool reached, ContextKey[] keys)
    {
        Reached = reached;
        Keys = keys;
    }

    public static PolicyReach None { get; } = new(false, []);

    public bool Reached { get; }

    public ContextKey[] Keys { get; }

    /// <summary>
    /// The policy's verdicts on the set's requests last worked out (see AccessAnalyzer): an audit asks about one account
    /// at a time, so one slot answers nearly every principal without a dictionary lookup.
    /// </summary>
    internal RememberedVerdicts? Last { get; set; }

    public static PolicyReach Of(CompiledPolicy policy, ActionSet actions)
    {
        // Statements and keys are a handful per policy: lists searched in place cost less than sets. The lists are the
        // thread's, cleared for each policy and set (this runs once per policy and capability of an account).
        var scratch = Scratch ??= new ScratchLists();
        var seen = scratch.Seen;
        var statements = scratch.Statements;
        var keys = scratch.Keys;
        seen.Clear();
        statements.Clear();
        keys.Clear();
        foreach (var action in actions.Actions)
        {
            var covering = policy.StatementsFor(action);
            if (covering.All.Length == 0 || Holds(seen, covering))
            {
                continue;
            }

            seen.Add(covering);
            foreach (var statement in covering.All)
            {
                if (!Holds(statements, statement))
                {
                    statements.Add(statement);
                }
            }
        }

        if (statements.Count == 0)
        {
            return None;
        }

        foreach (var statement in statements)
        {
            foreach (var key in statement.ReferencedKeys)
            {
                if (!Holds(keys, key))
                {
                    keys.Add(key);
                }
            }
        }

        return new PolicyReach(true, keys.ToArray());
    }

    [ThreadStatic]
    private static ScratchLists? Scratch;

    private sealed class ScratchLists
    {
        public List<ActionStatements> Seen { get; } = new(8);

        public List<CompiledStatement> Statements { get; } = new(8);

        public List<ContextKey> Keys { get; } = new(8);
    }

    private static bool Holds<T>(List<T> items, T item)
        where T : class
    {
        foreach (var known in items)
        {
            if (ReferenceEquals(known, item))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A policy's verdicts on a capability's requests, bound in one account and partition.</summary>
internal sealed record RememberedVerdicts(string? AccountId, string Partition, object Capability, Matching.Tristate[] Verdicts)
{
    public bool IsFor(string? accountId, string partition, object capability) =>
        ReferenceEquals(Capability, capability) && string.Equals(AccountId, accountId, StringComparison.Ordinal) && string.Equals(Partition, partition, StringComparison.Ordinal);
}
