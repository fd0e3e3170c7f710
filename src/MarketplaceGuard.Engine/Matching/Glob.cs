using System;
using System.Collections.Generic;
using System.Text;

namespace MarketplaceGuard.Engine.Matching;

/// <summary>
/// A compiled IAM wildcard pattern: <c>*</c> matches any run of characters, <c>?</c> exactly one; with policy
/// variables enabled, <c>${key}</c> and <c>${key, 'default'}</c> are replaced by the request's value (taken
/// literally: a '*' in a user name is not a wildcard) and <c>${*}</c>, <c>${?}</c>, <c>${$}</c> stand for the literal
/// characters. A pattern is compiled once; matching never allocates.
/// </summary>
public sealed class Glob
{
    private readonly Atom[][] segments; // the pattern split at each '*'
    private readonly ContextKey[] variableKeys;
    private readonly int fixedLength; // length of a pattern without '*' or variables, else -1

    private Glob(string text, Atom[][] segments, ContextKey[] variableKeys)
    {
        Text = text;
        this.segments = segments;
        this.variableKeys = variableKeys;
        IsMatchAll = segments.Length >= 2 && Array.TrueForAll(segments, s => s.Length == 0);
        fixedLength = segments.Length == 1 && variableKeys.Length == 0 ? SegmentLength(segments[0], null) : -1;
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>True for "*" (also "**" ...): matches every string.</summary>
    public bool IsMatchAll { get; }

    /// <summary>True when the pattern uses policy variables, so its meaning depends on the request.</summary>
    public bool HasVariables => variableKeys.Length > 0;

    /// <summary>The keys of the policy variables the pattern uses.</summary>
    public IReadOnlyList<ContextKey> VariableKeys => variableKeys;

    /// <summary>Compiles a pattern.</summary>
    /// <param name="pattern">The text.</param>
    /// <param name="wildcards">Whether '*' and '?' are wildcards (StringEquals compares them literally).</param>
    /// <param name="variables">Whether <c>${...}</c> is a policy variable (Version 2012-10-17 and an element that allows them).</param>
    public static Glob Compile(string pattern, bool wildcards, bool variables)
    {
        // Most patterns of an account are plain text (ARN segments, condition values): one literal, compiled without
        // the builders below. The loop would produce the same single atom.
        if ((!wildcards || pattern.AsSpan().IndexOfAny('*', '?') < 0) && (!variables || !pattern.Contains("${", StringComparison.Ordinal)))
        {
            return new Glob(pattern, [pattern.Length == 0 ? [] : [Atom.Literal(pattern)]], []);
        }

        var result = new List<Atom[]>();
        var current = new List<Atom>();
        var literal = new StringBuilder();
        var keys = new List<ContextKey>();

        void FlushLiteral()
        {
            if (literal.Length > 0)
            {
                current.Add(Atom.Literal(literal.ToString()));
                literal.Clear();
            }
        }

        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (variables && c == '$' && i + 1 < pattern.Length && pattern[i + 1] == '{')
            {
                var close = pattern.IndexOf('}', i + 2);
                if (close > 0)
                {
                    var body = pattern.Substring(i + 2, close - i - 2);
                    i = close;
                    if (body is "*" or "?" or "$")
                    {
                        literal.Append(body[0]);
                        continue;
                    }

                    FlushLiteral();
                    var variable = ParseVariable(body);
                    keys.Add(variable.Key!);
                    current.Add(variable);
                    continue;
                }
            }

            if (wildcards && c == '*')
            {
                FlushLiteral();
                result.Add(current.ToArray());
                current.Clear();
            }
            else if (wildcards && c == '?')
            {
                FlushLiteral();
                current.Add(Atom.AnyCharacter);
            }
            else
            {
                literal.Append(c);
            }
        }

        FlushLiteral();
        result.Add(current.ToArray());
        return new Glob(pattern, result.ToArray(), keys.ToArray());
    }

    /// <summary>
    /// Matches text against the pattern. A variable whose key is absent (and has no default) makes the pattern match
    /// nothing, as in IAM; a variable whose key is unknown makes the answer <see cref="Tristate.Unknown"/>.
    /// </summary>
    public Tristate Match(ReadOnlySpan<char> text, StringComparison comparison, IVariableSource? variables)
    {
        if (IsMatchAll)
        {
            return Tristate.True;
        }

        if (variableKeys.Length > 0)
        {
            var state = CheckVariables(variables);
            if (state != Tristate.True)
            {
                return state;
            }
        }

        if (fixedLength >= 0 && text.Length != fixedLength)
        {
            return Tristate.False;
        }

        return TristateLogic.From(MatchResolved(text, comparison, variables));
    }

