using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Changes;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Engine.Principals;

namespace MarketplaceGuard.Cmdlets.Changes;

/// <summary>
/// Remove-MarketplaceAccess: the undo of Grant- and Revoke-: detaches every MarketplaceGuard policy from the
/// principal, and deletes a policy of the module when nothing uses it any more.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "MarketplaceAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = GroupSet)]
[OutputType(typeof(AccessChangeResult))]
public sealed class RemoveMarketplaceAccessCommand : AccessChangeCommand
{
    protected override string OperationName => "Remove";

    protected override Task<AccessPlan> PlanAsync(AccessManager manager, PrincipalRef principal, CancellationToken cancellation) =>
        manager.PlanRemoveAsync(principal, cancellation);
}
