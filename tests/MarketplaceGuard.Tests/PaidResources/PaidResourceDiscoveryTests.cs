using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Ec2;
using MarketplaceGuard.Engine.PaidResources;
using FakeProductCode = MarketplaceGuard.FakeIam.Ec2.FakeProductCode;
using FaultKind = MarketplaceGuard.FakeIam.FaultKind;

namespace MarketplaceGuard.Tests.PaidResources;

/// <summary>Discovery through AWSSDK.EC2 against the fake endpoint: regions, paging, throttling, lineage, errors.</summary>
public sealed class PaidResourceDiscoveryTests : IDisposable
{
    private static readonly IReadOnlySet<PaidResourceType> AllTypes = Enum.GetValues<PaidResourceType>().ToHashSet();
    private readonly Ec2Fixture fixture = new();
    private readonly PaidResourceDiscovery discovery;

    public PaidResourceDiscoveryTests()
    {
        discovery = new PaidResourceDiscovery(fixture.Session);
    }

    public void Dispose() => fixture.Dispose();

    [Fact]
    public async Task FindsAPaidLineageThroughDescribeResultsOnly()
    {
        var marketplace = fixture.Ec2.AddMarketplaceImage("us-east-1", "prodcode1abc", name: "vendor-appliance");
        var region = fixture.Region("us-east-1");
        var paid = region.RunInstance(marketplace.Id);                    // instance + root volume carry the code
        var derived = region.CreateImage(paid.Id, "golden-from-paid");    // AMI + snapshot of the root volume
        var restored = region.CreateVolume(derived.BlockDevices[0].SnapshotId); // volume from the paid snapshot
        var copy = region.CreateSnapshot(restored.Id);                    // snapshot of that volume
        var free = region.AddInstance("ami-0123456789abcdef0");
        region.AddVolume(attachedInstanceId: free.Id);
        region.AddSnapshot();

        var found = await discovery.DiscoverRegionAsync("us-east-1", Ec2Fixture.AccountId, AllTypes, CancellationToken.None);

        var byId = found.ToDictionary(r => r.ResourceId);
        Assert.Equal(
            new[] { marketplace.Id, derived.Id, paid.Id, derived.BlockDevices[0].SnapshotId, copy.Id, restored.Id }.Order().ToArray(),
            byId.Keys.Where(k => k != region.Volumes.Single(v => v.AttachedInstanceId == paid.Id).Id).Order().ToArray());
        Assert.True(byId.ContainsKey(region.Volumes.Single(v => v.AttachedInstanceId == paid.Id).Id));
        Assert.All(found, r => Assert.Equal(["prodcode1abc"], r.ProductCodes));
        Assert.False(byId[marketplace.Id].IsAccountOwned);
        Assert.Equal("aws-marketplace", byId[marketplace.Id].OwnerAlias);
        Assert.True(byId[derived.Id].IsAccountOwned);
        Assert.Equal(marketplace.Id, byId[paid.Id].SourceImageId);
        Assert.Equal(paid.Id, byId[paid.Id].InstanceId);
        Assert.Null(byId[paid.Id].ImageId);
        Assert.Equal(derived.Id, byId[derived.BlockDevices[0].SnapshotId].SourceImageId);
        Assert.Contains(restored.Id, byId[copy.Id].Evidence);

        // Lineage from list calls only: no attribute call, one call per list.
        var operations = fixture.Server.Requests.Select(r => r.Operation).ToList();
        Assert.DoesNotContain(operations, o => o!.EndsWith("Attribute", StringComparison.Ordinal));
        Assert.Equal(new[] { "DescribeImages", "DescribeInstances", "DescribeImages", "DescribeSnapshots", "DescribeVolumes" }, operations);
    }

    [Fact]
    public async Task AsksOnlyForWhatTheResourceTypesNeed()
    {
        fixture.Region("us-east-1").AddInstance("ami-0123456789abcdef0", productCodes: [new FakeProductCode("abc")]);

        var found = await discovery.DiscoverRegionAsync("us-east-1", Ec2Fixture.AccountId, new HashSet<PaidResourceType> { PaidResourceType.Instance }, CancellationToken.None);

        Assert.Single(found);
        Assert.Equal(new[] { "DescribeInstances" }, fixture.Server.Requests.Select(r => r.Operation));
    }

