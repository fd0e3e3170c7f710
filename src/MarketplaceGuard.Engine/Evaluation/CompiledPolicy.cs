using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// A policy document compiled for evaluation. Its statements are indexed by service prefix (a decision for
/// <c>aws-marketplace:Subscribe</c> only looks at statements that name aws-marketplace, or "*", or use NotAction), and
/// for each action asked about, the statements whose Action/NotAction cover it are remembered, split into denies and
/// allows: action matching does not depend on the request, and a policy is shared by every principal it is attached
/// to. Compile with <see cref="PolicyCompiler"/>, which compiles each distinct document once.
/// </summary>
public sealed class CompiledPolicy
{
    private readonly CompiledStatement[] statements;
    private readonly CompiledStatement[] anyService;
    // The services the statements name (compared ignoring case), each with its statements: a policy names a handful,
    // searched in place. Not a dictionary searched by a span of characters: that lookup is generic code no precompiled
    // image holds, which ran unoptimized through a process's first audit, and every principal's policies ask here.
    private readonly string[] serviceNames;
    private readonly CompiledStatement[][] serviceStatements;
    private RememberedAction[] byAction = []; // the actions asked about, in the order asked (see StatementsFor)
    private int byActionCount;

    internal CompiledPolicy(PolicyDocument document, PatternCache patterns)
    {
        // Loops rather than LINQ: this runs for every distinct document of an account (see CompiledStatement).
        Document = document;
        var variables = document.SupportsPolicyVariables;
        statements = new CompiledStatement[document.Statements.Count];
        var anyServiceCount = 0;
        for (var i = 0; i < statements.Length; i++)
        {
            statements[i] = new CompiledStatement(document.Statements[i], variables, patterns);
            anyServiceCount += statements[i].CouldMatchAnyService ? 1 : 0;
        }

        anyService = anyServiceCount == statements.Length ? statements : anyServiceCount == 0 ? [] : new CompiledStatement[anyServiceCount];
        if (anyService != statements && anyServiceCount > 0)
        {
            var next = 0;
            foreach (var statement in statements)
            {
                if (statement.CouldMatchAnyService)
                {
                    anyService[next++] = statement;
                }
            }
        }

        // Each service's list holds the statements that name it and the any-service ones, in document order. The
        // arrays are never written after this, so a service whose list is every statement shares the statements array.
        // The thread's lists, taken while in use and cleared after (an account compiles thousands of policies).
        var scratch = serviceScratch ?? new ServiceLists();
        serviceScratch = null;
        var (names, lists, list) = (scratch.Names, scratch.Lists, scratch.Statements);
        foreach (var named in statements)
        {
            foreach (var service in named.NamedServices)
            {
                if (IndexOfService(CollectionsMarshal.AsSpan(names), service) >= 0)
                {
                    continue;
                }

                list.Clear();
                foreach (var statement in statements)
                {
                    if (statement.CouldMatchAnyService || NamesService(statement, service))
                    {
                        list.Add(statement);
                    }
                }

                names.Add(service);
                lists.Add(list.Count == statements.Length ? statements : list.ToArray());
            }
        }

        serviceNames = names.Count == 0 ? [] : names.ToArray();
        serviceStatements = lists.Count == 0 ? [] : lists.ToArray();
        names.Clear();
        lists.Clear();
        list.Clear();
        serviceScratch = scratch;
    }

    [ThreadStatic]
    private static ServiceLists? serviceScratch;

    private sealed class ServiceLists
    {
        public List<string> Names { get; } = [];

        public List<CompiledStatement[]> Lists { get; } = [];

        public List<CompiledStatement> Statements { get; } = [];
    }

