using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.Engine.PaidResources;

/// <summary>A paid resource to protect, as Protect-MarketplacePaidResource received it.</summary>
public sealed record GuardTagTarget(PaidResourceType ResourceType, string ResourceId, string Region, IReadOnlyList<string> ProductCodes, bool IsAccountOwned, string? OwnerId);

public enum GuardTagAction
{
    /// <summary>The guard tag is missing or has another value: CreateTags writes it.</summary>
    Tag,

    /// <summary>The guard tag already has the wanted value: no call.</summary>
    NoChange,

    /// <summary>Not ours to tag, or tagging would not protect it (instances, AMIs owned by others).</summary>
    Skip,
}

/// <summary>What happens to one target, and why.</summary>
public sealed record GuardTagDecision(GuardTagTarget Target, GuardTagAction Action, string Value, string Reason);

/// <summary>One CreateTags call: resources of one region that get the same value.</summary>
public sealed record GuardTagBatch(string Region, string Value, IReadOnlyList<string> ResourceIds);

public sealed record GuardTagPlan(IReadOnlyList<GuardTagDecision> Decisions, IReadOnlyList<GuardTagBatch> Batches);

/// <summary>
/// Plans the guard tags (pure: no AWS call). Input: the targets and the guard-tag values they carry now (read by
/// the AWS layer); output: a decision per target and the CreateTags calls, grouped by region and value, at most
/// <see cref="MaxResourcesPerCall"/> ids each (EC2 takes 1,000 but recommends smaller batches; a failed call then
/// leaves fewer resources untagged). A tag that already has the wanted value is left alone, so a second run makes
/// no write call. Instances and AMIs the account does not own are skipped with the reason.
/// </summary>
public static class GuardTagPlanner
{
    public const int MaxResourcesPerCall = 200;

    /// <param name="targets">What to protect; a resource named twice is planned once.</param>
    /// <param name="currentValues">Per region, the current guard-tag value of each resource that has one.</param>
    /// <param name="maxResourcesPerCall">Batch size, 1 to 1,000.</param>
    public static GuardTagPlan Plan(
        IEnumerable<GuardTagTarget> targets,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> currentValues,
        int maxResourcesPerCall = MaxResourcesPerCall)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(currentValues);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResourcesPerCall, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxResourcesPerCall, 1000);

        var decisions = new List<GuardTagDecision>();
        var seen = new HashSet<(string, string)>();
        foreach (var target in targets)
        {
            if (seen.Add((target.Region, target.ResourceId)))
            {
                decisions.Add(Decide(target, currentValues));
            }
        }

        return new GuardTagPlan(decisions, Batch(decisions, maxResourcesPerCall));
    }

    /// <summary>
    /// The CreateTags calls for the decisions to tag (all of a plan's, or those the user confirmed): grouped by
    /// region, then value, ids in order, at most <paramref name="maxResourcesPerCall"/> per call.
    /// </summary>
    public static IReadOnlyList<GuardTagBatch> Batch(IEnumerable<GuardTagDecision> decisions, int maxResourcesPerCall = MaxResourcesPerCall)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResourcesPerCall, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxResourcesPerCall, 1000);
        return decisions
            .Where(d => d.Action == GuardTagAction.Tag)
            .GroupBy(d => (d.Target.Region, d.Value))
            .OrderBy(g => g.Key.Region, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Value, StringComparer.Ordinal)
            .SelectMany(g => g.Select(d => d.Target.ResourceId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Chunk(maxResourcesPerCall)
                .Select(ids => new GuardTagBatch(g.Key.Region, g.Key.Value, ids)))
            .ToList();
    }

    private static GuardTagDecision Decide(GuardTagTarget target, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> currentValues)
    {
        var value = GuardTag.ValueFor(target.ProductCodes);
        if (target.ResourceType == PaidResourceType.Instance)
        {
            return new(target, GuardTagAction.Skip, value, "an instance is guarded by ec2:ProductCode in the deny templates, not by a tag");
        }

        if (!target.IsAccountOwned)
        {
            return new(target, GuardTagAction.Skip, value,
                $"owned by {target.OwnerId ?? "another account"}: only the owner can tag it (ec2:Owner guards Marketplace AMIs)");
        }

        if (value.Length == 0)
        {
            return new(target, GuardTagAction.Skip, value, "no Marketplace product code to record");
        }

        var current = currentValues.TryGetValue(target.Region, out var region) ? region.GetValueOrDefault(target.ResourceId) : null;
        return current switch
        {
            null => new(target, GuardTagAction.Tag, value, "the guard tag is missing"),
            _ when current == value => new(target, GuardTagAction.NoChange, value, "the guard tag already has this value"),
            _ => new(target, GuardTagAction.Tag, value, $"the guard tag has another value ('{current}')"),
        };
    }
}
