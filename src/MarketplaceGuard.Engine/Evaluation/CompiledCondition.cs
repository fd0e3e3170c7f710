using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// One condition clause, compiled: the policy values are parsed once for their operator family (globs, numbers,
/// dates, CIDR blocks, ARN patterns). Evaluation is three-valued; it is exact IAM semantics when every key is known:
/// <list type="bullet">
/// <item>several policy values OR; with a negated operator (StringNotEquals, NotIpAddress ...) none may match;</item>
/// <item>a key absent from the request makes a positive operator false and a negated one true; <c>...IfExists</c>
/// makes any operator true; <c>Null</c> tests presence;</item>
/// <item><c>ForAnyValue:</c> some request value must satisfy the operator (false when the key is absent),
/// <c>ForAllValues:</c> every request value (true when the key is absent or its list empty);</item>
/// <item>a single-valued operator on a key with two or more values is false, as in the independent evaluator
/// iam-simulate: IAM expects a set operator there.</item>
/// </list>
/// </summary>
public sealed class CompiledCondition
{
    private readonly ConditionFamily family;
    private readonly string[] strings;
    private readonly Glob[]? globs;
    private readonly double?[]? numbers;
    private readonly long?[]? dates;
    private readonly IpRange?[]? ranges;
    private readonly ArnPattern[]? arns;
    private readonly byte[]?[]? binaries;
    private readonly bool?[]? booleans;
    private readonly bool nullHoldsIfAbsent;
    private readonly bool nullHoldsIfPresent;
    private readonly bool matchesAnyValue; // StringLike "*": true for every value a present key can have

    private readonly ContextKey key;

    public CompiledCondition(PolicyCondition source, bool variables, PatternCache patterns)
    {
        Source = source;
        key = ContextKey.Of(source.Key);
        var op = source.Operator;
        family = FamilyOf(op.Kind);
        strings = source.Values.ToArray();
        var useVariables = variables && op.SupportsPolicyVariables;
        switch (family)
        {
            case ConditionFamily.String:
                // A loop: a lambda here would capture three locals, a closure for every condition of an account.
                var wildcards = op.Kind is ConditionOperatorKind.StringLike or ConditionOperatorKind.StringNotLike;
                globs = new Glob[strings.Length];
                for (var i = 0; i < globs.Length; i++)
                {
                    globs[i] = patterns.Glob(strings[i], wildcards, useVariables);
                }

                matchesAnyValue = Array.Exists(globs, g => g.IsMatchAll);
                break;
            case ConditionFamily.Numeric:
                numbers = strings.Select(ConditionValues.ParseNumber).ToArray();
                break;
            case ConditionFamily.Date:
                dates = strings.Select(ConditionValues.ParseDate).ToArray();
                break;
            case ConditionFamily.Ip:
                ranges = strings.Select(v => IpRange.TryParse(v, out var r) ? r : (IpRange?)null).ToArray();
                break;
            case ConditionFamily.Arn:
                arns = new ArnPattern[strings.Length];
                for (var i = 0; i < arns.Length; i++)
                {
                    arns[i] = patterns.Arn(strings[i], useVariables, variablesInResourceOnly: false);
                }

                break;
            case ConditionFamily.Binary:
                binaries = strings.Select(ConditionValues.ParseBase64).ToArray();
                break;
            case ConditionFamily.Bool:
            case ConditionFamily.Null:
                booleans = strings.Select(ConditionValues.ParseBool).ToArray();
                nullHoldsIfAbsent = booleans.Contains(true);
                nullHoldsIfPresent = booleans.Contains(false);
                break;
        }
    }

    public PolicyCondition Source { get; }

    public ConditionOperator Operator => Source.Operator;

    public string Key => Source.Key;

    /// <summary>The keys the clause reads: its own, and those of the policy variables in its values.</summary>
    internal IEnumerable<ContextKey> ReferencedKeys =>
        new[] { key }
            .Concat(globs?.SelectMany(g => g.VariableKeys) ?? [])
            .Concat(arns?.SelectMany(a => a.VariableKeys) ?? []);

    /// <summary>Evaluates the clause against a request context.</summary>
    public Tristate Evaluate(RequestContext context)
    {
        var op = Source.Operator;
        var state = context.Lookup(key, out var value);

        if (family == ConditionFamily.Null)
        {
            return EvaluateNull(state == KeyState.Unknown && context.IsKnownPresent(key) ? KeyState.Present : state);
        }

        if (state == KeyState.Unknown)
        {
            // A key known to be present, value unknown: only a pattern every value matches ("*") is settled.
            return matchesAnyValue && op.Qualifier == SetQualifier.None && context.IsKnownPresent(key)
                ? TristateLogic.From(!op.IsNegated)
                : Tristate.Unknown;
        }

        if (state == KeyState.Absent)
        {
            if (op.IfExists)
            {
                return Tristate.True;
            }

            return op.Qualifier switch
            {
                SetQualifier.ForAllValues => Tristate.True,
                SetQualifier.ForAnyValue => Tristate.False,
                _ => TristateLogic.From(op.IsNegated),
            };
        }

        var count = value!.Values.Count;
        switch (op.Qualifier)
        {
            case SetQualifier.ForAnyValue:
            {
                var any = Tristate.False;
                for (var i = 0; i < count && any != Tristate.True; i++)
                {
                    any = TristateLogic.Or(any, EvaluateOne(value, i, context));
                }

                return any;
            }

            case SetQualifier.ForAllValues:
            {
                var all = Tristate.True;
                for (var i = 0; i < count && all != Tristate.False; i++)
                {
                    all = TristateLogic.And(all, EvaluateOne(value, i, context));
                }

                return all;
            }

            default:
                return count == 1 ? EvaluateOne(value, 0, context) : Tristate.False;
        }
    }

