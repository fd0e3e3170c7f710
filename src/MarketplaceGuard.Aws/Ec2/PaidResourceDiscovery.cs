using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using MarketplaceGuard.Engine.PaidResources;

namespace MarketplaceGuard.Aws.Ec2;

/// <summary>
/// Reads what <see cref="PaidResourceFinder"/> needs, per region, with list calls only (no per-resource call):
/// DescribeImages of the account's own images with a Marketplace product code; DescribeInstances of instances with
/// one; DescribeImages of the AMIs those instances were launched from that the account does not own (the
/// Marketplace AMIs in use), by image-id filter; and, when snapshots or volumes are asked for, every snapshot the
/// account owns and every volume (their describe results carry no product codes: the finder infers them).
/// Pages of 1,000 (MaxResults) wherever EC2 allows it. Regions run in parallel, at most a given number at once; a
/// region that fails is reported as such and the others go on.
/// </summary>
public sealed class PaidResourceDiscovery
{
    /// <summary>EC2's largest page.</summary>
    public const int PageSize = 1000;

    /// <summary>Values per filter in one call (EC2 caps filter values; 200 is within every documented cap).</summary>
    public const int FilterValuesPerCall = 200;

    private static readonly List<Filter> MarketplaceCoded = [new Filter("product-code.type", ["marketplace"])];
    private readonly Ec2Session session;

    public PaidResourceDiscovery(Ec2Session session)
    {
        this.session = session;
    }

    /// <summary>Every region EC2 knows for the account, enabled or not (DescribeRegions with AllRegions), asked in <paramref name="homeRegion"/>.</summary>
    public async Task<IReadOnlyList<Ec2RegionInfo>> DescribeRegionsAsync(string homeRegion, CancellationToken cancellation)
    {
        var response = await session.CallAsync(homeRegion, "DescribeRegions",
            (client, token) => client.DescribeRegionsAsync(new DescribeRegionsRequest { AllRegions = true }, token), cancellation).ConfigureAwait(false);
        return (response.Regions ?? []).Select(r => new Ec2RegionInfo(r.RegionName, r.OptInStatus ?? "opt-in-not-required")).ToList();
    }

    /// <summary>
    /// Discovers the regions, at most <paramref name="maxParallelRegions"/> at once; <paramref name="completed"/> is
    /// called once per region (from worker threads) with its resources of <paramref name="types"/> or its error.
    /// </summary>
    public async Task DiscoverAsync(IReadOnlyList<string> regions, string accountId, IReadOnlySet<PaidResourceType> types, int maxParallelRegions, Action<RegionDiscovery> completed, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallelRegions, 1);
        using var gate = new SemaphoreSlim(maxParallelRegions);
        var work = regions.Select(async region =>
        {
            await gate.WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                var resources = await DiscoverRegionAsync(region, accountId, types, cancellation).ConfigureAwait(false);
                completed(new RegionDiscovery(region, resources, null));
            }
            catch (Ec2Exception e)
            {
                completed(new RegionDiscovery(region, [], e));
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(work).ConfigureAwait(false);
    }

    /// <summary>One region: reads it and returns its paid resources of <paramref name="types"/>, sorted by type and id.</summary>
    public async Task<IReadOnlyList<PaidResource>> DiscoverRegionAsync(string region, string accountId, IReadOnlySet<PaidResourceType> types, CancellationToken cancellation)
    {
        var lineage = types.Contains(PaidResourceType.Snapshot) || types.Contains(PaidResourceType.Volume);
        var images = new List<ObservedImage>();
        if (types.Contains(PaidResourceType.Image) || lineage)
        {
            images.AddRange(await PagesAsync(region, "DescribeImages",
                (client, token, next) => client.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"], Filters = MarketplaceCoded, MaxResults = PageSize, NextToken = next }, token),
                r => (r.Images ?? []).Select(Observe), r => r.NextToken, cancellation).ConfigureAwait(false));
        }

        var instances = await PagesAsync(region, "DescribeInstances",
            (client, token, next) => client.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = MarketplaceCoded, MaxResults = PageSize, NextToken = next }, token),
            r => (r.Reservations ?? []).SelectMany(reservation => (reservation.Instances ?? []).Select(i => Observe(i, reservation.OwnerId))), r => r.NextToken, cancellation).ConfigureAwait(false);

