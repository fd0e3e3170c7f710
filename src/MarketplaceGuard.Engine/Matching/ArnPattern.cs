using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace MarketplaceGuard.Engine.Matching;

/// <summary>
/// A compiled ARN pattern, as in a Resource element or an Arn* condition value. ARNs are matched segment by segment
/// (arn:partition:service:region:account:resource): a wildcard never crosses the colon between two of the first five
/// segments, while in the resource segment '*' spans '/' and ':'. The first five segments compare case-insensitively,
/// the resource segment case-sensitively. "*" matches everything, including the "*" that stands for the resource of
/// an action without resource-level permissions; no other pattern matches that "*".
/// </summary>
public sealed class ArnPattern
{
    private const int SegmentCount = 6;

    private readonly Glob[]? segments; // six globs, or null when the pattern is not an ARN
    private readonly Glob? whole; // a pattern that is not an ARN is matched as one string

    private ArnPattern(string text, Glob[]? segments, Glob? whole, bool matchesAll)
    {
        Text = text;
        this.segments = segments;
        this.whole = whole;
        MatchesAll = matchesAll;
        HasVariables = segments is not null ? Array.Exists(segments, s => s.HasVariables) : whole?.HasVariables ?? false;
    }

    public string Text { get; }

    /// <summary>True for "*": every resource.</summary>
    public bool MatchesAll { get; }

    /// <summary>This pattern as a one-element list, shared by every statement naming only this resource ("*" above all).</summary>
    internal ArnPattern[] Alone => alone ??= [this];

    private ArnPattern[]? alone;

    /// <summary>True when the pattern uses policy variables.</summary>
    public bool HasVariables { get; }

    /// <summary>The keys of the policy variables the pattern uses (none for most patterns).</summary>
    internal IEnumerable<ContextKey> VariableKeys =>
        !HasVariables ? [] : segments is not null ? segments.SelectMany(s => s.VariableKeys) : whole!.VariableKeys;

    /// <summary>Compiles a pattern.</summary>
    /// <param name="pattern">The text.</param>
    /// <param name="variables">Whether policy variables are substituted (Version 2012-10-17).</param>
    /// <param name="variablesInResourceOnly">
    /// True for the Resource element, where IAM substitutes variables only in the resource segment; false for Arn*
    /// condition values.
    /// </param>
    public static ArnPattern Compile(string pattern, bool variables, bool variablesInResourceOnly) =>
        Compile(pattern, variables, variablesInResourceOnly, null);

    /// <summary>Compiles a pattern, sharing its segment globs through <paramref name="cache"/> when given.</summary>
    public static ArnPattern Compile(string pattern, bool variables, bool variablesInResourceOnly, PatternCache? cache)
    {
        if (pattern.Length > 0 && pattern.AsSpan().IndexOfAnyExcept('*') < 0)
        {
            return new ArnPattern(pattern, null, null, matchesAll: true);
        }

        var parts = pattern.Split(':', SegmentCount);
        if (parts.Length < SegmentCount)
        {
            return new ArnPattern(pattern, null, cache?.Glob(pattern, wildcards: true, variables) ?? Glob.Compile(pattern, wildcards: true, variables), matchesAll: false);
        }

        var globs = new Glob[SegmentCount];
        for (var i = 0; i < SegmentCount; i++)
        {
            var allowVariables = variables && (i == SegmentCount - 1 || !variablesInResourceOnly);
            globs[i] = cache?.Glob(parts[i], wildcards: true, allowVariables) ?? Glob.Compile(parts[i], wildcards: true, allowVariables);
        }

        return new ArnPattern(pattern, globs, null, matchesAll: false);
    }

