using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Changes;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Engine.Principals;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Cmdlets.Changes;

/// <summary>Grant-MarketplaceProcurement: the procurement (Buyer) or billing (Viewer) policy, converged and attached.</summary>
[Cmdlet(VerbsSecurity.Grant, "MarketplaceProcurement", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = GroupSet)]
[OutputType(typeof(AccessChangeResult))]
public sealed class GrantMarketplaceProcurementCommand : AccessChangeCommand
{
    /// <summary>Buyer (the Procurement template) or Viewer (BillingViewer).</summary>
    [Parameter]
    [ValidateSet("Buyer", "Viewer", IgnoreCase = true)]
    public string AccessLevel { get; set; } = "Buyer";

    /// <summary>The IAM policy name; the template's default when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PolicyName { get; set; }

    protected override string OperationName => $"Grant {Level}";

    private string Level => AccessLevel.Equals("Viewer", System.StringComparison.OrdinalIgnoreCase) ? "Viewer" : "Buyer";

    protected override Task<AccessPlan> PlanAsync(AccessManager manager, PrincipalRef principal, CancellationToken cancellation)
    {
        var template = PolicyTemplateCatalog.Get(Level == "Viewer" ? PolicyTemplateCatalog.BillingViewer : PolicyTemplateCatalog.Procurement);
        return manager.PlanGrantAsync(principal, PolicyName is null ? template : template.WithPolicyName(PolicyName), cancellation);
    }
}
