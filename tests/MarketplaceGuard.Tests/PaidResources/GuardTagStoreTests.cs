using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Ec2;
using MarketplaceGuard.Engine.PaidResources;

namespace MarketplaceGuard.Tests.PaidResources;

/// <summary>Reading and writing the guard tag against the fake endpoint: idempotence and partial failure.</summary>
public sealed class GuardTagStoreTests : IDisposable
{
    private static readonly IReadOnlySet<PaidResourceType> AllTypes = Enum.GetValues<PaidResourceType>().ToHashSet();
    private readonly Ec2Fixture fixture = new();
    private readonly GuardTagStore store;

    public GuardTagStoreTests()
    {
        store = new GuardTagStore(fixture.Session);
    }

    public void Dispose() => fixture.Dispose();

    /// <summary>Discover, read the tags, plan, apply: what the cmdlet does, without PowerShell.</summary>
    private async Task<(GuardTagPlan Plan, List<GuardTagBatchOutcome> Outcomes)> ProtectAsync(string region, int batchSize = GuardTagPlanner.MaxResourcesPerCall)
    {
        var found = await new PaidResourceDiscovery(fixture.Session).DiscoverRegionAsync(region, Ec2Fixture.AccountId, AllTypes, CancellationToken.None);
        var current = new Dictionary<string, IReadOnlyDictionary<string, string>> { [region] = await store.ReadAsync(region, CancellationToken.None) };
        var plan = GuardTagPlanner.Plan(found.Select(r => new GuardTagTarget(r.ResourceType, r.ResourceId, r.Region, r.ProductCodes, r.IsAccountOwned, r.OwnerId)), current, batchSize);
        var outcomes = new List<GuardTagBatchOutcome>();
        await store.ApplyAllAsync(GuardTagPlanner.Batch(plan.Decisions.Where(d => d.Action == GuardTagAction.Tag), batchSize), outcomes.Add, CancellationToken.None);
        return (plan, outcomes);
    }

    private void SeedPaidLineage(string regionName, int instances)
    {
        var marketplace = fixture.Ec2.AddMarketplaceImage(regionName, "prodcode1abc");
        var region = fixture.Region(regionName);
        for (var i = 0; i < instances; i++)
        {
            var instance = region.RunInstance(marketplace.Id);
            region.CreateImage(instance.Id, $"golden-{i}");
        }
    }

    [Fact]
    public async Task ASecondRunMakesNoWriteCall()
    {
        SeedPaidLineage("us-east-1", 3); // 3 derived AMIs, 3 snapshots, 3 root volumes to tag

        var (first, outcomes) = await ProtectAsync("us-east-1");
        var tagged = outcomes.Single();
        Assert.Equal(GuardTagBatchStatus.Tagged, tagged.Status);
        Assert.Equal(9, tagged.Batch.ResourceIds.Count);
        var image = fixture.Region("us-east-1").Images.First();
        Assert.Equal("prodcode1abc", image.Tags[GuardTag.Key]);
        Assert.Single(fixture.Server.Requests.ForOperation("CreateTags"));

        fixture.Server.Requests.Clear();
        var (second, none) = await ProtectAsync("us-east-1");

        Assert.Empty(none);
        Assert.Empty(fixture.Server.Requests.ForOperation("CreateTags"));
        Assert.Equal(9, second.Decisions.Count(d => d.Action == GuardTagAction.NoChange));
        Assert.Equal(1, fixture.Server.Requests.ForOperation("DescribeTags").Count);
    }

