using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Principals;
using MarketplaceGuard.Cmdlets.Organizations;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>Get-MarketplaceAccess: the who-can matrix — which principal holds which Marketplace capability, and why.</summary>
[Cmdlet(VerbsCommon.Get, "MarketplaceAccess", DefaultParameterSetName = LiveParameterSet)]
[OutputType(typeof(AccessEntry))]
public sealed class GetMarketplaceAccessCommand : AccountAuditCommand
{
    private readonly List<string> pipedPrincipals = [];
    private string[]? namedPrincipals;

    /// <summary>
    /// Users, roles or groups (names, ARNs, wildcards), also from the pipeline (strings, or objects with UserName,
    /// GroupName, PrincipalArn or Arn); all principals only when omitted and nothing is piped.
    /// </summary>
    /// <remarks>
    /// No RoleName alias: -RoleName is the role assumed in each account of an organization run, as on every fan-out
    /// cmdlet. AWS.Tools' role objects still bind, by their Arn.
    /// </remarks>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("UserName", "GroupName", "PrincipalArn", "Arn")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [PrincipalTransformation]
    [ArgumentCompleter(typeof(PrincipalNameCompleter))]
    public string[]? Principal { get; set; }

    /// <summary>Capabilities to evaluate; all when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CapabilityNameCompleter))]
    public string[]? Capability { get; set; }

    protected override void BeginProcessing()
    {
        // Before the first pipeline object: what was given on the command line, if anything.
        namedPrincipals = Principal;
    }

    protected override void ProcessRecord()
    {
        if (MyInvocation.ExpectingInput && Principal is not null && !ReferenceEquals(Principal, namedPrincipals))
        {
            pipedPrincipals.AddRange(Principal);
        }
    }

    protected override void EndProcessing()
    {
        // Piped input that named nobody (an empty pipeline, objects that did not bind) must not widen the question
        // to every principal of the account.
        var selectors = namedPrincipals ?? (pipedPrincipals.Count > 0 ? pipedPrincipals.ToArray() : null);
        if (selectors is null && MyInvocation.ExpectingInput)
        {
            ThrowTerminatingError(ModuleErrors.Create(
                "-Principal: nothing arrived from the pipeline (it was empty, or its objects had no UserName, GroupName, PrincipalArn or Arn), so nothing was evaluated. " +
                "To evaluate every principal of the account, run Get-MarketplaceAccess without pipeline input.",
                ErrorIds.PrincipalMissing,
                ErrorCategory.InvalidArgument,
                null));
        }

        var capabilities = Capabilities.All.ToList();
        if (Capability is not null)
        {
            var unknown = Capability.Where(c => Capabilities.Find(c) is null).ToList();
            if (unknown.Count > 0)
            {
                var names = Capabilities.All.Select(c => c.Name).ToList();
                var described = unknown.Select(u => Engine.Matching.ClosestNames.Find(u, names) is { Count: > 0 } close
                    ? $"{ModuleErrors.Quote(u)} (did you mean {string.Join(" or ", close)}?)"
                    : ModuleErrors.Quote(u));
                ThrowTerminatingError(ModuleErrors.Create(
                    $"-Capability: {string.Join(", ", described)} {(unknown.Count == 1 ? "is not a capability" : "are not capabilities")}. Valid names: {string.Join(", ", names)}.",
                    ErrorIds.CapabilityUnknown,
                    ErrorCategory.InvalidArgument,
                    unknown[0]));
            }

            capabilities = Capability.Select(c => Capabilities.Find(c)!).Distinct().ToList();
        }

        if (IsOrganizationRun)
        {
            UseBatchCollections();
            AnalyzeOrganization(selectors, capabilities);
            return;
        }

        CheckOrganizationParameters();
        var account = LoadAccount();
        var principals = selectors is null ? account.Principals : Resolve(account, selectors, nameof(Principal));
        var access = new AccountAccess(account);
        var progress = EvaluationProgress(principals.Count);
        var done = 0;
        foreach (var principal in principals)
        {
            foreach (var capability in capabilities)
            {
                WriteObject(access.Analyze(principal, capability));
            }

            if (++done % 250 == 0)
            {
                progress.Report(done);
            }
        }

        progress.Report(principals.Count);
    }

    /// <summary>
    /// The matrix of every account of an organization run, each entry tagged with its account; -Principal names apply in
    /// every account, ARNs in their own (see OrganizationPrincipals).
    /// </summary>
    private void AnalyzeOrganization(string[]? selectors, List<Capability> capabilities)
    {
        var named = new OrganizationPrincipals(this, (nameof(Principal), selectors));
        AuditAccounts((work, pump) =>
        {
            var principals = selectors is null ? work.Account.Principals : named.Resolve(work, nameof(Principal), pump);
            var access = new AccountAccess(work.Account);
            var entries = new List<AccessEntry>(principals.Count * capabilities.Count);
            foreach (var principal in principals)
            {
                foreach (var capability in capabilities)
                {
                    var entry = access.Analyze(principal, capability);
                    entry.AccountName = work.Target.Name;
                    entry.ServiceControlPoliciesConsidered = work.ServiceControlPolicies.Considered;
                    entries.Add(entry);
                }
            }

            pump.Post(() => WriteObject(entries, enumerateCollection: true));
        }, out var audited);
        named.ReportUnmatched(audited);
    }
}
