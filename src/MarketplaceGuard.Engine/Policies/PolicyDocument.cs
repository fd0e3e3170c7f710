using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.Engine.Policies;

/// <summary>
/// A parsed, validated IAM policy document. Create one with <see cref="PolicyParser"/>; write it back with
/// <see cref="ToCompactJson"/>; compare two with <see cref="SemanticallyEquals"/>.
/// </summary>
public sealed class PolicyDocument
{
    /// <summary>The current policy language version.</summary>
    public const string Version2012 = "2012-10-17";

    /// <summary>The legacy version, and the one IAM assumes when a document has no Version.</summary>
    public const string Version2008 = "2008-10-17";

    private string? semanticKey;

    internal PolicyDocument(string? version, string? id, IReadOnlyList<PolicyStatement> statements)
    {
        Version = version;
        Id = id;
        Statements = statements;
    }

    /// <summary>The Version element as written; null when absent.</summary>
    public string? Version { get; }

    /// <summary>The language version IAM applies: <see cref="Version2008"/> when the document names none.</summary>
    public string EffectiveVersion => Version ?? Version2008;

    /// <summary>Policy variables such as <c>${aws:username}</c> are only substituted under Version 2012-10-17.</summary>
    public bool SupportsPolicyVariables => EffectiveVersion == Version2012;

    public string? Id { get; }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>Canonical compact JSON (see <see cref="PolicyJsonWriter"/>).</summary>
    public string ToCompactJson() => PolicyJsonWriter.WriteCompact(this);

    public override string ToString() => ToCompactJson();

    /// <summary>
    /// True when both documents grant and deny exactly the same things: statement order, value order, duplicates,
    /// key order, string-versus-array shape, the case of action names, of condition operators and of condition keys
    /// do not matter; neither do Sid and Id, which IAM never evaluates. A missing Version equals "2008-10-17".
    /// </summary>
    public bool SemanticallyEquals(PolicyDocument other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(SemanticKey, other.SemanticKey, StringComparison.Ordinal);
    }

    // A normal form: every set sorted and de-duplicated, case-insensitive parts lower-cased, then joined with control
    // characters as separators; the parser rejects those characters in documents (IAM does too), so no escaping is
    // needed. Computed once; documents are immutable.
    private string SemanticKey => semanticKey ??= BuildSemanticKey();

    private string BuildSemanticKey()
    {
        var statements = Statements
            .Select(StatementKey)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(s => s, StringComparer.Ordinal);
        return EffectiveVersion + "\u0001" + string.Join("\u0002", statements);
    }

    private static string StatementKey(PolicyStatement s)
    {
        var actions = SortedSet(s.Actions.Select(a => a.ToLowerInvariant()));
        var resources = SortedSet(s.Resources);
        var conditions = SortedSet(s.Conditions.Select(c =>
            c.Operator.Name.ToLowerInvariant() + "\u0005" + c.Key.ToLowerInvariant() + "\u0005" + SortedSet(c.Values)));
        return string.Join(
            "\u0003",
            s.Effect.ToString(),
            s.ActionElementName,
            actions,
            s.ResourceElementName,
            resources,
            conditions);
    }

    private static string SortedSet(IEnumerable<string> values) =>
        string.Join("\u0004", values.Distinct(StringComparer.Ordinal).OrderBy(v => v, StringComparer.Ordinal));
}