    [Fact]
    public async Task AFailedCallLeavesTheRestOfItsRegionUntaggedAndReportsWhatWasTagged()
    {
        SeedPaidLineage("us-east-1", 4);        // 12 to tag: batches of 5, 5, 2
        SeedPaidLineage("eu-west-1", 1);
        fixture.Server.Faults.FailNext(1, 403, "UnauthorizedOperation", operation: "CreateTags");
        var current = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        var targets = new List<GuardTagTarget>();
        foreach (var region in new[] { "eu-west-1", "us-east-1" })
        {
            current[region] = await store.ReadAsync(region, CancellationToken.None);
            var found = await new PaidResourceDiscovery(fixture.Session).DiscoverRegionAsync(region, Ec2Fixture.AccountId, AllTypes, CancellationToken.None);
            targets.AddRange(found.Select(r => new GuardTagTarget(r.ResourceType, r.ResourceId, r.Region, r.ProductCodes, r.IsAccountOwned, r.OwnerId)));
        }

        var plan = GuardTagPlanner.Plan(targets, current, maxResourcesPerCall: 5);
        var outcomes = new List<GuardTagBatchOutcome>();
        await store.ApplyAllAsync(plan.Batches, outcomes.Add, CancellationToken.None);

        // eu-west-1 comes first and takes the failure (403 is not retried); us-east-1 goes on.
        Assert.Equal(
            new[] { ("eu-west-1", GuardTagBatchStatus.Failed), ("us-east-1", GuardTagBatchStatus.Tagged), ("us-east-1", GuardTagBatchStatus.Tagged), ("us-east-1", GuardTagBatchStatus.Tagged) },
            outcomes.Select(o => (o.Batch.Region, o.Status)));
        Assert.Equal("UnauthorizedOperation", outcomes[0].Error!.Code);
        Assert.All(fixture.Region("eu-west-1").Images, i => Assert.False(i.Tags.ContainsKey(GuardTag.Key)));
        Assert.All(fixture.Region("us-east-1").Images, i => Assert.True(i.Tags.ContainsKey(GuardTag.Key)));
    }

    [Fact]
    public async Task AFailureInTheMiddleOfARegionReportsTheLaterBatchesAsNotAttempted()
    {
        SeedPaidLineage("us-east-1", 4);         // 12 to tag: batches of 5, 5, 2
        fixture.Server.Faults.ThrottleNext(1, operation: "DescribeTags"); // retried: the read still succeeds
        var current = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["us-east-1"] = await store.ReadAsync("us-east-1", CancellationToken.None) };
        var found = await new PaidResourceDiscovery(fixture.Session).DiscoverRegionAsync("us-east-1", Ec2Fixture.AccountId, AllTypes, CancellationToken.None);
        var plan = GuardTagPlanner.Plan(found.Select(r => new GuardTagTarget(r.ResourceType, r.ResourceId, r.Region, r.ProductCodes, r.IsAccountOwned, r.OwnerId)), current, 5);
        var outcomes = new List<GuardTagBatchOutcome>();
        var calls = 0;

        await store.ApplyAllAsync(plan.Batches, outcome =>
        {
            outcomes.Add(outcome);
            if (++calls == 1)
            {
                // After the first batch: the second one fails every attempt.
                fixture.Server.Faults.FailNext(Ec2Fixture.Fast.MaxAttempts, operation: "CreateTags");
            }
        }, CancellationToken.None);

        Assert.Equal(new[] { GuardTagBatchStatus.Tagged, GuardTagBatchStatus.Failed, GuardTagBatchStatus.NotAttempted }, outcomes.Select(o => o.Status));
        Assert.Equal("InternalError", outcomes[1].Error!.Code);
        Assert.Equal(Ec2Fixture.Fast.MaxAttempts, outcomes[1].Error!.Attempts);
        var taggedIds = fixture.Region("us-east-1").Images.Cast<FakeIam.Ec2.FakeEc2Resource>()
            .Concat(fixture.Region("us-east-1").Snapshots).Concat(fixture.Region("us-east-1").Volumes)
            .Where(r => r.Tags.ContainsKey(GuardTag.Key)).Select(r => r.Id).Order().ToArray();
        Assert.Equal(outcomes[0].Batch.ResourceIds.Order().ToArray(), taggedIds);
    }

    [Fact]
    public async Task ReadsTheGuardTagsOfARegionInOneListing()
    {
        SeedPaidLineage("us-east-1", 2);
        foreach (var image in fixture.Region("us-east-1").Images)
        {
            image.Tag(GuardTag.Key, "prodcode1abc").Tag("Name", "other tags are not read");
        }

        var values = await store.ReadAsync("us-east-1", CancellationToken.None);

        Assert.Equal(fixture.Region("us-east-1").Images.Select(i => i.Id).Order(), values.Keys.Order());
        var request = Assert.Single(fixture.Server.Requests.ForOperation("DescribeTags"));
        Assert.Equal(GuardTag.Key, request.Parameter("Filter.1.Value.1"));
    }
}
