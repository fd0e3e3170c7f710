using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// One thing the least-privilege audit found wrong, with why, through what (the cause) and how to fix it. Every
/// property a script or a fix needs is a plain value: <see cref="Principal"/> ("user/dave"), <see cref="Cause"/>
/// ("group/Developers"), the recommendation as a command.
/// </summary>
public sealed class Finding
{
    private object? state; // until explained: the rule's static way of wording it (a Func<Finding, FindingWords>); then the Explanation

    /// <summary>
    /// A finding of an audit. Its words (reason, cause, fix) are worked out when first read: they need the decision
    /// explained statement by statement, and a pass/fail check of thousands of findings reads none of them.
    /// <see cref="AuditRun.ExplainFindings"/> works them all out on every core before a report or the pipeline does.
    /// </summary>
    /// <remarks>
    /// <paramref name="explain"/> works the words out from the finding itself (its principal, access and run): a static
    /// lambda of the rule, one delegate for all its findings, rather than a closure per finding. A large account's
    /// audit makes tens of thousands of findings and reads the words of none when it only checks pass or fail.
    /// </remarks>
    internal Finding(AuditRule rule, Severity severity, AccessEntry? access, AccountPrincipal principal, Func<Finding, FindingWords> explain, AuditRun run)
        : this(rule, severity, principal.Type, principal.Name, principal.Arn, access?.Capability, access?.Decision ?? AuditDecision.Unknown, principal.Source.JsonPath, principal.Source.Line, run, principal.DisplayName)
    {
        Access = access;
        Subject = principal;
        state = explain;
    }

    private Finding(
        AuditRule rule,
        Severity severity,
        PrincipalType principalType,
        string principalName,
        string principalArn,
        string? capability,
        AuditDecision decision,
        string jsonPath,
        int line,
        AuditRun run,
        string? displayName = null)
    {
        Rule = rule;
        Severity = severity;
        PrincipalType = principalType;
        PrincipalName = principalName;
        PrincipalArn = principalArn;
        Principal = displayName ?? (principalType == PrincipalType.User ? "user/" : "role/") + principalName;
        Capability = capability;
        Decision = decision;
        JsonPath = jsonPath;
        Line = line;
        Run = run;
    }

    /// <summary>What a rule says of a finding, worked out together: the cause decides the fix, and both read the explanation.</summary>
    internal sealed record FindingWords(string Reason, string Recommendation, string Cause);

    private sealed record Explanation(FindingWords Words, JoinedList<string> Conditions, JoinedList<MatchedStatement> Evidence)
    {
        /// <summary>The evidence as text: made when first asked for (a released or restored finding keeps only this).</summary>
        public IReadOnlyList<string>? EvidenceText { get; set; }
    }

    private Explanation Explained
    {
        get
        {
            if (System.Threading.Volatile.Read(ref state) is Explanation known)
            {
                return known;
            }

            lock (this)
            {
                if (state is not Explanation)
                {
                    System.Threading.Volatile.Write(ref state, new Explanation(
                        ((Func<Finding, FindingWords>)state!)(this),
                        new JoinedList<string>((Access?.Conditions ?? []).ToList()),
                        new JoinedList<MatchedStatement>((Access?.Evidence ?? []).ToList())));
                }

                return (Explanation)state;
            }
        }
    }

    public string RuleId => Rule.Id;

    public AuditRule Rule { get; }

    public Severity Severity { get; }

    /// <summary>"user/dave", "role/deploy": the principal as the change cmdlets take it from the pipeline.</summary>
    public string Principal { get; }

    public PrincipalType PrincipalType { get; }

    public string PrincipalName { get; }

    public string PrincipalArn { get; }

    /// <summary>
    /// Through what the access arrives (or, for a missing or blocked access, where it is decided): "group/Developers",
    /// "policy arn:aws:iam::aws:policy/PowerUserAccess attached to user/dave", or the principal itself when nothing
    /// narrower is to blame; for a missing explicit deny (MG1005), the group where the deny goes. Findings with the
    /// same fix are fixed together (see the reports' fix plan).
    /// </summary>
    public string Cause => Explained.Words.Cause;

    /// <summary>The capability concerned; null for MG1007.</summary>
    public string? Capability { get; }

    /// <summary>The decision behind the finding; Unknown for MG1007.</summary>
    public AuditDecision Decision { get; }

