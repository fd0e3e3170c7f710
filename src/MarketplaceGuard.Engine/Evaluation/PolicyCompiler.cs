using System.Collections.Concurrent;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// Parses and compiles policy documents, each distinct text once: an account has thousands of principals sharing a
/// few hundred documents. A document that fails validation fails the same way every time it is asked for, without
/// being parsed again. Thread-safe.
/// </summary>
public sealed class PolicyCompiler
{
    private readonly ConcurrentDictionary<string, Entry> byText = new(System.StringComparer.Ordinal);
    private readonly PatternCache patterns = new();
    private readonly JsonStringPool strings = new();

    /// <summary>How many distinct texts were parsed.</summary>
    public int DistinctDocuments => byText.Count;

    /// <summary>Compiles a parsed document on its own (not cached: the caller holds it).</summary>
    public static CompiledPolicy Compile(PolicyDocument document) => new(document, new PatternCache());

    /// <summary>
    /// Parses (JSON or URL-encoded) and compiles a document, or returns the earlier result for the same text.
    /// Throws <see cref="PolicyValidationException"/> for an invalid document.
    /// </summary>
    public CompiledPolicy Compile(string text, PolicyParseOptions? options = null)
    {
        var entry = byText.TryGetValue(text, out var known) ? known : byText.GetOrAdd(text, static (t, state) => Entry.Create(t, state.options, state.patterns, state.strings), (options, patterns, strings));
        return entry.Policy ?? throw new PolicyValidationException(options?.Source ?? entry.Error!.Source, entry.Error!.Errors);
    }

    private sealed record Entry(CompiledPolicy? Policy, PolicyValidationException? Error)
    {
        public static Entry Create(string text, PolicyParseOptions? options, PatternCache patterns, JsonStringPool strings)
        {
            try
            {
                return new Entry(new CompiledPolicy(PolicyParser.Parse(text, options, strings), patterns), null);
            }
            catch (PolicyValidationException e)
            {
                return new Entry(null, e);
            }
        }
    }
}