    /// <summary>
    /// Whether every policy variable of the pattern gets a value: <see cref="Tristate.False"/> when one has no value
    /// and no default (its key is absent, or has several values), so the pattern cannot be resolved;
    /// <see cref="Tristate.Unknown"/> when that depends on a key nobody supplied.
    /// </summary>
    public Tristate Resolves(IVariableSource? variables)
    {
        var result = Tristate.True;
        if (variableKeys.Length == 0)
        {
            return result;
        }

        foreach (var segment in segments)
        {
            foreach (var atom in segment)
            {
                if (atom.Kind != AtomKind.Variable || atom.Text is not null)
                {
                    continue;
                }

                var state = variables is null ? KeyState.Absent : variables.TryGetVariable(atom.Key!, out _);
                if (state == KeyState.Absent)
                {
                    return Tristate.False;
                }

                if (state == KeyState.Unknown)
                {
                    result = Tristate.Unknown;
                }
            }
        }

        return result;
    }

    public override string ToString() => Text;

    private Tristate CheckVariables(IVariableSource? variables)
    {
        var unknown = false;
        foreach (var segment in segments)
        {
            foreach (var atom in segment)
            {
                if (atom.Kind != AtomKind.Variable)
                {
                    continue;
                }

                var state = variables is null ? KeyState.Absent : variables.TryGetVariable(atom.Key!, out _);
                if (state == KeyState.Absent && atom.Text is null)
                {
                    return Tristate.False;
                }

                unknown |= state == KeyState.Unknown;
            }
        }

        return unknown ? Tristate.Unknown : Tristate.True;
    }

    private bool MatchResolved(ReadOnlySpan<char> text, StringComparison comparison, IVariableSource? variables)
    {
        if (segments.Length == 1)
        {
            return SegmentLength(segments[0], variables) == text.Length && SegmentMatchesAt(segments[0], text, 0, comparison, variables);
        }

        var first = segments[0];
        var last = segments[^1];
        var firstLength = SegmentLength(first, variables);
        var lastLength = SegmentLength(last, variables);
        if (text.Length < firstLength + lastLength
            || !SegmentMatchesAt(first, text, 0, comparison, variables)
            || !SegmentMatchesAt(last, text, text.Length - lastLength, comparison, variables))
        {
            return false;
        }

        // Each middle segment has a fixed length once variables are resolved, so taking its leftmost occurrence is
        // always safe: it leaves the most room for the segments after it.
        var position = firstLength;
        var end = text.Length - lastLength;
        for (var s = 1; s < segments.Length - 1; s++)
        {
            var segment = segments[s];
            var length = SegmentLength(segment, variables);
            var found = -1;
            for (var p = position; p + length <= end; p++)
            {
                if (SegmentMatchesAt(segment, text, p, comparison, variables))
                {
                    found = p;
                    break;
                }
            }

            if (found < 0)
            {
                return false;
            }

            position = found + length;
        }

        return true;
    }

    private static int SegmentLength(Atom[] segment, IVariableSource? variables)
    {
        var length = 0;
        foreach (var atom in segment)
        {
            length += atom.Kind switch
            {
                AtomKind.Literal => atom.Text!.Length,
                AtomKind.AnyCharacter => 1,
                _ => Resolve(atom, variables).Length,
            };
        }

        return length;
    }

    private static bool SegmentMatchesAt(Atom[] segment, ReadOnlySpan<char> text, int position, StringComparison comparison, IVariableSource? variables)
    {
        foreach (var atom in segment)
        {
            switch (atom.Kind)
            {
                case AtomKind.AnyCharacter:
                    if (position >= text.Length)
                    {
                        return false;
                    }

                    position++;
                    break;
                default:
                    var literal = atom.Kind == AtomKind.Literal ? atom.Text! : Resolve(atom, variables);
                    if (position + literal.Length > text.Length || !text.Slice(position, literal.Length).Equals(literal, comparison))
                    {
                        return false;
                    }

                    position += literal.Length;
                    break;
            }
        }

        return true;
    }

    // Only called after CheckVariables said every variable resolves (or has a default).
    private static string Resolve(Atom atom, IVariableSource? variables) =>
        variables is not null && variables.TryGetVariable(atom.Key!, out var value) == KeyState.Present ? value : atom.Text ?? string.Empty;

    private static Atom ParseVariable(string body)
    {
        // ${key} or ${key, 'default value'}
        var comma = body.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            return Atom.Variable(ContextKey.Of(body.Trim()), null);
        }

        var key = ContextKey.Of(body[..comma].Trim());
        var rest = body[(comma + 1)..].Trim();
        var defaultValue = rest.Length >= 2 && rest[0] == '\'' && rest[^1] == '\'' ? rest[1..^1] : rest;
        return Atom.Variable(key, defaultValue);
    }

    private enum AtomKind : byte
    {
        Literal,
        AnyCharacter,
        Variable,
    }

    /// <summary>A literal run, a '?', or a variable (Key, with its default in Text).</summary>
    private readonly record struct Atom(AtomKind Kind, string? Text, ContextKey? Key)
    {
        public static readonly Atom AnyCharacter = new(AtomKind.AnyCharacter, null, null);

        public static Atom Literal(string text) => new(AtomKind.Literal, text, null);

        public static Atom Variable(ContextKey key, string? defaultValue) => new(AtomKind.Variable, defaultValue, key);
    }
}