    /// <summary>The conditions a conditional decision depends on (as text: joined with "; ").</summary>
    public JoinedList<string> Conditions => Explained.Conditions;

    /// <summary>A sentence a person understands.</summary>
    public string Reason => Explained.Words.Reason;

    /// <summary>The statements behind it: policy, Sid, group (as text: joined with "; ").</summary>
    public JoinedList<MatchedStatement> Evidence => Explained.Evidence;

    /// <summary>
    /// A MarketplaceGuard command (or, where none fits, an AWS.Tools one) that fixes it: at a group that holds no
    /// procurement or viewer principal when the access comes through one (or, for a missing explicit deny, when the
    /// principal is in one), else for the principal.
    /// </summary>
    public string Recommendation => Explained.Words.Recommendation;

    /// <summary>True when a suppression silences it.</summary>
    public bool Suppressed => Suppression is not null;

    public Suppression? Suppression { get; internal set; }

    /// <summary>Where the principal is described in the snapshot file.</summary>
    public string SourceFile => Run.Source;

    public int Line { get; }

    public string JsonPath { get; }

    /// <summary>The audit that produced it: account, declared principals, suppressions, matrix and totals.</summary>
    public AuditRun Run { get; }

    /// <summary>The 12-digit account of the principal (from the run; for an organization audit, the audited account).</summary>
    public string? AccountId => Run.AccountId;

    /// <summary>The account's name in the organization; null for an account audited on its own.</summary>
    public string? AccountName => Run.AccountName;

    /// <summary>The matrix cell behind it; null for MG1007, for a restored finding and once released.</summary>
    internal AccessEntry? Access { get; private set; }

    /// <summary>The principal's model; null for a restored finding and once released.</summary>
    internal AccountPrincipal? Subject { get; private set; }

    /// <summary>
    /// Lets go of the account model (see <see cref="AuditRun.Release"/>). The evidence stays: its statements name policies
    /// and groups, they hold no compiled policy.
    /// </summary>
    internal void Release()
    {
        _ = EvidenceText; // explains it first
        Access = null;
        Subject = null;
    }

    /// <summary>The evidence as the reports write it (a restored finding has only this text).</summary>
    internal IReadOnlyList<string> EvidenceText
    {
        get
        {
            var explanation = Explained;
            return explanation.EvidenceText ??= explanation.Evidence.Select(e => e.ToString()).ToList();
        }
    }

    /// <summary>
    /// A finding from the values a deserialized finding carries (Export-Clixml, jobs, remoting), added to
    /// <paramref name="run"/>. Throws <see cref="ArgumentException"/> when a value is missing or not valid.
    /// </summary>
    public static Finding Restore(
        AuditRun run,
        string ruleId,
        Severity severity,
        PrincipalType principalType,
        string principalName,
        string principalArn,
        string cause,
        string? capability,
        AuditDecision decision,
        IReadOnlyList<string> conditions,
        string reason,
        IReadOnlyList<string> evidence,
        string recommendation,
        Suppression? suppression,
        string jsonPath,
        int line)
    {
        ArgumentNullException.ThrowIfNull(run);
        var rule = AuditRules.Find(ruleId) ?? throw new ArgumentException($"'{ruleId}' is not a rule id.", nameof(ruleId));
        if (!Enum.IsDefined(severity) || !Enum.IsDefined(principalType) || !Enum.IsDefined(decision))
        {
            throw new ArgumentException("The severity, principal type or decision is not one of its values.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(principalName);
        ArgumentException.ThrowIfNullOrWhiteSpace(principalArn);
        ArgumentException.ThrowIfNullOrWhiteSpace(cause);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentException.ThrowIfNullOrWhiteSpace(recommendation);
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(jsonPath);
        ArgumentOutOfRangeException.ThrowIfNegative(line);
        var finding = new Finding(rule, severity, principalType, principalName, principalArn, capability, decision, jsonPath, line, run)
        {
            Suppression = suppression,
        };
        finding.state = new Explanation(new FindingWords(reason, recommendation, cause), new JoinedList<string>(conditions.ToList()), new JoinedList<MatchedStatement>([]))
        {
            EvidenceText = evidence,
        };
        run.Add(finding);
        return finding;
    }

    public override string ToString() => $"{RuleId} {Severity} {Principal}: {Reason}";
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
