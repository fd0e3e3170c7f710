using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Changes;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Cmdlets.Errors;

namespace MarketplaceGuard.Cmdlets.Changes;

/// <summary>
/// Revoke-MarketplaceAccess: the explicit deny of every aws-marketplace action, converged and attached; the module's
/// grants detached. Refuses, changing nothing, when the deny would reach someone authorized to procure today.
/// </summary>
[Cmdlet(VerbsSecurity.Revoke, "MarketplaceAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = GroupSet)]
[OutputType(typeof(AccessChangeResult))]
public sealed class RevokeMarketplaceAccessCommand : AccessChangeCommand
{
    /// <summary>Who must keep procuring (users, groups or roles, by name): the deny may not reach them.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] ProcurementPrincipal { get; set; } = [];

    /// <summary>Apply the deny even to principals authorized to procure today.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override string OperationName => "Revoke";

    protected override Task<AccessPlan> PlanAsync(AccessManager manager, PrincipalRef principal, CancellationToken cancellation) =>
        manager.PlanRevokeAsync(principal, cancellation);

    protected override bool MayChange(AccessPlan plan, AwsConnection connection)
    {
        if (Force || plan.Changes.All(c => c.Kind != ChangeKind.AttachPolicy))
        {
            return true;
        }

        var buyers = WithManager(connection, (manager, cancellation) => manager.AuthorizedBuyersReachedAsync(plan.Principal, ProcurementPrincipal, cancellation), plan.Principal, out var checkedBuyers);
        if (!checkedBuyers)
        {
            return false;
        }

        if (buyers!.Count == 0)
        {
            return true;
        }

        var message = $"Revoking Marketplace access from {plan.Principal} would lock out who may procure today: {string.Join("; ", buyers)}. " +
            "Nothing was changed. Take them out of the group first, revoke the others one by one, or use -Force to deny them anyway.";
        WriteError(new ErrorRecord(new InvalidOperationException(message), ErrorIds.WouldLockOutProcurement, ErrorCategory.PermissionDenied, plan.Principal.ToString()));
        return false;
    }
}