    /// <summary>Matches a resource ARN (or "*", or any string) against the pattern.</summary>
    public Tristate Match(ReadOnlySpan<char> resource, IVariableSource? variables)
    {
        if (MatchesAll)
        {
            return Tristate.True;
        }

        if (segments is null)
        {
            return resource.SequenceEqual("*") ? Tristate.False : whole!.Match(resource, StringComparison.Ordinal, variables);
        }

        var result = Tristate.True;
        var rest = resource;
        for (var i = 0; i < SegmentCount; i++)
        {
            ReadOnlySpan<char> part;
            if (i < SegmentCount - 1)
            {
                var colon = rest.IndexOf(':');
                if (colon < 0)
                {
                    return Tristate.False; // not an ARN (e.g. the "*" of an action without resource types)
                }

                part = rest[..colon];
                rest = rest[(colon + 1)..];
            }
            else
            {
                part = rest;
            }

            var comparison = i < SegmentCount - 1 ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            result = TristateLogic.And(result, segments[i].Match(part, comparison, variables));
            if (result == Tristate.False)
            {
                return result;
            }
        }

        return result;
    }

    /// <summary>
    /// How the pattern relates to a set of resources written as a pattern (audits: "every image"): true when it covers
    /// them all, false when none, unknown when some (see <see cref="GlobRelation"/>). Segments compare as in
    /// <see cref="Match"/>; a segment with policy variables is unknown unless the set is "*".
    /// </summary>
    public Tristate MatchSet(string resources)
    {
        if (MatchesAll)
        {
            return Tristate.True;
        }

        // Audits ask the same few sets of every pattern again and again: remember the answers.
        var known = setAnswers ?? Interlocked.CompareExchange(ref setAnswers, new(256), null) ?? setAnswers;
        return known.Get(resources, this, static (set, pattern) => pattern.RelateToSet(set));
    }

    private BoundedMemo<Tristate>? setAnswers;

    private Tristate RelateToSet(string resources)
    {
        if (segments is null)
        {
            return whole!.HasVariables ? Tristate.Unknown : GlobRelation.Relate(whole.Text, resources, ignoreCase: false);
        }

        var parts = resources.Split(':', SegmentCount);
        if (parts.Length < SegmentCount)
        {
            return resources == "*" ? Tristate.Unknown : Tristate.False;
        }

        var result = Tristate.True;
        for (var i = 0; i < SegmentCount; i++)
        {
            var relation = segments[i].HasVariables
                ? (segments[i].IsMatchAll ? Tristate.True : Tristate.Unknown)
                : GlobRelation.Relate(segments[i].Text, parts[i], ignoreCase: i < SegmentCount - 1);
            result = TristateLogic.And(result, relation);
            if (result == Tristate.False)
            {
                return result;
            }
        }

        return result;
    }

    /// <summary>Whether none of a set of resources (a pattern, see <see cref="MatchSet"/>) is inside the pattern.</summary>
    public Tristate ExcludesSet(string resources) => TristateLogic.Not(MatchSet(resources));

    /// <summary>
    /// Whether the resource is outside the pattern, as NotResource asks. A pattern whose policy variables cannot be
    /// resolved neither covers nor excludes anything (the rule of iam-simulate, which this module follows where AWS is
    /// silent), so the answer is then false whatever the resource; unknown when resolving depends on a key nobody
    /// supplied.
    /// </summary>
    public Tristate Excludes(ReadOnlySpan<char> resource, IVariableSource? variables)
    {
        if (!HasVariables)
        {
            return TristateLogic.Not(Match(resource, variables));
        }

        var resolves = Resolves(variables);
        return resolves == Tristate.False ? Tristate.False : TristateLogic.And(resolves, TristateLogic.Not(Match(resource, variables)));
    }

    /// <summary>Whether every policy variable of the pattern gets a value (see <see cref="Glob.Resolves"/>).</summary>
    public Tristate Resolves(IVariableSource? variables)
    {
        if (MatchesAll)
        {
            return Tristate.True;
        }

        if (segments is null)
        {
            return whole!.Resolves(variables);
        }

        var result = Tristate.True;
        foreach (var segment in segments)
        {
            result = TristateLogic.And(result, segment.Resolves(variables));
            if (result == Tristate.False)
            {
                break;
            }
        }

        return result;
    }

    public override string ToString() => Text;
}
