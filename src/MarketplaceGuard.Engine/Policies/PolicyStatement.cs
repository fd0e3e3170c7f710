using System.Collections.Generic;

namespace MarketplaceGuard.Engine.Policies;

public enum PolicyEffect
{
    Allow,
    Deny,
}

/// <summary>
/// One statement of a policy document. <see cref="Actions"/> holds the values of <c>Action</c>, or of
/// <c>NotAction</c> when <see cref="IsNotAction"/>; likewise for resources. A single string in the JSON is a
/// one-element list here: IAM treats both shapes the same.
/// </summary>
public sealed class PolicyStatement
{
    public PolicyStatement(
        int index,
        string? sid,
        PolicyEffect effect,
        bool isNotAction,
        IReadOnlyList<string> actions,
        bool isNotResource,
        IReadOnlyList<string> resources,
        IReadOnlyList<PolicyCondition> conditions)
    {
        Index = index;
        Sid = sid;
        Effect = effect;
        IsNotAction = isNotAction;
        Actions = actions;
        IsNotResource = isNotResource;
        Resources = resources;
        Conditions = conditions;
    }

    /// <summary>Zero-based position of the statement in its document.</summary>
    public int Index { get; }

    public string? Sid { get; }

    public PolicyEffect Effect { get; }

    public bool IsNotAction { get; }

    public IReadOnlyList<string> Actions { get; }

    public bool IsNotResource { get; }

    public IReadOnlyList<string> Resources { get; }

    /// <summary>The condition clauses; all must hold (AND). Empty when the statement has no Condition.</summary>
    public IReadOnlyList<PolicyCondition> Conditions { get; }

    public string ActionElementName => IsNotAction ? "NotAction" : "Action";

    public string ResourceElementName => IsNotResource ? "NotResource" : "Resource";

    /// <summary>A label for explanations: the Sid when there is one, else the position.</summary>
    public string DisplayName => Sid is { Length: > 0 } ? $"statement {Index} (Sid {Sid})" : $"statement {Index}";
}

/// <summary>
/// One clause of a Condition block: an operator applied to a context key with one or more values (values OR, or
/// none-may-match for negated operators). JSON numbers and booleans are kept as their text, as IAM compares them.
/// </summary>
public sealed class PolicyCondition
{
    public PolicyCondition(ConditionOperator @operator, string key, IReadOnlyList<string> values)
    {
        Operator = @operator;
        Key = key;
        Values = values;
    }

    public ConditionOperator Operator { get; }

    /// <summary>The context key as written; IAM compares key names case-insensitively.</summary>
    public string Key { get; }

    public IReadOnlyList<string> Values { get; }

    /// <summary>How an audit words the condition from an allow and from a deny, built once (conditions are shared).</summary>
    internal string? AllowSentence { get; set; }

    internal string? DenySentence { get; set; }
}