    private Tristate EvaluateNull(KeyState state)
    {
        // Null: "true" holds when the key is absent, "false" when it is present; several values OR.
        return state switch
        {
            KeyState.Absent => TristateLogic.From(nullHoldsIfAbsent),
            KeyState.Present => TristateLogic.From(nullHoldsIfPresent),
            _ => nullHoldsIfAbsent && nullHoldsIfPresent ? Tristate.True
                : !nullHoldsIfAbsent && !nullHoldsIfPresent ? Tristate.False
                : Tristate.Unknown,
        };
    }

    /// <summary>The operator applied to one request value: any policy value matches, or none for negated operators.</summary>
    private Tristate EvaluateOne(ContextValue value, int index, RequestContext context)
    {
        var any = Tristate.False;
        for (var v = 0; v < strings.Length && any != Tristate.True; v++)
        {
            any = TristateLogic.Or(any, Compare(value, index, v, context));
        }

        return Source.Operator.IsNegated ? TristateLogic.Not(any) : any;
    }

    /// <summary>The positive form of the operator (StringNotEquals compares as StringEquals) on one pair of values.</summary>
    private Tristate Compare(ContextValue value, int index, int policyIndex, RequestContext context)
    {
        var requestText = value.Values[index];
        switch (family)
        {
            case ConditionFamily.String:
                var comparison = Source.Operator.Kind is ConditionOperatorKind.StringEqualsIgnoreCase or ConditionOperatorKind.StringNotEqualsIgnoreCase
                    ? StringComparison.OrdinalIgnoreCase
                    : StringComparison.Ordinal;
                return globs![policyIndex].Match(requestText, comparison, context);
            case ConditionFamily.Numeric:
                return TristateLogic.From(value.Number(index) is { } n && numbers![policyIndex] is { } p && CompareOrdered(n.CompareTo(p)));
            case ConditionFamily.Date:
                return TristateLogic.From(value.Date(index) is { } d && dates![policyIndex] is { } pd && CompareOrdered(d.CompareTo(pd)));
            case ConditionFamily.Bool:
                return TristateLogic.From(ConditionValues.ParseBool(requestText) is { } b && booleans![policyIndex] == b);
            case ConditionFamily.Binary:
                return TristateLogic.From(value.Binary(index) is { } bytes && binaries![policyIndex] is { } pb && bytes.AsSpan().SequenceEqual(pb));
            case ConditionFamily.Ip:
                return TristateLogic.From(value.Address(index) is { } address && ranges![policyIndex] is { } range && range.Contains(address));
            case ConditionFamily.Arn:
                return arns![policyIndex].Match(requestText, context);
            default:
                return Tristate.False;
        }
    }

    /// <summary>request ⋄ policy for the ordered operators; "Equals" and "NotEquals" compare as equality.</summary>
    private bool CompareOrdered(int sign) => Source.Operator.Kind switch
    {
        ConditionOperatorKind.NumericLessThan or ConditionOperatorKind.DateLessThan => sign < 0,
        ConditionOperatorKind.NumericLessThanEquals or ConditionOperatorKind.DateLessThanEquals => sign <= 0,
        ConditionOperatorKind.NumericGreaterThan or ConditionOperatorKind.DateGreaterThan => sign > 0,
        ConditionOperatorKind.NumericGreaterThanEquals or ConditionOperatorKind.DateGreaterThanEquals => sign >= 0,
        _ => sign == 0,
    };

    private static ConditionFamily FamilyOf(ConditionOperatorKind kind) => kind switch
    {
        ConditionOperatorKind.StringEquals or ConditionOperatorKind.StringNotEquals or ConditionOperatorKind.StringEqualsIgnoreCase
            or ConditionOperatorKind.StringNotEqualsIgnoreCase or ConditionOperatorKind.StringLike or ConditionOperatorKind.StringNotLike => ConditionFamily.String,
        ConditionOperatorKind.NumericEquals or ConditionOperatorKind.NumericNotEquals or ConditionOperatorKind.NumericLessThan
            or ConditionOperatorKind.NumericLessThanEquals or ConditionOperatorKind.NumericGreaterThan or ConditionOperatorKind.NumericGreaterThanEquals => ConditionFamily.Numeric,
        ConditionOperatorKind.DateEquals or ConditionOperatorKind.DateNotEquals or ConditionOperatorKind.DateLessThan
            or ConditionOperatorKind.DateLessThanEquals or ConditionOperatorKind.DateGreaterThan or ConditionOperatorKind.DateGreaterThanEquals => ConditionFamily.Date,
        ConditionOperatorKind.Bool => ConditionFamily.Bool,
        ConditionOperatorKind.BinaryEquals => ConditionFamily.Binary,
        ConditionOperatorKind.IpAddress or ConditionOperatorKind.NotIpAddress => ConditionFamily.Ip,
        ConditionOperatorKind.ArnEquals or ConditionOperatorKind.ArnLike or ConditionOperatorKind.ArnNotEquals or ConditionOperatorKind.ArnNotLike => ConditionFamily.Arn,
        _ => ConditionFamily.Null,
    };

    private enum ConditionFamily : byte
    {
        String,
        Numeric,
        Date,
        Bool,
        Binary,
        Ip,
        Arn,
        Null,
    }
}
