using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>What IAM decides for one concrete request.</summary>
public enum Decision
{
    Allowed,
    ImplicitDeny,
    ExplicitDeny,
}

/// <summary>What an audit concludes when part of the request context is unknown.</summary>
public enum AuditDecision
{
    /// <summary>Allowed in every context.</summary>
    Allowed,

    /// <summary>Allowed in some contexts: see the gating conditions.</summary>
    ConditionallyAllowed,

    /// <summary>Denied in every context, by an explicit deny that always applies.</summary>
    ExplicitDeny,

    /// <summary>Denied in every context because nothing (or not every required layer) allows it.</summary>
    ImplicitDeny,

    /// <summary>
    /// The audit cannot tell: a policy of the principal could not be read (the evaluator itself never answers this).
    /// </summary>
    Unknown,
}

/// <summary>A statement that took part in a decision.</summary>
public sealed class MatchedStatement
{
    internal MatchedStatement(NamedPolicy policy, PolicyLayer layer, int level, CompiledStatement statement)
    {
        PolicyName = policy.Name;
        Via = policy.Via;
        Layer = layer;
        Level = level;
        StatementIndex = statement.Source.Index;
        Sid = statement.Source.Sid;
        Effect = statement.Effect;
    }

    public string PolicyName { get; }

    /// <summary>How the policy reaches the principal (e.g. "group Everyone"), or null.</summary>
    public string? Via { get; }

    public PolicyLayer Layer { get; }

    /// <summary>The SCP level (1 = organization root), 0 for other layers.</summary>
    public int Level { get; }

    public int StatementIndex { get; }

    public string? Sid { get; }

    public PolicyEffect Effect { get; }

    /// <summary>The gating condition of one of the statement's conditions, one object per condition.</summary>
    internal GatingCondition Gate(Policies.PolicyCondition condition)
    {
        var known = gates ?? System.Threading.Interlocked.CompareExchange(ref gates, new(ReferenceEqualityComparer.Instance), null) ?? gates;
        return known.GetOrAdd(condition, static (c, statement) => new GatingCondition(statement, (Policies.PolicyCondition)c), this);
    }

    private System.Collections.Concurrent.ConcurrentDictionary<object, GatingCondition>? gates;

    /// <summary>True when both name the same statement reached the same way.</summary>
    public bool Describes(MatchedStatement other) =>
        StatementIndex == other.StatementIndex && Layer == other.Layer && Level == other.Level && Effect == other.Effect
        && string.Equals(PolicyName, other.PolicyName, System.StringComparison.Ordinal) && string.Equals(Via, other.Via, System.StringComparison.Ordinal);

    /// <summary>"Allow PowerUserAccess statement 0 via group Developers" (built once: evidence objects are shared).</summary>
    public override string ToString() => text ??= Describe();

    private string? text;

    private string Describe()
    {
        var statement = Sid is { Length: > 0 } ? $"statement {StatementIndex} (Sid {Sid})" : $"statement {StatementIndex}";
        if (Layer == PolicyLayer.ServiceControlPolicy)
        {
            // An SCP reaches the account through the node it is attached to: "Deny SCP DenyMarketplace statement 0 attached to OU Sandbox (ou-…)".
            return $"{Effect} SCP {PolicyName} {statement}" + (Via is null ? string.Empty : $" attached to {Via}");
        }

        var via = Via is null ? string.Empty : $" via {Via}";
        return $"{Effect} {PolicyName} {statement}{via}";
    }
}

/// <summary>The decision for one concrete request, and the statements that decided it.</summary>
public sealed class EvaluationResult
{
    private readonly PolicySet policies;
    private readonly Tristate[] layerAllows;
    private string? reason;

    internal EvaluationResult(string action, string resource, Decision decision, IReadOnlyList<MatchedStatement> matchedStatements, PolicySet policies, Tristate[] layerAllows)
    {
        Action = action;
        Resource = resource;
        Decision = decision;
        MatchedStatements = matchedStatements;
        this.policies = policies;
        this.layerAllows = layerAllows;
    }

    public string Action { get; }

    /// <summary>The resource as evaluated ("*" for actions without resource types).</summary>
    public string Resource { get; }

    public Decision Decision { get; }

    /// <summary>The deny statements that matched (explicit deny), or the allows that granted it.</summary>
    public IReadOnlyList<MatchedStatement> MatchedStatements { get; }

    /// <summary>Why, in words (built when first read: audits of large accounts rarely read most of them).</summary>
    public string Reason => reason ??= Decision switch
    {
        Decision.ExplicitDeny => "explicitly denied by " + string.Join("; ", MatchedStatements),
        Decision.Allowed => "allowed by " + string.Join("; ", MatchedStatements),
        _ => "implicitly denied: " + string.Join("; ", policies.Layers.Where((_, i) => layerAllows[i] != Tristate.True).Select(l => l.Describe())),
    };

    public override string ToString() => $"{Action} on {Resource}: {Decision} ({Reason})";
}

/// <summary>The verdict of "can this principal ever do this?", with the conditions that gate it.</summary>
public sealed class AuditResult
{
    private readonly PolicySet policies;
    private readonly Tristate[] layerAllows;
    private string? reason;

    internal AuditResult(string action, string resource, AuditDecision decision, IReadOnlyList<MatchedStatement> matchedStatements, IReadOnlyList<GatingCondition> gatingConditions, PolicySet policies, Tristate[] layerAllows)
    {
        Action = action;
        Resource = resource;
        Decision = decision;
        MatchedStatements = matchedStatements;
        GatingConditions = gatingConditions;
        this.policies = policies;
        this.layerAllows = layerAllows;
    }

    public string Action { get; }

    public string Resource { get; }

    public AuditDecision Decision { get; }

    /// <summary>The statements that allow or deny it (always, or in some contexts).</summary>
    public IReadOnlyList<MatchedStatement> MatchedStatements { get; }

    /// <summary>For <see cref="AuditDecision.ConditionallyAllowed"/>: the conditions on which it depends.</summary>
    public IReadOnlyList<GatingCondition> GatingConditions { get; }

    /// <summary>Why, in words (built when first read).</summary>
    public string Reason => reason ??= Decision switch
    {
        AuditDecision.ExplicitDeny => "always explicitly denied by " + string.Join("; ", MatchedStatements),
        AuditDecision.Allowed => "always allowed by " + string.Join("; ", MatchedStatements),
        AuditDecision.ImplicitDeny => "never allowed: " + string.Join("; ", policies.Layers.Where((_, i) => layerAllows[i] == Tristate.False).Select(l => l.Describe())),
        _ => "allowed only in some contexts: " + string.Join("; ", GatingConditions.Select(c => c.Description).Distinct()),
    };

    /// <summary>
    /// For an implicit deny that service control policies decide: the levels whose SCPs allow nothing of it ("no SCP
    /// attached to OU Sandbox (ou-…) allows it"); empty when the SCPs are not why.
    /// </summary>
    public IReadOnlyList<string> ServiceControlPolicyGaps => Decision != AuditDecision.ImplicitDeny
        ? []
        : policies.Layers.Where((l, i) => l.Kind == PolicyLayer.ServiceControlPolicy && layerAllows[i] == Tristate.False).Select(l => l.Describe()).ToList();

    public override string ToString() => $"{Action} on {Resource}: {Decision} ({Reason})";
}