    private static int IndexOfService(ReadOnlySpan<string> names, ReadOnlySpan<char> service)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (service.Equals(names[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The statements of the service the statements name, or null when none names it.</summary>
    private CompiledStatement[]? ForService(ReadOnlySpan<char> service)
    {
        var i = IndexOfService(serviceNames, service);
        return i < 0 ? null : serviceStatements[i];
    }

    private static bool NamesService(CompiledStatement statement, string service)
    {
        foreach (var named in statement.NamedServices)
        {
            if (string.Equals(named, service, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public PolicyDocument Document { get; }

    public IReadOnlyList<CompiledStatement> Statements => statements;

    /// <summary>The statements whose Action or NotAction cover the action, denies and allows, in document order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every principal's every policy asks here: see AccessAnalyzer.JoinPolicyVerdicts
    internal ActionStatements StatementsFor(string action)
    {
        // Most policies name a few services and use no NotAction: for an action of any other service, the service
        // index answers at once, and nothing is remembered.
        if (anyService.Length == 0)
        {
            // The same service as ActionSet counts per service, which sizes the table below.
            if (ForService(ActionSet.ServiceOf(action)) is null)
            {
                return ActionStatements.None;
            }
        }

        // The actions a policy is asked about are a few dozen, the same strings every time (a capability's requests):
        // a list searched in place, by reference first, costs less than a dictionary per policy. Readers take no lock:
        // an entry is written before the count that shows it, and a grown list before its count.
        var remembered = Volatile.Read(ref byAction);
        var count = Math.Min(Volatile.Read(ref byActionCount), remembered.Length);
        for (var i = 0; i < count; i++)
        {
            if (ReferenceEquals(remembered[i].Action, action))
            {
                return remembered[i].Statements;
            }
        }

        for (var i = 0; i < count; i++)
        {
            if (string.Equals(remembered[i].Action, action, StringComparison.OrdinalIgnoreCase))
            {
                return remembered[i].Statements;
            }
        }

        var found = Select(action);
        lock (statements)
        {
            // Actions asked about are a small set in practice; the cap only guards against a caller inventing names.
            for (var i = count; i < byActionCount; i++)
            {
                if (string.Equals(byAction[i].Action, action, StringComparison.OrdinalIgnoreCase))
                {
                    return byAction[i].Statements; // another thread got here first
                }
            }

            if (byActionCount < MaxRememberedActions)
            {
                if (byActionCount == byAction.Length)
                {
                    // At first room for every action of the audit's sets that this policy remembers (each policy is asked
                    // about all of them; one that names its services remembers only theirs), so that the table is not
                    // grown through 8, 16 and 32 (2 MB per 1x audit); then twice as much.
                    var expected = anyService.Length == 0 ? ActionSet.DistinctActionsOf(serviceNames) : ActionSet.DistinctActions;
                    var grown = new RememberedAction[byAction.Length == 0 ? Math.Clamp(expected, 4, MaxRememberedActions) : Math.Min(byAction.Length * 2, MaxRememberedActions)];
                    byAction.CopyTo(grown, 0);
                    Volatile.Write(ref byAction, grown);
                }

                byAction[byActionCount] = new RememberedAction(action, found);
                Volatile.Write(ref byActionCount, byActionCount + 1);
            }
        }

        return found;
    }

    private const int MaxRememberedActions = 256;

    private readonly record struct RememberedAction(string Action, ActionStatements Statements);

    /// <summary>What this policy can say about a set of actions (see <see cref="PolicyReach"/>), remembered per set.</summary>
    internal PolicyReach ReachOf(ActionSet actions)
    {
        var remembered = Volatile.Read(ref reach);
        if (remembered is not null && actions.Id < remembered.Length && remembered[actions.Id] is { } known)
        {
            return known;
        }

        // Sets are few (one per capability), so the reaches live in an array indexed by the set's number, grown to hold
        // every set. Threads racing here store equal answers; one lost while another grows the array is worked out again.
        var found = PolicyReach.Of(this, actions);
        while (true)
        {
            remembered = Volatile.Read(ref reach);
            var next = remembered is not null && actions.Id < remembered.Length ? remembered : new PolicyReach?[Math.Max(ActionSet.Count, actions.Id + 1)];
            if (!ReferenceEquals(next, remembered))
            {
                remembered?.CopyTo(next, 0);
            }

            next[actions.Id] = found;
            if (ReferenceEquals(next, remembered) || Interlocked.CompareExchange(ref reach, next, remembered) == remembered)
            {
                return found;
            }
        }
    }

    private PolicyReach?[]? reach;

    private ActionStatements Select(string action)
    {
        var colon = action.IndexOf(':', StringComparison.Ordinal);
        var service = colon < 0 ? action.AsSpan() : action.AsSpan(0, colon);
        var name = colon < 0 ? ReadOnlySpan<char>.Empty : action.AsSpan(colon + 1);
        var candidates = ForService(service) ?? anyService;

        if (candidates.Length == 0)
        {
            return ActionStatements.None;
        }

        // The statements that cover the action, in document order, gathered in place: a policy has a handful.
        Span<int> covering = candidates.Length <= 64 ? stackalloc int[candidates.Length] : new int[candidates.Length];
        var count = 0;
        var denies = 0;
        for (var i = 0; i < candidates.Length; i++)
        {
            if (candidates[i].MatchesAction(service, name))
            {
                covering[count++] = i;
                denies += candidates[i].Effect == PolicyEffect.Deny ? 1 : 0;
            }
        }

        if (count == 0)
        {
            return ActionStatements.None;
        }

        // Most actions of a service are covered by the same statements (ec2:RunInstances, ec2:CopyImage ... by "ec2:*"):
        // those share one answer, so that a policy keeps a few of them however many actions it is asked about. The
        // answers are an array replaced whole (threads asking about the same policy take no lock).
        var known = Volatile.Read(ref distinct);
        if (Find(known, candidates, covering[..count]) is { } shared)
        {
            return shared;
        }

        var all = new CompiledStatement[count];
        for (var i = 0; i < count; i++)
        {
            all[i] = candidates[covering[i]];
        }

        var found = Split(all, denies);
        while (true)
        {
            var next = new ActionStatements[known.Length + 1];
            known.CopyTo(next, 0);
            next[^1] = found;
            var seen = Interlocked.CompareExchange(ref distinct, next, known);
            if (ReferenceEquals(seen, known))
            {
                return found;
            }

            // Another thread added answers meanwhile: one of them may be this one.
            known = seen;
            if (Find(known, candidates, covering[..count]) is { } added)
            {
                return added;
            }
        }
    }

    private ActionStatements[] distinct = [];

    private static ActionStatements? Find(ActionStatements[] known, CompiledStatement[] candidates, ReadOnlySpan<int> covering)
    {
        foreach (var statements in known)
        {
            if (Covers(statements.All, candidates, covering))
            {
                return statements;
            }
        }

        return null;
    }

    /// <summary>The statements by effect; one effect only (the usual case) needs no second array.</summary>
    private static ActionStatements Split(CompiledStatement[] all, int denies)
    {
        if (denies == 0)
        {
            return new ActionStatements(all, [], all);
        }

        if (denies == all.Length)
        {
            return new ActionStatements(all, all, []);
        }

        var denyStatements = new CompiledStatement[denies];
        var allowStatements = new CompiledStatement[all.Length - denies];
        var (d, a) = (0, 0);
        foreach (var statement in all)
        {
            if (statement.Effect == PolicyEffect.Deny)
            {
                denyStatements[d++] = statement;
            }
            else
            {
                allowStatements[a++] = statement;
            }
        }

        return new ActionStatements(all, denyStatements, allowStatements);
    }

    private static bool Covers(CompiledStatement[] known, CompiledStatement[] candidates, ReadOnlySpan<int> covering)
    {
        if (known.Length != covering.Length)
        {
            return false;
        }

        for (var i = 0; i < known.Length; i++)
        {
            if (!ReferenceEquals(known[i], candidates[covering[i]]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The statements of one policy that cover one action: all in document order, and split by effect.</summary>
internal sealed record ActionStatements(CompiledStatement[] All, CompiledStatement[] Denies, CompiledStatement[] Allows)
{
    /// <summary>No statement covers the action.</summary>
    public static ActionStatements None { get; } = new([], [], []);
}
