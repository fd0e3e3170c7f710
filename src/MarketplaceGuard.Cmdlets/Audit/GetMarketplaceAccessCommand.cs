using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Principals;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>Get-MarketplaceAccess: the who-can matrix — which principal holds which Marketplace capability, and why.</summary>
[Cmdlet(VerbsCommon.Get, "MarketplaceAccess", DefaultParameterSetName = LiveParameterSet)]
[OutputType(typeof(AccessEntry))]
public sealed class GetMarketplaceAccessCommand : AccountAuditCommand
{
    /// <summary>Users, roles or groups (names, ARNs, wildcards); all principals when omitted.</summary>
    [Parameter(Position = 0)]
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

    protected override void EndProcessing()
    {
        var capabilities = Capabilities.All.ToList();
        if (Capability is not null)
        {
            var unknown = Capability.Where(c => Capabilities.Find(c) is null).ToList();
            if (unknown.Count > 0)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new PSArgumentException($"-Capability: {string.Join(", ", unknown.Select(u => $"'{u}'"))} is not a capability. Valid names: {string.Join(", ", Capabilities.All.Select(c => c.Name))}."),
                    ErrorIds.CapabilityUnknown,
                    ErrorCategory.InvalidArgument,
                    unknown));
            }

            capabilities = Capability.Select(c => Capabilities.Find(c)!).Distinct().ToList();
        }

        var account = LoadAccount();
        var principals = Principal is null ? account.Principals : Resolve(account, Principal, nameof(Principal));
        var analyzer = new AccessAnalyzer();
        var progress = EvaluationProgress(principals.Count);
        var done = 0;
        foreach (var principal in principals)
        {
            foreach (var capability in capabilities)
            {
                WriteObject(analyzer.Analyze(principal, capability));
            }

            if (++done % 250 == 0)
            {
                progress.Report(done);
            }
        }

        progress.Report(principals.Count);
    }
}