    [Fact]
    public async Task DiscoversTwoRegionsInParallelWithPagingAndThrottling()
    {
        foreach (var (name, count) in new[] { ("us-east-1", 2_345), ("eu-west-1", 1_001) })
        {
            var image = fixture.Ec2.AddMarketplaceImage(name, "code-" + name);
            var region = fixture.Region(name);
            for (var i = 0; i < count; i++)
            {
                region.AddInstance(image.Id, productCodes: image.ProductCodes);
            }
        }

        fixture.Server.Faults.ThrottleNext(3, operation: "DescribeInstances");
        var results = new ConcurrentBag<RegionDiscovery>();

        await discovery.DiscoverAsync(["us-east-1", "eu-west-1"], Ec2Fixture.AccountId, new HashSet<PaidResourceType> { PaidResourceType.Instance, PaidResourceType.Image }, 2, results.Add, CancellationToken.None);

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(2_346, results.Single(r => r.Region == "us-east-1").Resources.Count);
        Assert.Equal(1_002, results.Single(r => r.Region == "eu-west-1").Resources.Count);
        var instancePages = fixture.Server.Requests.ForOperation("DescribeInstances");
        Assert.Equal(3, instancePages.Count(r => r.ErrorCode == "RequestLimitExceeded" && r.StatusCode == 503));
        Assert.Equal(3, instancePages.Count(r => r.SigningRegion == "us-east-1" && r.StatusCode == 200));
        Assert.Equal(2, instancePages.Count(r => r.SigningRegion == "eu-west-1" && r.StatusCode == 200));
        Assert.All(instancePages, r => Assert.Equal("1000", r.Parameter("MaxResults")));
    }

    [Fact]
    public async Task AFailingRegionIsReportedAndTheOthersGoOn()
    {
        fixture.Region("us-west-2").AddInstance("ami-0123456789abcdef0", productCodes: [new FakeProductCode("abc")]);
        fixture.Region("eu-central-1").AddInstance("ami-0123456789abcdef0", productCodes: [new FakeProductCode("abc")]);
        fixture.Ec2.DefaultAccount.Deny("DescribeInstances", "eu-central-1");
        var results = new ConcurrentBag<RegionDiscovery>();

        await discovery.DiscoverAsync(["us-west-2", "eu-central-1", "af-south-1"], Ec2Fixture.AccountId, AllTypes, 4, results.Add, CancellationToken.None);

        Assert.Single(results.Single(r => r.Region == "us-west-2").Resources);
        var denied = results.Single(r => r.Region == "eu-central-1").Error!;
        Assert.Equal("UnauthorizedOperation", denied.Code);
        Assert.StartsWith("eu-central-1: DescribeInstances failed: UnauthorizedOperation", denied.Message, StringComparison.Ordinal);
        Assert.Equal(1, denied.Attempts);
        Assert.Equal("OptInRequired", results.Single(r => r.Region == "af-south-1").Error!.Code);
    }

    [Fact]
    public async Task ThrottlingThatOutlastsTheRetriesFailsThatRegionOnly()
    {
        fixture.Server.Faults.ThrottleNext(Ec2Fixture.Fast.MaxAttempts, operation: "DescribeInstances");
        var error = await Assert.ThrowsAsync<Ec2Exception>(() => discovery.DiscoverRegionAsync("us-east-1", Ec2Fixture.AccountId, AllTypes, CancellationToken.None));

        Assert.Equal("RequestLimitExceeded", error.Code);
        Assert.Equal(Ec2Fixture.Fast.MaxAttempts, error.Attempts);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task SurvivesACutReplyADroppedConnectionAndAServerErrorByRetrying()
    {
        fixture.Region("us-east-1").AddInstance("ami-0123456789abcdef0", productCodes: [new FakeProductCode("abc")]);
        fixture.Server.Faults.MalformedNext(1, operation: "DescribeInstances");
        fixture.Server.Faults.DropNextConnection(1, operation: "DescribeInstances");
        fixture.Server.Faults.FailNext(1, operation: "DescribeInstances");

        var found = await discovery.DiscoverRegionAsync("us-east-1", Ec2Fixture.AccountId, new HashSet<PaidResourceType> { PaidResourceType.Instance }, CancellationToken.None);

        Assert.Single(found);
        Assert.Equal(
            new[] { FaultKind.Malformed, FaultKind.DropConnection, FaultKind.Failure, FaultKind.None },
            fixture.Server.Requests.ForOperation("DescribeInstances").Select(r => r.Fault));
    }

    [Fact]
    public async Task ListsRegionsWithTheirOptInStatus()
    {
        fixture.Ec2.DefaultAccount.OptIn("ap-east-1");

        var regions = await discovery.DescribeRegionsAsync("us-east-1", CancellationToken.None);

        Assert.Contains(new Ec2RegionInfo("us-east-1", "opt-in-not-required"), regions);
        Assert.Contains(new Ec2RegionInfo("ap-east-1", "opted-in"), regions);
        Assert.False(regions.Single(r => r.Name == "af-south-1").IsEnabled);
    }

    [Fact]
    public async Task SeesOnlyTheAccountOfItsCredentials()
    {
        fixture.Ec2.MapAccessKey("AKIAOTHERACCOUNT0000", "444455556666");
        fixture.Ec2.Account("444455556666").Region("us-east-1").AddInstance("ami-0123456789abcdef0", productCodes: [new FakeProductCode("abc")]);

        var found = await discovery.DiscoverRegionAsync("us-east-1", Ec2Fixture.AccountId, AllTypes, CancellationToken.None);

        Assert.Empty(found);
    }
}
