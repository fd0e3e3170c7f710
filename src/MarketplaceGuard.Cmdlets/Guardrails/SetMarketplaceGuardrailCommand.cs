using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Engine.Guardrails;

namespace MarketplaceGuard.Cmdlets.Guardrails;

/// <summary>
/// Set-MarketplaceGuardrail: the guardrail SCPs piped in (from New-MarketplaceGuardrailPolicy) created or converged in
/// AWS Organizations under the target's own names, tagged as the module's, and attached to each target; parts no
/// longer needed for the same rules detached and deleted. Refused before any write: a target that would hold more than
/// five SCPs, an excepted principal the SCPs would deny, and, without -Force, the root and a Rule 1 guardrail that
/// excepts no procurement principal.
/// </summary>
[Cmdlet(VerbsCommon.Set, "MarketplaceGuardrail", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(GuardrailChangeResult))]
public sealed class SetMarketplaceGuardrailCommand : GuardrailCommand
{
    private readonly List<GuardrailPolicy> policies = [];
    private readonly List<ErrorRecord> refused = [];

    /// <summary>Guardrail policies from New-MarketplaceGuardrailPolicy.</summary>
    [Parameter(ValueFromPipeline = true)]
    [AllowNull]
    public PSObject?[] InputObject { get; set; } = [];

    /// <summary>Also attach to the organization's root, and attach a Rule 1 guardrail that excepts no procurement principal.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override string OperationName => "Set";

    protected override void ProcessRecord()
    {
        foreach (var input in InputObject ?? [])
        {
            if (input?.BaseObject is GuardrailPolicy policy)
            {
                if (policies.Any(p => p.Name == policy.Name))
                {
                    refused.Add(ModuleErrors.Create(
                        $"-InputObject: two guardrail policies are named {policy.Name}; each name is set once per target.",
                        ErrorIds.InputNotAGuardrail, ErrorCategory.InvalidArgument, policy.Name));
                    continue;
                }

                policies.Add(policy);
                continue;
            }

            var text = input?.BaseObject is null ? "(null)" : ModuleErrors.Quote(input.ToString());
            refused.Add(ModuleErrors.Create(
                $"-InputObject: {text} ({input?.BaseObject?.GetType().FullName ?? "null"}) is not a guardrail policy from New-MarketplaceGuardrailPolicy.",
                ErrorIds.InputNotAGuardrail, ErrorCategory.InvalidArgument, input));
        }
    }

    protected override void EndProcessing()
    {
        if (refused.Count > 0)
        {
            Stop(refused);
        }

        if (policies.Count == 0)
        {
            ThrowTerminatingError(ModuleErrors.Create(
                "No guardrail policy reached Set-MarketplaceGuardrail: the pipeline was empty. Pipe the output of New-MarketplaceGuardrailPolicy to it. Nothing was changed.",
                ErrorIds.GuardrailInputMissing,
                ErrorCategory.InvalidArgument,
                null));
        }

        PlanAndApply();
    }

    protected override GuardrailPlan Plan(GuardrailState state) => GuardrailPlanner.PlanSet(state, policies);

    protected override bool Refuses(GuardrailRefusal refusal) => !(Force && refusal.ForceOverrides);
}
