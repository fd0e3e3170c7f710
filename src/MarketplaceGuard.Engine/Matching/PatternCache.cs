using System.Collections.Concurrent;

namespace MarketplaceGuard.Engine.Matching;

/// <summary>
/// Shares compiled patterns between the policies of one compiler. An account's documents repeat the same action
/// names and ARN pieces thousands of times (a measured 1× synthetic account: 68,000 action values, 352 distinct);
/// compiling each text once cuts both compile time and the memory the account keeps alive, which is what the
/// garbage collector spends its time on. Thread-safe.
/// </summary>
public sealed class PatternCache
{
    // One table per combination of flags, keyed by text alone: a key of a text and two flags is a value type, whose table
    // is generic code compiled when first used (it ran unoptimized through a process's first audit); a string key uses
    // the framework's precompiled code.
    private readonly ConcurrentDictionary<string, Glob>[] globs = Tables<Glob>();
    private readonly ConcurrentDictionary<string, ArnPattern>[] arns = Tables<ArnPattern>();
    private readonly ConcurrentDictionary<string, ActionPattern> actions = new(System.StringComparer.Ordinal);

    private static ConcurrentDictionary<string, T>[] Tables<T>() => [new(System.StringComparer.Ordinal), new(System.StringComparer.Ordinal), new(System.StringComparer.Ordinal), new(System.StringComparer.Ordinal)];

    private static int Index(bool first, bool second) => (first ? 2 : 0) + (second ? 1 : 0);

    // Two threads may compile the same text at once: both make equal patterns, and the table keeps the first.
    public Glob Glob(string text, bool wildcards, bool variables)
    {
        var table = globs[Index(wildcards, variables)];
        return table.TryGetValue(text, out var known) ? known : table.GetOrAdd(text, Matching.Glob.Compile(text, wildcards, variables));
    }

    public ArnPattern Arn(string text, bool variables, bool variablesInResourceOnly)
    {
        var table = arns[Index(variables, variablesInResourceOnly)];
        return table.TryGetValue(text, out var known) ? known : table.GetOrAdd(text, ArnPattern.Compile(text, variables, variablesInResourceOnly, this));
    }

    public ActionPattern Action(string text) =>
        actions.TryGetValue(text, out var known) ? known : actions.GetOrAdd(text, static (key, cache) => ActionPattern.Compile(key, cache), this);
}
