using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.PaidResources;

namespace MarketplaceGuard.Tests.PaidResources;

/// <summary>The lineage rules, on describe results alone (no endpoint).</summary>
public sealed class PaidResourceFinderTests
{
    private const string Account = "111122223333";
    private static readonly Dictionary<string, string> NoTags = new();
    private static readonly ObservedProductCode Paid = new("prod1", "marketplace");

    private static ObservedImage Image(string id, string owner = Account, string? alias = null, ObservedProductCode[]? codes = null, string[]? snapshots = null) =>
        new(id, owner, alias, id + "-name", "available", codes ?? [], snapshots ?? [], NoTags, null);

    private static ObservedInstance Instance(string id, string imageId, ObservedProductCode[]? codes = null) =>
        new(id, Account, imageId, "running", codes ?? [], new Dictionary<string, string> { ["Name"] = id + "-tag" });

    private static ObservedSnapshot Snapshot(string id, string? volumeId = null) => new(id, Account, volumeId, "completed", null, NoTags);

    private static ObservedVolume Volume(string id, string? snapshotId = null, params string[] attachedTo) => new(id, snapshotId, "in-use", attachedTo, NoTags);

    private static Dictionary<string, PaidResource> Find(IEnumerable<ObservedImage>? images = null, IEnumerable<ObservedInstance>? instances = null, IEnumerable<ObservedSnapshot>? snapshots = null, IEnumerable<ObservedVolume>? volumes = null) =>
        PaidResourceFinder.Find(new Ec2Inventory("us-east-1", Account, [.. images ?? []], [.. instances ?? []], [.. snapshots ?? []], [.. volumes ?? []]))
            .ToDictionary(r => r.ResourceId);

    [Fact]
    public void FollowsCodesFromInstanceToVolumeToSnapshotToVolumeToImage()
    {
        var found = Find(
            images: [Image("ami-mp", "679593333241", "aws-marketplace", [Paid], ["snap-mp"]), Image("ami-registered", snapshots: ["snap-2"])],
            instances: [Instance("i-1", "ami-mp", [Paid])],
            volumes: [Volume("vol-root", "snap-mp", "i-1"), Volume("vol-restored", "snap-2")],
            snapshots: [Snapshot("snap-2", "vol-root"), Snapshot("snap-3", "vol-restored")]);

        Assert.Equal(["ami-mp", "ami-registered", "i-1", "snap-2", "snap-3", "vol-restored", "vol-root"], found.Keys.Order());
        Assert.All(found.Values, r => Assert.Equal(["prod1"], r.ProductCodes));
        Assert.Equal("attached to paid instance i-1", found["vol-root"].Evidence);
        Assert.Equal("taken from paid volume vol-root", found["snap-2"].Evidence);
        Assert.Equal("created from paid snapshot snap-2", found["vol-restored"].Evidence);
        Assert.Equal("registered from paid snapshot snap-2", found["ami-registered"].Evidence);
        Assert.Equal("ami-mp", found["snap-3"].SourceImageId);
        Assert.False(found["ami-mp"].IsAccountOwned);
        Assert.True(found["ami-registered"].IsAccountOwned);
        Assert.Equal("i-1-tag", found["i-1"].Name);
    }

    [Fact]
    public void IgnoresDevPayCodesAndUnrelatedResources()
    {
        var found = Find(
            images: [Image("ami-devpay", codes: [new("legacy", "devpay")], snapshots: ["snap-a"])],
            instances: [Instance("i-free", "ami-free")],
            volumes: [Volume("vol-free", "snap-a", "i-free")],
            snapshots: [Snapshot("snap-a"), Snapshot("snap-b", "vol-free")]);

        Assert.Empty(found);
    }

    [Fact]
    public void AnInstanceOfAPaidImageIsPaidEvenWhenItsOwnCodesWereNotReturned()
    {
        var found = Find(images: [Image("ami-derived", codes: [Paid])], instances: [Instance("i-2", "ami-derived")]);

        Assert.Equal("launched from paid AMI ami-derived", found["i-2"].Evidence);
        Assert.Equal("ami-derived", found["i-2"].SourceImageId);
    }

    [Fact]
    public void UnionsTheCodesOfEveryPaidParent()
    {
        var found = Find(
            instances: [Instance("i-a", "ami-x", [new("aaa", "marketplace")]), Instance("i-b", "ami-y", [new("bbb", "marketplace")])],
            volumes: [Volume("vol-shared", null, "i-a", "i-b")]);

        Assert.Equal(["aaa", "bbb"], found["vol-shared"].ProductCodes);
    }

    [Fact]
    public void SetsOnlyTheIdPropertyOfItsOwnType()
    {
        var found = Find(instances: [Instance("i-3", "ami-z", [Paid])], volumes: [Volume("vol-3", null, "i-3")]);

        Assert.Equal(("i-3", null, null, null), (found["i-3"].InstanceId, found["i-3"].ImageId, found["i-3"].SnapshotId, found["i-3"].VolumeId));
        Assert.Equal((null, null, null, "vol-3"), (found["vol-3"].InstanceId, found["vol-3"].ImageId, found["vol-3"].SnapshotId, found["vol-3"].VolumeId));
        Assert.False(found["vol-3"].Protected);
    }

    [Fact]
    public void AResourceWithTheGuardTagIsProtected()
    {
        var tagged = new ObservedSnapshot("snap-t", Account, null, "completed", null, new Dictionary<string, string> { [GuardTag.Key] = "prod1" });

        var found = Find(images: [Image("ami-t", codes: [Paid], snapshots: ["snap-t"])], snapshots: [tagged]);

        Assert.True(found["snap-t"].Protected);
        Assert.False(found["ami-t"].Protected);
    }
}
