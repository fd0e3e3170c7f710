using System;
using System.Collections.Generic;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>One thing the least-privilege audit found wrong, with why and how to fix it.</summary>
public sealed class Finding
{
    internal Finding(AuditRule rule, Severity severity, AccessEntry? access, AccountPrincipal principal, string reason, string recommendation, AuditRun run)
    {
        Rule = rule;
        Severity = severity;
        Access = access;
        Principal = principal;
        Reason = reason;
        Recommendation = recommendation;
        Run = run;
    }

    public string RuleId => Rule.Id;

    public AuditRule Rule { get; }

    public Severity Severity { get; }

    public PrincipalType PrincipalType => Principal.Type;

    public string PrincipalName => Principal.Name;

    public string PrincipalArn => Principal.Arn;

    /// <summary>The capability concerned; null for MG1007.</summary>
    public string? Capability => Access?.Capability;

    /// <summary>The decision behind the finding; Unknown for MG1007.</summary>
    public AuditDecision Decision => Access?.Decision ?? AuditDecision.Unknown;

    /// <summary>The conditions a conditional decision depends on.</summary>
    public IReadOnlyList<string> Conditions => Access?.Conditions ?? [];

    /// <summary>A sentence a person understands.</summary>
    public string Reason { get; }

    /// <summary>The statements behind it (policy, Sid, group).</summary>
    public IReadOnlyList<MatchedStatement> Evidence => Access?.Evidence ?? [];

    /// <summary>A MarketplaceGuard command (or, where none fits, an AWS.Tools one) that fixes it.</summary>
    public string Recommendation { get; }

    /// <summary>True when a suppression silences it.</summary>
    public bool Suppressed => Suppression is not null;

    public Suppression? Suppression { get; internal set; }

    /// <summary>Where the principal is described in the snapshot file.</summary>
    public string SourceFile => Run.Source;

    public int Line => Principal.Source.Line;

    public string JsonPath => Principal.Source.JsonPath;

    internal AccessEntry? Access { get; }

    internal AccountPrincipal Principal { get; }

    /// <summary>The audit that produced it (for reports: matrix, totals).</summary>
    internal AuditRun Run { get; }

    public override string ToString() => $"{RuleId} {Severity} {Principal.DisplayName}: {Reason}";
}

/// <summary>
/// Silences a finding on purpose: a rule id, a principal pattern (name or ARN, wildcards), why, and until when. An
/// expired suppression no longer applies.
/// </summary>
public sealed class Suppression
{
    public Suppression(string ruleId, string principal, string justification, DateOnly expires)
    {
        RuleId = ruleId;
        Principal = principal;
        Justification = justification;
        Expires = expires;
    }

    public string RuleId { get; }

    public string Principal { get; }

    public string Justification { get; }

    /// <summary>The last day it applies.</summary>
    public DateOnly Expires { get; }

    public bool IsExpired(DateOnly today) => today > Expires;

    public override string ToString() => $"{RuleId} {Principal} until {Expires:yyyy-MM-dd}: {Justification}";
}