        if (types.Contains(PaidResourceType.Image) || lineage)
        {
            var known = images.Select(i => i.ImageId).ToHashSet(StringComparer.Ordinal);
            var inUse = instances.Select(i => i.ImageId).OfType<string>().Where(id => !known.Contains(id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            foreach (var batch in inUse.Chunk(FilterValuesPerCall))
            {
                // A filter, not ImageId.N: a deregistered AMI is then simply absent instead of failing the whole call.
                images.AddRange(await PagesAsync(region, "DescribeImages",
                    (client, token, next) => client.DescribeImagesAsync(new DescribeImagesRequest { Filters = [new Filter("image-id", [.. batch])], MaxResults = PageSize, NextToken = next }, token),
                    r => (r.Images ?? []).Select(Observe), r => r.NextToken, cancellation).ConfigureAwait(false));
            }
        }

        var snapshots = new List<ObservedSnapshot>();
        var volumes = new List<ObservedVolume>();
        if (lineage)
        {
            snapshots = await PagesAsync(region, "DescribeSnapshots",
                (client, token, next) => client.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"], MaxResults = PageSize, NextToken = next }, token),
                r => (r.Snapshots ?? []).Select(Observe), r => r.NextToken, cancellation).ConfigureAwait(false);
            volumes = await PagesAsync(region, "DescribeVolumes",
                (client, token, next) => client.DescribeVolumesAsync(new DescribeVolumesRequest { MaxResults = PageSize, NextToken = next }, token),
                r => (r.Volumes ?? []).Select(Observe), r => r.NextToken, cancellation).ConfigureAwait(false);
        }

        var found = PaidResourceFinder.Find(new Ec2Inventory(region, accountId, images, instances, snapshots, volumes));
        return found.Where(r => types.Contains(r.ResourceType))
            .OrderBy(r => r.ResourceType)
            .ThenBy(r => r.ResourceId, StringComparer.Ordinal)
            .ToList();
    }

    private async Task<List<TItem>> PagesAsync<TResponse, TItem>(
        string region,
        string operation,
        Func<AmazonEC2Client, CancellationToken, string?, Task<TResponse>> call,
        Func<TResponse, IEnumerable<TItem>> items,
        Func<TResponse, string?> nextToken,
        CancellationToken cancellation)
        where TResponse : AmazonWebServiceResponse
    {
        var all = new List<TItem>();
        string? next = null;
        do
        {
            var token = next;
            var page = await session.CallAsync(region, operation, (client, ct) => call(client, ct, token), cancellation).ConfigureAwait(false);
            all.AddRange(items(page));
            next = nextToken(page);
            if (next is not null && next == token)
            {
                throw new Ec2Exception(region, operation, "MalformedResponse", "the reply repeats the NextToken it was given", 200, null, 1);
            }
        }
        while (!string.IsNullOrEmpty(next));

        return all;
    }

    private static Dictionary<string, string> Tags(List<Tag>? tags) =>
        (tags ?? []).Where(t => t.Key is not null).GroupBy(t => t.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value ?? string.Empty, StringComparer.Ordinal);

    private static List<ObservedProductCode> Codes(List<ProductCode>? codes) =>
        (codes ?? []).Where(c => c.ProductCodeId is not null).Select(c => new ObservedProductCode(c.ProductCodeId, c.ProductCodeType?.Value ?? string.Empty)).ToList();

    private static ObservedImage Observe(Image image) => new(
        image.ImageId,
        image.OwnerId,
        image.ImageOwnerAlias,
        image.Name,
        image.State?.Value,
        Codes(image.ProductCodes),
        (image.BlockDeviceMappings ?? []).Select(b => b.Ebs?.SnapshotId).OfType<string>().Where(s => s.Length > 0).ToList(),
        Tags(image.Tags),
        image.SourceImageId);

    private static ObservedInstance Observe(Instance instance, string? ownerId) => new(
        instance.InstanceId,
        ownerId,
        instance.ImageId,
        instance.State?.Name?.Value,
        Codes(instance.ProductCodes),
        Tags(instance.Tags));

    private static ObservedSnapshot Observe(Snapshot snapshot) => new(
        snapshot.SnapshotId,
        snapshot.OwnerId,
        snapshot.VolumeId,
        snapshot.State?.Value,
        snapshot.Description,
        Tags(snapshot.Tags));

    private static ObservedVolume Observe(Volume volume) => new(
        volume.VolumeId,
        string.IsNullOrEmpty(volume.SnapshotId) ? null : volume.SnapshotId,
        volume.State?.Value,
        (volume.Attachments ?? []).Select(a => a.InstanceId).OfType<string>().ToList(),
        Tags(volume.Tags));
}
