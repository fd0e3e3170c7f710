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
    // How to explain the decision, dropped once used: an analyzer's entry keeps what the analyzer needs (the requests,
    // paths and their decisions: no closure per cell of the matrix); an entry made of other entries, a function.
    private AccessAnalyzer? analyzer;
    private IReadOnlyList<AccessRequest>? requests;
    private IReadOnlyList<int[]>? paths;
    private AuditDecision[]? decisions;
    private Func<Details>? explain;
    private Details? details;
    private string? reason;

    internal AccessEntry(AccountPrincipal principal, Capability capability, AuditDecision decision, AccessAnalyzer analyzer, IReadOnlyList<AccessRequest> requests, IReadOnlyList<int[]> paths, AuditDecision[] decisions)
    {
        Principal = principal;
        CapabilityDefinition = capability;
        Decision = decision;
        this.analyzer = analyzer;
        this.requests = requests;
        this.paths = paths;
        this.decisions = decisions;
    }

    internal AccessEntry(AccountPrincipal principal, Capability capability, AuditDecision decision, IReadOnlyList<string> conditions, IReadOnlyList<MatchedStatement> evidence, IReadOnlyList<RequestResult> deciding)
    {
        Principal = principal;
        CapabilityDefinition = capability;
        Decision = decision;
        explain = () => new Details(conditions, evidence, deciding.Select(r => r.Request).ToArray(), () => deciding);
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

    private Details Explained
    {
        get
        {
            if (Volatile.Read(ref details) is { } known)
            {
                return known;
            }

            lock (this)
            {
                if (details is null)
                {
                    details = explain is not null ? explain() : analyzer!.Explain(Principal, requests!, paths!, decisions!);
                    (analyzer, requests, paths, decisions, explain) = (null, null, null, null, null);
                }

                return details;
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
    public string? AccountName { get; set; }

    /// <summary>
    /// In an organization run, whether the account's SCPs were applied to this decision (false when the organization
    /// could not be read: an SCP may deny what this entry allows); null for an account read on its own.
    /// </summary>
    public bool? ServiceControlPoliciesConsidered { get; set; }

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
    public IReadOnlyList<string> Conditions => Explained.Conditions;

    /// <summary>
    /// For a capability held only by passing a role to a service that acts for the principal (Rule 2): the role and the
    /// service, e.g. "role/deploy through cloudformation.amazonaws.com"; null otherwise.
    /// </summary>
    public string? Through { get; init; }

    /// <summary>The role of <see cref="Through"/>.</summary>
    internal AccountPrincipal? ThroughRole { get; init; }

    /// <summary>The statements that decided it, each with its policy, Sid and the group it comes through.</summary>
    public IReadOnlyList<MatchedStatement> Evidence => Explained.Evidence;

    /// <summary>The evaluations of the requests that decided it (for an allow: every request of the allowing path).</summary>
    internal IReadOnlyList<RequestResult> Deciding => deciding ??= Explained.ExplainDeciding();

    private IReadOnlyList<RequestResult>? deciding;

    /// <summary>The requests that decided it (see <see cref="Deciding"/>).</summary>
    internal IReadOnlyList<AccessRequest> DecidingRequests => Explained.DecidingRequests;

    /// <summary>Why, per request (built when first read: most cells of a large matrix are never shown).</summary>
    public string Reason => reason ??= Decision == AuditDecision.Unknown
        ? "cannot be judged: " + string.Join("; ", Principal.Problems)
        : string.Join("; ", Deciding.Select(r => $"{r.Request.Label}: {r.Result.Reason}"));

    public override string ToString() => $"{Principal.DisplayName} {Capability}: {Decision}";
}
