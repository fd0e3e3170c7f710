using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Ec2;
using MarketplaceGuard.Cmdlets.Aws;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Engine.PaidResources;

namespace MarketplaceGuard.Cmdlets.PaidResources;

/// <summary>
/// Protect-MarketplacePaidResource: tags the account's paid images, snapshots and volumes with the guard tag
/// (marketplaceguard:product-code = their codes), so the Rule 2 deny templates reach them. Reads the current guard
/// tags (one DescribeTags listing per region), lets the engine plan, confirms per resource, then writes in batches.
/// A second run writes nothing. A failed call leaves the rest of its region untagged and reported as such.
/// </summary>
[Cmdlet(VerbsSecurity.Protect, "MarketplacePaidResource", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ProtectionResult))]
public sealed class ProtectMarketplacePaidResourceCommand : AwsCommand
{
    private readonly List<GuardTagTarget> targets = new();

    /// <summary>Paid resources from Get-MarketplacePaidResource.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject?[] InputObject { get; set; } = [];

    /// <summary>Return a result per resource: Tagged, NoChange, WhatIf, Skipped or Failed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var input in InputObject ?? [])
        {
            if (PaidResourceInput.TryRead(input) is { } target)
            {
                targets.Add(target);
                continue;
            }

            var text = input?.BaseObject is null ? "(null)" : ModuleErrors.Quote(input.ToString());
            WriteError(ModuleErrors.Create(
                $"The input {text} ({input?.BaseObject?.GetType().FullName ?? "null"}) is not a paid resource from Get-MarketplacePaidResource; nothing was tagged for it.",
                ErrorIds.InputNotAPaidResource, ErrorCategory.InvalidArgument, input));
        }
    }

    protected override void EndProcessing()
    {
        if (targets.Count == 0)
        {
            return;
        }

        // What needs no AWS call is decided and reported first; only regions with something to tag are read.
        var offline = GuardTagPlanner.Plan(targets, new Dictionary<string, IReadOnlyDictionary<string, string>>());
        foreach (var skipped in offline.Decisions.Where(d => d.Action == GuardTagAction.Skip))
        {
            WriteVerbose($"Skipping {Describe(skipped.Target)}: {skipped.Reason}.");
            Emit(skipped, ProtectionStatus.Skipped, skipped.Reason);
        }

        var taggable = offline.Decisions.Where(d => d.Action != GuardTagAction.Skip).Select(d => d.Target).ToList();
        if (taggable.Count == 0)
        {
            return;
        }

        var connection = Connect();
        var current = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        Ec2Runner.Run(this, connection, async work =>
        {
            var store = new GuardTagStore(work.Session);
            foreach (var region in taggable.Select(t => t.Region).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                try
                {
                    var values = await store.ReadAsync(region, work.Cancellation).ConfigureAwait(false);
                    work.Post(() => current[region] = values);
                }
                catch (Ec2Exception e)
                {
                    work.Post(() =>
                    {
                        unreadable.Add(region);
                        WriteError(Ec2Errors.ToErrorRecord(e, region));
                    });
                }
            }
        }, Cancellation);

        foreach (var target in taggable.Where(t => unreadable.Contains(t.Region)))
        {
            Emit(new GuardTagDecision(target, GuardTagAction.Tag, GuardTag.ValueFor(target.ProductCodes), string.Empty), ProtectionStatus.Failed, "the region's guard tags could not be read");
        }

        var plan = GuardTagPlanner.Plan(taggable.Where(t => !unreadable.Contains(t.Region)), current);
        var approved = new List<GuardTagDecision>();
        foreach (var decision in plan.Decisions)
        {
            if (decision.Action == GuardTagAction.NoChange)
            {
                WriteVerbose($"{Describe(decision.Target)}: {decision.Reason}.");
                Emit(decision, ProtectionStatus.NoChange, decision.Reason);
            }
            else if (ShouldProcess(Describe(decision.Target), $"Tag {GuardTag.Key}={decision.Value} ({decision.Reason})"))
            {
                approved.Add(decision);
            }
            else
            {
                Emit(decision, ProtectionStatus.WhatIf, decision.Reason);
            }
        }

        if (approved.Count > 0)
        {
            Ec2Runner.Run(this, connection, work => ApplyAsync(work, approved), Cancellation);
        }
    }

    /// <summary>Writes the approved tags (see <see cref="GuardTagStore.ApplyAllAsync"/>) and reports every resource.</summary>
    private Task ApplyAsync(Ec2Work work, IReadOnlyList<GuardTagDecision> approved)
    {
        var byId = approved.ToDictionary(d => (d.Target.Region, d.Target.ResourceId));
        return new GuardTagStore(work.Session).ApplyAllAsync(GuardTagPlanner.Batch(approved), outcome => work.Post(() =>
        {
            var batch = outcome.Batch;
            var decisions = batch.ResourceIds.Select(id => byId[(batch.Region, id)]).ToList();
            var (status, reason) = outcome.Status switch
            {
                GuardTagBatchStatus.Tagged => (ProtectionStatus.Tagged, (string?)null),
                GuardTagBatchStatus.Failed => (ProtectionStatus.Failed, $"CreateTags failed: {outcome.Error!.Code}"),
                _ => (ProtectionStatus.Failed, $"not attempted: an earlier CreateTags call in {batch.Region} failed ({outcome.Error!.Code})"),
            };
            if (outcome.Status == GuardTagBatchStatus.Failed)
            {
                WriteError(Ec2Errors.ToErrorRecord(outcome.Error!, batch.ResourceIds.ToArray()));
            }
            else if (outcome.Status == GuardTagBatchStatus.NotAttempted)
            {
                WriteError(ModuleErrors.Create(
                    $"{batch.Region}: {batch.ResourceIds.Count} resource(s) were not tagged because an earlier CreateTags call in the region failed: {string.Join(", ", batch.ResourceIds)}.",
                    ErrorIds.GuardTagNotApplied, ErrorCategory.OperationStopped, batch.ResourceIds.ToArray()));
            }

            foreach (var decision in decisions)
            {
                Emit(decision, status, reason ?? decision.Reason);
            }
        }), work.Cancellation);
    }

    private static string Describe(GuardTagTarget target) =>
        $"{target.ResourceType.ToString().ToLowerInvariant()} {target.ResourceId} ({target.Region})";

    private void Emit(GuardTagDecision decision, ProtectionStatus status, string reason)
    {
        if (PassThru)
        {
            var target = decision.Target;
            WriteObject(new ProtectionResult(target.ResourceType, target.ResourceId, target.Region, status, GuardTag.Key, decision.Value, reason));
        }
    }
}
