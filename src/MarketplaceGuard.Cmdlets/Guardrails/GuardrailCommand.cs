using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Organizations;
using MarketplaceGuard.Cmdlets.Aws;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Organizations;
using MarketplaceGuard.Engine.Guardrails;

namespace MarketplaceGuard.Cmdlets.Guardrails;

/// <summary>
/// What Set-MarketplaceGuardrail and Remove-MarketplaceGuardrail share: -TargetId (roots, OUs, accounts; each checked
/// for its shape, then read, before anything is written), one plan per target from <see cref="GuardrailPlanner"/>, every
/// refusal of every target reported before the first write (so a list of targets is never half-applied), then each
/// change shown or confirmed in words (a declined change also skips the changes that need it) and applied by
/// <see cref="GuardrailApplier"/>, which undoes a target's changes when a write fails part way.
/// </summary>
public abstract class GuardrailCommand : AwsCommand
{
    /// <summary>Roots (r-…), OUs (ou-…-…) or 12-digit account ids.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[] TargetId { get; set; } = [];

    /// <summary>Emit one result per target with the changes planned and made and the SCPs attached afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Set or Remove, in results.</summary>
    protected abstract string OperationName { get; }

    /// <summary>The plan for one target, from the state read of it.</summary>
    protected abstract GuardrailPlan Plan(GuardrailState state);

    /// <summary>Whether a refusal of the plan stops the command (-Force overrides some).</summary>
    protected virtual bool Refuses(GuardrailRefusal refusal) => true;

    /// <summary>Plans every target, stops on any problem with nothing changed, then applies target by target.</summary>
    protected void PlanAndApply()
    {
        var targets = CheckedTargets();
        var connection = Connect();
        using var pump = new PipelinePump();
        using var client = new OrganizationsClient(connection) { CallCompleted = record => pump.Post(() => WriteVerbose(record.ToString())) };
        WriteVerbose($"Calling AWS Organizations at {client.Endpoint}.");

        var plans = new List<GuardrailPlan>();
        var problems = new List<ErrorRecord>();
        foreach (var targetId in targets)
        {
            try
            {
                plans.Add(Plan(RunOrganizations(pump, GuardrailStateReader.ReadAsync(client, targetId, Cancellation))));
            }
            catch (GuardrailTargetException e)
            {
                problems.Add(ModuleErrors.Create(
                    $"-TargetId: {e.Message}",
                    e.Problem == GuardrailTargetProblem.NotFound ? ErrorIds.GuardrailTargetNotFound : ErrorIds.GuardrailPolicyTypeNotEnabled,
                    e.Problem == GuardrailTargetProblem.NotFound ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidOperation,
                    targetId,
                    e));
            }
            catch (OrganizationsException e)
            {
                problems.Add(OrganizationsError(e, targetId));
            }
        }

        problems.AddRange(plans.SelectMany(p => p.Refusals.Where(Refuses).Select(r => RefusalError(r, p.Target))));
        if (problems.Count > 0)
        {
            Stop(problems);
        }

        foreach (var plan in plans)
        {
            Apply(pump, client, plan);
        }
    }

    /// <summary>Writes every error but the first, then stops with the first: nothing was changed.</summary>
    protected void Stop(IReadOnlyList<ErrorRecord> errors)
    {
        foreach (var error in errors.Skip(1))
        {
            WriteError(error);
        }

        var first = errors[0];
        first.ErrorDetails = new ErrorDetails(first.Exception.Message + " Nothing was changed.");
        ThrowTerminatingError(first);
    }

    /// <summary>The distinct target ids, each of the shape of a root, OU or account; otherwise a terminating error naming every bad value.</summary>
    private List<string> CheckedTargets()
    {
        var invalid = TargetId.Where(t => GuardrailTarget.KindOf(t) is null).ToList();
        if (invalid.Count > 0)
        {
            Stop(invalid.Select(t => ModuleErrors.Create(
                $"-TargetId: {ModuleErrors.Quote(t)} is not a root id (r- and 4 to 32 lowercase letters or digits), an OU id (ou-<root part>-<8 to 32 lowercase letters or digits>) or a 12-digit account id.",
                ErrorIds.GuardrailTargetInvalid,
                ErrorCategory.InvalidArgument,
                t)).ToList());
        }

        return TargetId.Distinct(StringComparer.Ordinal).ToList();
    }

