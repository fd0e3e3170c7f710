using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.PaidResources;

namespace MarketplaceGuard.Tests.PaidResources;

/// <summary>The pure guard-tag planner: what is tagged, what is left alone, how the calls are batched.</summary>
public sealed class GuardTagPlannerTests
{
    private static readonly Dictionary<string, IReadOnlyDictionary<string, string>> NothingTagged = new();

    private static GuardTagTarget Target(PaidResourceType type, string id, string region = "us-east-1", bool owned = true, params string[] codes) =>
        new(type, id, region, codes.Length == 0 ? ["prod1"] : codes, owned, owned ? "111122223333" : "679593333241");

    [Fact]
    public void TagsOwnedImagesSnapshotsAndVolumesAndSkipsTheRestWithAReason()
    {
        var plan = GuardTagPlanner.Plan(
        [
            Target(PaidResourceType.Image, "ami-own"),
            Target(PaidResourceType.Snapshot, "snap-1"),
            Target(PaidResourceType.Volume, "vol-1"),
            Target(PaidResourceType.Instance, "i-1"),
            Target(PaidResourceType.Image, "ami-mp", owned: false),
        ], NothingTagged);

        var byId = plan.Decisions.ToDictionary(d => d.Target.ResourceId);
        Assert.Equal(GuardTagAction.Tag, byId["ami-own"].Action);
        Assert.Equal(GuardTagAction.Tag, byId["vol-1"].Action);
        Assert.Equal(GuardTagAction.Skip, byId["i-1"].Action);
        Assert.Contains("ec2:ProductCode", byId["i-1"].Reason, StringComparison.Ordinal);
        Assert.Equal(GuardTagAction.Skip, byId["ami-mp"].Action);
        Assert.Contains("679593333241", byId["ami-mp"].Reason, StringComparison.Ordinal);
        var batch = Assert.Single(plan.Batches);
        Assert.Equal(["ami-own", "snap-1", "vol-1"], batch.ResourceIds);
        Assert.Equal("prod1", batch.Value);
    }

    [Fact]
    public void MakesNoCallWhenTheTagAlreadyHasTheValue()
    {
        var current = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["us-east-1"] = new Dictionary<string, string> { ["snap-1"] = "prod1", ["snap-2"] = "old" },
        };

        var plan = GuardTagPlanner.Plan([Target(PaidResourceType.Snapshot, "snap-1"), Target(PaidResourceType.Snapshot, "snap-2")], current);

        Assert.Equal(GuardTagAction.NoChange, plan.Decisions[0].Action);
        Assert.Equal(GuardTagAction.Tag, plan.Decisions[1].Action);
        Assert.Contains("'old'", plan.Decisions[1].Reason, StringComparison.Ordinal);
        Assert.Equal(["snap-2"], Assert.Single(plan.Batches).ResourceIds);
    }

    [Fact]
    public void BatchesPerRegionAndValueWithinTheCallLimit()
    {
        var targets = Enumerable.Range(0, 450).Select(i => Target(PaidResourceType.Snapshot, $"snap-{i:d4}", i % 2 == 0 ? "us-east-1" : "eu-west-1", true, i % 3 == 0 ? "b" : "a"))
            .Append(Target(PaidResourceType.Snapshot, "snap-0000")) // the same resource twice counts once
            .ToList();

        var plan = GuardTagPlanner.Plan(targets, NothingTagged);

        Assert.Equal(450, plan.Decisions.Count);
        Assert.All(plan.Batches, b => Assert.InRange(b.ResourceIds.Count, 1, GuardTagPlanner.MaxResourcesPerCall));
        Assert.Equal(450, plan.Batches.Sum(b => b.ResourceIds.Count));
        Assert.Equal(plan.Batches.Count, plan.Batches.Select(b => (b.Region, b.Value, b.ResourceIds[0])).Distinct().Count());
        Assert.All(plan.Batches, b => Assert.All(b.ResourceIds, id => Assert.Equal(b.Region, targets.First(t => t.ResourceId == id).Region)));
        Assert.Equal(["eu-west-1", "us-east-1"], plan.Batches.Select(b => b.Region).Distinct());
    }

    [Fact]
    public void RefusesABatchSizeEc2WouldRefuse() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GuardTagPlanner.Plan([], NothingTagged, 1001));
}
