using System.Management.Automation;
using MarketplaceGuard.Engine.Guardrails;

namespace MarketplaceGuard.Cmdlets.Guardrails;

/// <summary>
/// Remove-MarketplaceGuardrail: the undo of Set-MarketplaceGuardrail. Detaches the module's guardrail SCPs (of
/// -Rule, or all) from each target and deletes those attached nowhere else; SCPs that are not the module's are left
/// as they are. Refused when the target would be left without any SCP.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "MarketplaceGuardrail", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(GuardrailChangeResult))]
public sealed class RemoveMarketplaceGuardrailCommand : GuardrailCommand
{
    /// <summary>
    /// Only the guardrails of these rules (1, 2, 3); all of the module's when omitted. An empty list is a binding error,
    /// not "every rule": a script whose list of rules to remove came out empty must not remove them all.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateSet("1", "2", "3")] // a set rather than a range: Tab completes it, as on New-MarketplaceGuardrailPolicy
    public int[]? Rule { get; set; }

    protected override string OperationName => "Remove";

    protected override void EndProcessing() => PlanAndApply();

    protected override GuardrailPlan Plan(GuardrailState state) => GuardrailPlanner.PlanRemove(state, Rule);
}
