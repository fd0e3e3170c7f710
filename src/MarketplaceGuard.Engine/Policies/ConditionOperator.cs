using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.Engine.Policies;

/// <summary>The condition operators of the IAM policy language, without the IfExists suffix or a set qualifier.</summary>
public enum ConditionOperatorKind
{
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// <summary>How a condition treats a multi-valued context key.</summary>
public enum SetQualifier
{
    /// <summary>No qualifier: the key is treated as single-valued.</summary>
    None,

    /// <summary><c>ForAllValues:</c> every request value must match (true when the key is absent or empty).</summary>
    ForAllValues,

    /// <summary><c>ForAnyValue:</c> at least one request value must match (false when the key is absent or empty).</summary>
    ForAnyValue,
}

/// <summary>
/// A parsed condition operator such as <c>ForAnyValue:StringLikeIfExists</c>: the base operator, whether it ends in
/// <c>IfExists</c>, and its set qualifier. Names are matched case-insensitively (an audit tool must not reject a
/// document IAM may have accepted); <see cref="Name"/> is always the documented spelling.
/// </summary>
public readonly record struct ConditionOperator(ConditionOperatorKind Kind, bool IfExists, SetQualifier Qualifier)
{
    private const string IfExistsSuffix = "IfExists";

    private static readonly Dictionary<string, ConditionOperatorKind> KindsByName =
        Enum.GetValues<ConditionOperatorKind>().ToDictionary(k => k.ToString(), StringComparer.OrdinalIgnoreCase);

    /// <summary>The documented spelling, e.g. <c>ForAnyValue:StringLikeIfExists</c>.</summary>
    public string Name =>
        (Qualifier == SetQualifier.None ? string.Empty : Qualifier + ":") + Kind + (IfExists ? IfExistsSuffix : string.Empty);

    /// <summary>True for operators whose values must all fail to match (StringNotEquals, ArnNotLike, NotIpAddress, ...).</summary>
    public bool IsNegated => Kind is ConditionOperatorKind.StringNotEquals or ConditionOperatorKind.StringNotEqualsIgnoreCase
        or ConditionOperatorKind.StringNotLike or ConditionOperatorKind.NumericNotEquals or ConditionOperatorKind.DateNotEquals
        or ConditionOperatorKind.NotIpAddress or ConditionOperatorKind.ArnNotEquals or ConditionOperatorKind.ArnNotLike;

    /// <summary>True where IAM substitutes policy variables in condition values (String and ARN operators only).</summary>
    public bool SupportsPolicyVariables => Kind is ConditionOperatorKind.StringEquals or ConditionOperatorKind.StringNotEquals
        or ConditionOperatorKind.StringEqualsIgnoreCase or ConditionOperatorKind.StringNotEqualsIgnoreCase
        or ConditionOperatorKind.StringLike or ConditionOperatorKind.StringNotLike
        or ConditionOperatorKind.ArnEquals or ConditionOperatorKind.ArnLike
        or ConditionOperatorKind.ArnNotEquals or ConditionOperatorKind.ArnNotLike;

    /// <summary>All base operator names, for error messages.</summary>
    public static IEnumerable<string> KnownNames => Enum.GetNames<ConditionOperatorKind>();

    /// <summary>Parses an operator name; null when it is not one IAM knows (the reason is in <paramref name="problem"/>).</summary>
    public static ConditionOperator? TryParse(string text, out string? problem)
    {
        problem = null;
        var rest = text;
        var qualifier = SetQualifier.None;
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            var prefix = rest[..colon];
            if (prefix.Equals(nameof(SetQualifier.ForAllValues), StringComparison.OrdinalIgnoreCase))
            {
                qualifier = SetQualifier.ForAllValues;
            }
            else if (prefix.Equals(nameof(SetQualifier.ForAnyValue), StringComparison.OrdinalIgnoreCase))
            {
                qualifier = SetQualifier.ForAnyValue;
            }
            else
            {
                problem = $"unknown set qualifier '{prefix}' (use ForAllValues or ForAnyValue)";
                return null;
            }

            rest = rest[(colon + 1)..];
        }

        var ifExists = false;
        if (!KindsByName.ContainsKey(rest) && rest.EndsWith(IfExistsSuffix, StringComparison.OrdinalIgnoreCase))
        {
            ifExists = true;
            rest = rest[..^IfExistsSuffix.Length];
        }

        if (!KindsByName.TryGetValue(rest, out var kind))
        {
            problem = $"unknown condition operator '{text}'";
            return null;
        }

        if (kind == ConditionOperatorKind.Null && (ifExists || qualifier != SetQualifier.None))
        {
            problem = $"'{text}' is not allowed: the Null operator takes no IfExists suffix and no set qualifier";
            return null;
        }

        return new ConditionOperator(kind, ifExists, qualifier);
    }
}
