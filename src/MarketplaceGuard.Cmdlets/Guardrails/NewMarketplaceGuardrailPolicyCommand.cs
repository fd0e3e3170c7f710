using System;
using System.Collections.Generic;
using System.Management.Automation;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Engine.Guardrails;

namespace MarketplaceGuard.Cmdlets.Guardrails;

/// <summary>
/// New-MarketplaceGuardrailPolicy: builds the organization guardrails (service control policy documents) that deny
/// each rule's capabilities to everyone but the named exceptions. Offline: nothing is sent to AWS;
/// Set-MarketplaceGuardrail attaches the output.
/// </summary>
[Cmdlet(VerbsCommon.New, "MarketplaceGuardrailPolicy")]
[OutputType(typeof(GuardrailPolicy))]
public sealed class NewMarketplaceGuardrailPolicyCommand : PSCmdlet
{
    /// <summary>The rules to build a document for: 1 (subscriptions), 2 (paid AMIs), 3 (distribution).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ValidateSet("1", "2", "3")]
    public int[] Rule { get; set; } = [1, 2, 3];

    /// <summary>Who may subscribe, buy and cancel (Rule 1) and administer the Private Marketplace (Rule 3).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? ProcurementPrincipalArn { get; set; }

    /// <summary>Who may launch, copy and share paid AMIs (Rule 2).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? LauncherPrincipalArn { get; set; }

    /// <summary>Who may distribute with License Manager, Service Catalog and the Private Marketplace (Rule 3).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? GovernancePrincipalArn { get; set; }

    /// <summary>The only products anyone may buy (Rule 1).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ApprovedProductId { get; set; }

    protected override void ProcessRecord()
    {
        var options = new GuardrailOptions
        {
            Rules = Rule,
            ProcurementPrincipalArns = ProcurementPrincipalArn ?? [],
            LauncherPrincipalArns = LauncherPrincipalArn ?? [],
            GovernancePrincipalArns = GovernancePrincipalArn ?? [],
            ApprovedProductIds = ApprovedProductId ?? [],
        };

        // Every bad value is reported, not only the first; then nothing is built.
        var valid = CheckEach(options.ProcurementPrincipalArns, v => GuardrailValues.CheckPrincipalArnPattern(v, GuardrailOptions.ProcurementParameter))
            & CheckEach(options.LauncherPrincipalArns, v => GuardrailValues.CheckPrincipalArnPattern(v, GuardrailOptions.LauncherParameter))
            & CheckEach(options.GovernancePrincipalArns, v => GuardrailValues.CheckPrincipalArnPattern(v, GuardrailOptions.GovernanceParameter))
            & CheckEach(options.ApprovedProductIds, GuardrailValues.CheckProductId);
        if (!valid)
        {
            return;
        }

        IReadOnlyList<GuardrailPolicy> policies;
        try
        {
            policies = GuardrailBuilder.Build(options);
        }
        catch (GuardrailInputException e)
        {
            WriteError(ErrorFor(e));
            return;
        }

        foreach (var warning in GuardrailBuilder.DeniedToEveryone(options))
        {
            WriteWarning(warning);
        }

        WriteObject(policies, enumerateCollection: true);
    }

    private bool CheckEach(IReadOnlyList<string> values, Action<string> check)
    {
        var valid = true;
        foreach (var value in values)
        {
            try
            {
                check(value);
            }
            catch (GuardrailInputException e)
            {
                WriteError(ErrorFor(e));
                valid = false;
            }
        }

        return valid;
    }

    private static ErrorRecord ErrorFor(GuardrailInputException e)
    {
        var (id, category) = e.Problem switch
        {
            GuardrailInputProblem.PrincipalArnInvalid => (ErrorIds.GuardrailPrincipalInvalid, ErrorCategory.InvalidArgument),
            GuardrailInputProblem.ProductIdInvalid => (ErrorIds.GuardrailProductIdInvalid, ErrorCategory.InvalidArgument),
            GuardrailInputProblem.RuleNotBuilt => (ErrorIds.GuardrailRuleNotBuilt, ErrorCategory.InvalidArgument),
            GuardrailInputProblem.TooLarge => (ErrorIds.GuardrailTooLarge, ErrorCategory.LimitsExceeded),
            _ => (ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument),
        };
        return ModuleErrors.Create(e.Message, id, category, e.Value);
    }
}
