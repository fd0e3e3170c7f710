using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Changes;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Principals;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Engine.Principals;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Cmdlets.Changes;

/// <summary>
/// Revoke-MarketplaceAccess: the explicit deny of every aws-marketplace action, converged and attached; the module's
/// grants detached. Refuses, changing nothing, when the deny would reach someone authorized to procure today; a
/// -ProcurementPrincipal value that names nothing stops the command before any change.
/// </summary>
[Cmdlet(VerbsSecurity.Revoke, "MarketplaceAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = GroupSet)]
[OutputType(typeof(AccessChangeResult))]
public sealed class RevokeMarketplaceAccessCommand : AccessChangeCommand
{
    private IReadOnlyList<PrincipalEntry> procurement = [];

    /// <summary>Who must keep procuring (users, groups or roles: names, type/name, ARNs, wildcards, or objects): the deny may not reach them.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [PrincipalTransformation]
    public string[] ProcurementPrincipal { get; set; } = [];

    /// <summary>Apply the deny even to principals authorized to procure today.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override string OperationName => "Revoke";

    protected override Task<AccessPlan> PlanAsync(AccessManager manager, PrincipalRef principal, CancellationToken cancellation) =>
        manager.PlanRevokeAsync(principal, cancellation);

    protected override void BeforeChanges(AuthorizationSnapshot directory, string account)
    {
        var resolution = PrincipalResolver.Resolve(directory.Directory, ProcurementPrincipal, account);
        if (PrincipalErrors.Of(resolution, nameof(ProcurementPrincipal), $"account {account}") is { } error)
        {
            Stop([error]);
        }

        procurement = resolution.Matches;
    }

    protected override ErrorRecord? Refusal(AccessPlan plan)
    {
        if (Force)
        {
            return null;
        }

        var reached = ReachedByDeny(plan, PolicyArnOf(PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyMarketplace)), procurement);
        if (reached.Count == 0)
        {
            return null;
        }

        var message = $"Revoking Marketplace access from {plan.Principal} would lock out who may procure today: {string.Join("; ", reached)}. " +
            "Take them out of the group first, revoke the others one by one, or use -Force to deny them anyway.";
        return ModuleErrors.Create(message, ErrorIds.WouldLockOutProcurement, ErrorCategory.PermissionDenied, plan.Principal.DisplayName);
    }

}
