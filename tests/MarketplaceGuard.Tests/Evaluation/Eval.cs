using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Evaluation;

/// <summary>Terse helpers for table-driven evaluation tests.</summary>
internal static class Eval
{
    public static NamedPolicy Policy(string json, string name = "policy") =>
        new(name, PolicyCompiler.Compile(PolicyParser.Parse(json)));

    public static PolicySet Identity(params string[] documents) =>
        new(documents.Select((d, i) => Policy(d, $"identity{i}")));

    /// <summary>A statement wrapped in a 2012-10-17 document.</summary>
    public static string Doc(string statementJson, string version = "2012-10-17") =>
        $$"""{"Version":"{{version}}","Statement":[{{statementJson}}]}""";

    /// <summary>Context from pairs; a string[] value is a multi-valued key.</summary>
    public static IEnumerable<KeyValuePair<string, ContextValue>> Keys(params (string Key, object Value)[] pairs) =>
        pairs.Select(p => new KeyValuePair<string, ContextValue>(
            p.Key,
            p.Value is string[] many ? ContextValue.ListOf(many) : ContextValue.Of((string)p.Value)));

    public static RequestContext Concrete(params (string Key, object Value)[] pairs) => RequestContext.Concrete(Keys(pairs));

    public static RequestContext Audit(params (string Key, object Value)[] pairs) => RequestContext.Audit(Keys(pairs));

    public static Decision Decide(PolicySet set, string action, string resource = "*", RequestContext? context = null) =>
        PolicyEvaluator.Default.Decide(set, action, resource, context ?? RequestContext.Empty);

    public static Decision Decide(string document, string action, string resource = "*", RequestContext? context = null) =>
        Decide(Identity(document), action, resource, context);
}

/// <summary>Parses "key=value; key2=[a,b]" into context pairs (a bracketed list is a multi-valued key).</summary>
internal static class ContextText
{
    public static (string Key, object Value)[] Parse(string text) =>
        text.Split(';', System.StringSplitOptions.RemoveEmptyEntries | System.StringSplitOptions.TrimEntries)
            .Select(pair =>
            {
                var eq = pair.IndexOf('=', System.StringComparison.Ordinal);
                var key = pair[..eq].Trim();
                var value = pair[(eq + 1)..].Trim();
                return value.StartsWith('[') && value.EndsWith(']')
                    ? (key, (object)value[1..^1].Split(',', System.StringSplitOptions.RemoveEmptyEntries | System.StringSplitOptions.TrimEntries))
                    : (key, (object)value);
            })
            .ToArray();
}