    private void Apply(PipelinePump pump, OrganizationsClient client, GuardrailPlan plan)
    {
        var target = plan.Target;
        foreach (var warning in plan.Warnings)
        {
            WriteWarning(warning);
        }

        var (approved, whatIf) = ConfirmChanges(plan.Changes, c => c.Description, GuardrailPlanner.DependsOn, target.Label);

        var made = new List<string>();
        if (approved.Count > 0)
        {
            try
            {
                RunOrganizations(pump, Applied(client, approved, made));
            }
            catch (GuardrailApplyException e)
            {
                ThrowTerminatingError(ModuleErrors.Create(
                    $"{target.Label}: {e.Message}",
                    ErrorIds.GuardrailApplyFailed,
                    e.InnerException is OrganizationsException inner ? IamErrors.CategoryOf(inner.Code) : ErrorCategory.OperationStopped,
                    target.Id,
                    e));
            }
        }

        if (PassThru)
        {
            var noneDeclined = whatIf || approved.Count == plan.Changes.Count; // a change is approved, declined or previewed
            var attached = noneDeclined ? plan.AttachedAfter : ["(some changes were declined: read the target again)"];
            WriteObject(new GuardrailChangeResult(OperationName, target, plan.Changes.Select(c => c.Description).ToList(), made, attached, whatIf));
        }
    }

    private async Task<bool> Applied(OrganizationsClient client, List<GuardrailChange> approved, List<string> made)
    {
        await new GuardrailApplier(client).ApplyAsync(approved, made, Cancellation).ConfigureAwait(false);
        return true;
    }

    /// <summary>Runs Organizations work while this (the pipeline) thread writes its -Verbose lines.</summary>
    private T RunOrganizations<T>(PipelinePump pump, Task<T> work)
    {
        try
        {
            return pump.Run(work);
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private static ErrorRecord OrganizationsError(OrganizationsException e, string targetId)
    {
        var hint = e.Code == "AccessDeniedException"
            ? " Guardrails are set from the organization's management account, with organizations:Describe*, organizations:List*, organizations:CreatePolicy, UpdatePolicy, DeletePolicy, AttachPolicy, DetachPolicy and TagResource allowed."
            : string.Empty;
        return ModuleErrors.Create(
            $"-TargetId {targetId}: AWS Organizations refused {e.Operation} ({e.Code}: {e.AwsMessage}).{hint}",
            ErrorIds.OrganizationsPrefix + e.Code,
            IamErrors.CategoryOf(e.Code),
            targetId,
            e);
    }

    private static ErrorRecord RefusalError(GuardrailRefusal refusal, GuardrailTarget target)
    {
        var (id, category) = refusal.Kind switch
        {
            GuardrailRefusalKind.TooManyPolicies => (ErrorIds.GuardrailTooManyPolicies, ErrorCategory.LimitsExceeded),
            GuardrailRefusalKind.NoPolicyLeft => (ErrorIds.GuardrailNoPolicyLeft, ErrorCategory.LimitsExceeded),
            GuardrailRefusalKind.LockOut => (ErrorIds.GuardrailWouldLockOut, ErrorCategory.PermissionDenied),
            GuardrailRefusalKind.NoProcurementException => (ErrorIds.GuardrailWithoutProcurement, ErrorCategory.InvalidOperation),
            GuardrailRefusalKind.Root => (ErrorIds.GuardrailRootNeedsForce, ErrorCategory.InvalidOperation),
            _ => (ErrorIds.GuardrailUnverifiable, ErrorCategory.InvalidData),
        };
        return ModuleErrors.Create(refusal.Message, id, category, target.Id);
    }
}
