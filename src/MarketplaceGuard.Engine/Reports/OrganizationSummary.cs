using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// The part of a report that speaks for the organization: every account (audited or not, in account id order) with its
/// verdict and counts, the totals, and the verdict of the whole. It fails closed: an account that was not audited, or
/// an incomplete snapshot, keeps the whole from passing, because what was not audited may hold anything. SCPs that were
/// not considered are a warning, not a failure: the audit still judged every principal, only without the guardrails.
/// </summary>
internal sealed class OrganizationSummary
{
    private readonly Dictionary<RunReport, string> anchors;

    private OrganizationSummary(IReadOnlyList<RunReport> runs, OrganizationScope? scope)
    {
        Runs = runs;
        Scope = scope;
        var audited = runs.Select(r => r.Run.AccountId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        NotAudited = scope?.Unaudited.Where(a => !audited.Contains(a.AccountId)).ToList() ?? [];

        // An anchor per run: the account's, with a number after the first when one account was audited twice.
        anchors = [];
        foreach (var group in runs.GroupBy(r => AccountAnchor(r.Run.AccountId), StringComparer.Ordinal))
        {
            var n = 0;
            foreach (var run in group)
            {
                anchors[run] = n++ == 0 ? group.Key : string.Create(CultureInfo.InvariantCulture, $"{group.Key}-{n}");
            }
        }

        Accounts = runs.Select(r => new AccountSummary(r.Run.AccountId, r.Run.AccountName, r.Run.OrganizationPath, r, null, anchors[r]))
            .Concat(NotAudited.Select(a => new AccountSummary(a.AccountId, a.AccountName, null, null, a.Reason, null)))
            .OrderBy(a => a.AccountId ?? string.Empty, StringComparer.Ordinal)
            .ToList();
        var outsideScope = runs.Count(r => r.Run.Organization is null);
        AccountsRequested = Math.Max((scope?.AccountsRequested ?? 0) + outsideScope, runs.Count + NotAudited.Count);
    }

    /// <summary>
    /// The summary of a report's runs (in account id order) and organization audits: null for one run outside an
    /// organization audit, whose report keeps its single-account shape. The scopes are merged into one (shards of one
    /// organization).
    /// </summary>
    public static OrganizationSummary? Of(IReadOnlyList<RunReport> runs, IReadOnlyList<OrganizationScope> scopes)
    {
        if (scopes.Count == 0 && runs.Count < 2)
        {
            return null;
        }

        return new OrganizationSummary(runs, scopes.Count switch
        {
            0 => null,
            1 => scopes[0],
            _ => OrganizationScope.Merge(scopes),
        });
    }

    /// <summary>The organization audit the runs belong to (merged when they come from several shards); null when none does.</summary>
    public OrganizationScope? Scope { get; }

    public IReadOnlyList<RunReport> Runs { get; }

    /// <summary>Every account, audited or not, in account id order.</summary>
    public IReadOnlyList<AccountSummary> Accounts { get; }

    /// <summary>The accounts of the scope that no run of the report audited.</summary>
    public IReadOnlyList<UnauditedAccount> NotAudited { get; }

    /// <summary>The scope's requested accounts and the runs outside any scope (never fewer than the accounts listed).</summary>
    public int AccountsRequested { get; }

    public int AccountsAudited => Runs.Count;

    public int OpenCount => Runs.Sum(r => r.Open.Count());

    public int OpenCountOf(Severity severity) => Runs.Sum(r => r.OpenCount(severity));

    public int SuppressedCount => Runs.Sum(r => r.SuppressedCount);

    /// <summary>Every account audited, on complete snapshots, and nothing left to fix.</summary>
    public bool Passed => NotAudited.Count == 0 && Runs.All(r => r.Passed);

    /// <summary>The audited accounts whose audit did not consider SCPs.</summary>
    public IReadOnlyList<RunReport> WithoutServiceControlPolicies => Runs.Where(r => !r.Run.ServiceControlPolicies.Considered).ToList();

    /// <summary>
    /// The id of the run's section ("account-111122223333"), for links from the summary table; unique in the report. Only
    /// letters, digits and '-', so it is safe in markup and as a SARIF category.
    /// </summary>
    public string AnchorOf(RunReport run) => anchors[run];

    /// <summary>
    /// "account-111122223333". The id comes from the snapshot's ARNs, so anything but letters, digits and '-' is replaced:
    /// it lands in markup.
    /// </summary>
    public static string AccountAnchor(string? accountId) =>
        "account-" + new string((accountId ?? "unknown").Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
}

/// <summary>One line of the organization summary: an audited account (<see cref="Run"/>) or one that was not (<see cref="NotAuditedReason"/>).</summary>
internal sealed record AccountSummary(string? AccountId, string? AccountName, string? OrganizationPath, RunReport? Run, string? NotAuditedReason, string? Anchor)
{
    /// <summary>"prod (111122223333)", "111122223333", or "unknown account".</summary>
    public string Label => ReportText.Account(AccountId, AccountName);

    /// <summary>"Passed", "Failed, 3 findings to fix", "Not audited: AssumeRole was denied".</summary>
    public string Verdict => Run is null ? "Not audited: " + NotAuditedReason : ReportText.Headline(Run);
}
