using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// A condition an audit could not settle because it depends on the request: from an allow, the access exists only
/// if it holds; from a deny, only if it does not ("unless").
/// </summary>
public sealed class GatingCondition
{
    internal GatingCondition(MatchedStatement statement, PolicyCondition condition)
    {
        Statement = statement;
        Operator = condition.Operator.Name;
        Key = condition.Key;
        Values = condition.Values;
        this.condition = condition;
    }

    internal GatingCondition(MatchedStatement statement, string resourceDependsOn, bool notResource)
    {
        Statement = statement;
        Operator = "Resource";
        Key = resourceDependsOn;
        Values = [];
        description = (statement.Effect == PolicyEffect.Deny ? "unless " : "only if ")
            + (notResource
                ? $"the resource is outside the NotResource patterns that use {resourceDependsOn}"
                : $"the resource matches a pattern that uses {resourceDependsOn}");
    }

    internal GatingCondition(MatchedStatement statement, IReadOnlyList<string> patterns, string resources, bool notResource)
    {
        Statement = statement;
        Operator = notResource ? "NotResource" : "Resource";
        Key = string.Join(", ", patterns);
        Values = patterns;
        var named = Key;
        description = statement.Effect == PolicyEffect.Deny
            ? (notResource ? $"unless the resource is outside {named}" : $"unless the resource is {named}")
            : (notResource ? $"only on resources outside {named}" : $"only on {named}") + $" (of {resources})";
    }

    // The sentence is built when first read: an audit of a large account produces many it never shows.
    private readonly PolicyCondition? condition;
    private string? description;

    /// <summary>The statement the condition belongs to.</summary>
    public MatchedStatement Statement { get; }

    /// <summary>True when the condition comes from a deny (access exists unless it holds).</summary>
    public bool IsDenyCondition => Statement.Effect == PolicyEffect.Deny;

    public string Operator { get; }

    public string Key { get; }

    public IReadOnlyList<string> Values { get; }

    /// <summary>A sentence a person reads, e.g. "only if aws:MultiFactorAuthPresent is true".</summary>
    public string Description => description ??= Statement.Effect == PolicyEffect.Allow
        ? condition!.AllowSentence ??= Sentence(PolicyEffect.Allow, condition)
        : condition!.DenySentence ??= Sentence(PolicyEffect.Deny, condition);

    public override string ToString() => Description;

    private static string Sentence(PolicyEffect effect, PolicyCondition condition)
    {
        var op = condition.Operator;
        if (effect == PolicyEffect.Allow)
        {
            return "only if " + Describe(condition, op.Kind, op.IfExists);
        }

        // A deny on a negated operator ("deny when the IP is not in 10/8") reads best as what access needs ("only if the
        // IP is in 10/8"). That holds for a missing key too: the negated operator, IfExists or not, denies then.
        return op.IsNegated && op.Qualifier == SetQualifier.None
            ? "only if " + Describe(condition, Positive(op.Kind), withIfExists: false)
            : "unless " + Describe(condition, op.Kind, op.IfExists);
    }

    private static ConditionOperatorKind Positive(ConditionOperatorKind kind) => kind switch
    {
        ConditionOperatorKind.StringNotEquals => ConditionOperatorKind.StringEquals,
        ConditionOperatorKind.StringNotEqualsIgnoreCase => ConditionOperatorKind.StringEqualsIgnoreCase,
        ConditionOperatorKind.StringNotLike => ConditionOperatorKind.StringLike,
        ConditionOperatorKind.NumericNotEquals => ConditionOperatorKind.NumericEquals,
        ConditionOperatorKind.DateNotEquals => ConditionOperatorKind.DateEquals,
        ConditionOperatorKind.NotIpAddress => ConditionOperatorKind.IpAddress,
        ConditionOperatorKind.ArnNotEquals => ConditionOperatorKind.ArnEquals,
        ConditionOperatorKind.ArnNotLike => ConditionOperatorKind.ArnLike,
        _ => kind,
    };

    private static string Describe(PolicyCondition condition, ConditionOperatorKind kind, bool withIfExists)
    {
        var op = condition.Operator;
        if (op.Kind == ConditionOperatorKind.Null)
        {
            var absent = condition.Values.Any(v => v.Equals("true", System.StringComparison.OrdinalIgnoreCase));
            var present = condition.Values.Any(v => v.Equals("false", System.StringComparison.OrdinalIgnoreCase));
            return $"{condition.Key} is " + (absent && present ? "absent or present" : absent ? "absent" : "present");
        }

        var subject = op.Qualifier switch
        {
            SetQualifier.ForAnyValue => $"any value of {condition.Key}",
            SetQualifier.ForAllValues => $"every value of {condition.Key}",
            _ => condition.Key,
        };
        var negated = kind != Positive(kind);
        var values = condition.Values.Count == 1
            ? condition.Values[0]
            : (negated ? "any of " : "one of ") + string.Join(", ", condition.Values);
        var text = $"{subject} {Verb(kind)} {values}";
        return withIfExists ? text + $" (or {condition.Key} is absent)" : text;
    }

    private static string Verb(ConditionOperatorKind kind) => kind switch
    {
        ConditionOperatorKind.StringEquals or ConditionOperatorKind.Bool or ConditionOperatorKind.BinaryEquals
            or ConditionOperatorKind.NumericEquals or ConditionOperatorKind.ArnEquals => "is",
        ConditionOperatorKind.StringNotEquals or ConditionOperatorKind.NumericNotEquals or ConditionOperatorKind.ArnNotEquals => "is not",
        ConditionOperatorKind.StringEqualsIgnoreCase => "is (ignoring case)",
        ConditionOperatorKind.StringNotEqualsIgnoreCase => "is not (ignoring case)",
        ConditionOperatorKind.StringLike or ConditionOperatorKind.ArnLike => "matches",
        ConditionOperatorKind.StringNotLike or ConditionOperatorKind.ArnNotLike => "does not match",
        ConditionOperatorKind.NumericLessThan => "is less than",
        ConditionOperatorKind.NumericLessThanEquals => "is at most",
        ConditionOperatorKind.NumericGreaterThan => "is greater than",
        ConditionOperatorKind.NumericGreaterThanEquals => "is at least",
        ConditionOperatorKind.DateEquals => "is the date",
        ConditionOperatorKind.DateNotEquals => "is not the date",
        ConditionOperatorKind.DateLessThan => "is before",
        ConditionOperatorKind.DateLessThanEquals => "is at or before",
        ConditionOperatorKind.DateGreaterThan => "is after",
        ConditionOperatorKind.DateGreaterThanEquals => "is at or after",
        ConditionOperatorKind.IpAddress => "is in",
        ConditionOperatorKind.NotIpAddress => "is not in",
        _ => "is",
    };
}
