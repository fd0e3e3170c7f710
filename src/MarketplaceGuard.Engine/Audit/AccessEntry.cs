using System;
using System.Collections.Generic;
using System.Threading;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>Whether a principal holds a capability; one cell of the who-can matrix.</summary>
public sealed class AccessEntry
{
    // How to explain the decision, dropped once used: an analyzer's entry keeps the analyzer's plan (shared by every
    // entry of the same requests and paths), which works the requests' decisions out again, no closure or array per
    // cell of the matrix; an entry made of other entries, a function. Once explained, what was worked out, in one object: a matrix has tens of
    // thousands of entries and explains few, so the fields an entry carries until then are kept to a minimum.
    private object state; // until explained: ExplainPlan or Func<Details>; then the Explanation (one field for both)
    private Extras? extras; // what few entries carry: an organization run's account, a launch through a role

    private sealed class Extras
    {
        public string? AccountName { get; set; }

        public bool? ServiceControlPoliciesConsidered { get; set; }

        public string? Through { get; set; }

        public AccountPrincipal? ThroughRole { get; set; }
    }

    internal AccessEntry(AccountPrincipal principal, Capability capability, AuditDecision decision, ExplainPlan plan)
    {
        Principal = principal;
        CapabilityDefinition = capability;
        Decision = decision;
        state = plan;
    }

    internal AccessEntry(AccountPrincipal principal, Capability capability, AuditDecision decision, IReadOnlyList<string> conditions, IReadOnlyList<MatchedStatement> evidence, IReadOnlyList<RequestResult> deciding)
    {
        Principal = principal;
        CapabilityDefinition = capability;
        Decision = decision;
        state = (Func<Details>)(() => new Details(conditions, evidence, deciding.Select(r => r.Request).ToArray(), () => deciding));
    }

    /// <summary>What an analyzer needs to explain its entries of the same requests and paths.</summary>
    internal sealed record ExplainPlan(AccessAnalyzer Analyzer, IReadOnlyList<AccessRequest> Requests, IReadOnlyList<int[]> Paths);

    private sealed class Explanation(Details details)
    {
        public Details Details { get; } = details;

        public IReadOnlyList<RequestResult>? Deciding { get; set; }

        public string? Reason { get; set; }
    }

    /// <summary>
    /// What explains a decision: the conditions it depends on, the statements, the requests that decided it, and how to
    /// evaluate those again with reasons (kept as a function: an audit reports thousands of entries and reads few
    /// per-request reasons, so the evaluations are not kept alive with the entry).
    /// </summary>
    internal sealed record Details(
        IReadOnlyList<string> Conditions,
        IReadOnlyList<MatchedStatement> Evidence,
        IReadOnlyList<AccessRequest> DecidingRequests,
        Func<IReadOnlyList<RequestResult>> ExplainDeciding);

    private Explanation Explained
    {
        get
        {
            if (Volatile.Read(ref state) is Explanation known)
            {
                return known;
            }

            lock (this)
            {
                if (state is not Explanation)
                {
                    var details = state is ExplainPlan plan
                        ? plan.Analyzer.Explain(Principal, plan.Requests, plan.Paths)
                        : ((Func<Details>)state)();
                    Volatile.Write(ref state, new Explanation(details));
                }

                return (Explanation)state;
            }
        }
    }

    public AccountPrincipal Principal { get; }

    public PrincipalType PrincipalType => Principal.Type;

    public string PrincipalName => Principal.Name;

    public string PrincipalArn => Principal.Arn;

    /// <summary>The principal's 12-digit account.</summary>
    public string? AccountId => Principal.AccountId;

    /// <summary>The account's name in the organization (organization runs); null for an account read on its own.</summary>
    public string? AccountName
    {
        get => extras?.AccountName;
        set => (extras ??= new()).AccountName = value;
    }

    /// <summary>
    /// In an organization run, whether the account's SCPs were applied to this decision (false when the organization
    /// could not be read: an SCP may deny what this entry allows); null for an account read on its own.
    /// </summary>
    public bool? ServiceControlPoliciesConsidered
    {
        get => extras?.ServiceControlPoliciesConsidered;
        set => (extras ??= new()).ServiceControlPoliciesConsidered = value;
    }

    /// <summary>
    /// The capability's name (Procure, Cancel ...). A string, so that PowerShell compares it as a name:
    /// <c>Where-Object Capability -eq Procure</c>, also on deserialized entries and in CSV.
    /// </summary>
    public string Capability => CapabilityDefinition.Name;

    /// <summary>The capability itself: its rule, description and the actions of each path.</summary>
    public Capability CapabilityDefinition { get; }

    /// <summary>Allowed, ConditionallyAllowed, ExplicitDeny, ImplicitDeny, or Unknown when a policy could not be read.</summary>
    public AuditDecision Decision { get; }

    /// <summary>For a conditional decision: the conditions it depends on, as sentences.</summary>
    public IReadOnlyList<string> Conditions => Explained.Details.Conditions;

    /// <summary>
    /// For a capability held only by passing a role to a service that acts for the principal (Rule 2): the role and the
    /// service, e.g. "role/deploy through cloudformation.amazonaws.com"; null otherwise.
    /// </summary>
    public string? Through
    {
        get => extras?.Through;
        init => (extras ??= new()).Through = value;
    }

    /// <summary>The role of <see cref="Through"/>.</summary>
    internal AccountPrincipal? ThroughRole
    {
        get => extras?.ThroughRole;
        init => (extras ??= new()).ThroughRole = value;
    }

    /// <summary>The statements that decided it, each with its policy, Sid and the group it comes through.</summary>
    public IReadOnlyList<MatchedStatement> Evidence => Explained.Details.Evidence;

    /// <summary>The evaluations of the requests that decided it (for an allow: every request of the allowing path).</summary>
    internal IReadOnlyList<RequestResult> Deciding
    {
        get
        {
            var explanation = Explained;
            return explanation.Deciding ??= explanation.Details.ExplainDeciding();
        }
    }

    /// <summary>The requests that decided it (see <see cref="Deciding"/>).</summary>
    internal IReadOnlyList<AccessRequest> DecidingRequests => Explained.Details.DecidingRequests;

    /// <summary>Why, per request (built when first read: most cells of a large matrix are never shown).</summary>
    public string Reason => Decision == AuditDecision.Unknown
        ? "cannot be judged: " + string.Join("; ", Principal.Problems)
        : Explained.Reason ??= string.Join("; ", Deciding.Select(r => $"{r.Request.Label}: {r.Result.Reason}"));

    public override string ToString() => $"{Principal.DisplayName} {Capability}: {Decision}";
}
