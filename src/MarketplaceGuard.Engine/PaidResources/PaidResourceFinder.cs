using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.Engine.PaidResources;

/// <summary>
/// Decides which resources of a region are paid, from describe results alone. Images and instances show their
/// product codes; snapshots and volumes do not (only a per-resource attribute call would, and discovery makes none),
/// so their codes are inferred through lineage, repeated until nothing changes:
/// a snapshot in a paid image's block device mapping, or taken from a paid volume, is paid;
/// a volume attached to a paid instance, or created from a paid snapshot, is paid;
/// an image of the account whose block device mapping holds a paid snapshot is paid (RegisterImage copies codes).
/// Limits (documented in Get-MarketplacePaidResource's help): a snapshot or volume whose paid parent is gone
/// (deregistered image, deleted volume, terminated instance) or lives in another region or account is not found,
/// and a data volume attached to a paid instance is reported although EC2 may not have put codes on it (the safe side).
/// </summary>
public static class PaidResourceFinder
{
    /// <summary>The product-code type of AWS Marketplace (the other, devpay, is the retired DevPay program).</summary>
    public const string MarketplaceCodeType = "marketplace";

    /// <summary>The owner alias of AMIs AWS Marketplace publishes.</summary>
    public const string MarketplaceOwnerAlias = "aws-marketplace";

    public static IReadOnlyList<PaidResource> Find(Ec2Inventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var lineage = new Lineage(inventory);
        lineage.Propagate();
        return lineage.Results();
    }

    private sealed class Lineage
    {
        private readonly Ec2Inventory inventory;
        private readonly Dictionary<string, SortedSet<string>> codes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> evidence = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> sourceImage = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ObservedInstance> instances;
        private readonly Dictionary<string, ObservedImage> images;

        public Lineage(Ec2Inventory inventory)
        {
            this.inventory = inventory;
            images = inventory.Images.GroupBy(i => i.ImageId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            instances = inventory.Instances.GroupBy(i => i.InstanceId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        }

        public void Propagate()
        {
            foreach (var image in images.Values)
            {
                var own = Marketplace(image.ProductCodes);
                if (own.Count > 0)
                {
                    Add(image.ImageId, own, "carries the product code", image.SourceImageId);
                }
                else if (image.OwnerAlias == MarketplaceOwnerAlias)
                {
                    Add(image.ImageId, [], "AWS Marketplace AMI (owner aws-marketplace)", image.SourceImageId);
                }
            }

            foreach (var instance in instances.Values)
            {
                var own = Marketplace(instance.ProductCodes);
                if (own.Count > 0)
                {
                    Add(instance.InstanceId, own, "carries the product code", instance.ImageId);
                }
                else if (instance.ImageId is { } imageId && codes.TryGetValue(imageId, out var imageCodes))
                {
                    Add(instance.InstanceId, imageCodes, $"launched from paid AMI {imageId}", imageId);
                }
            }

            bool changed;
            do
            {
                changed = false;
                foreach (var image in images.Values.Where(i => codes.ContainsKey(i.ImageId)))
                {
                    foreach (var snapshotId in image.SnapshotIds)
                    {
                        changed |= Add(snapshotId, codes[image.ImageId], $"in the block device mapping of paid AMI {image.ImageId}", image.ImageId);
                    }
                }

                foreach (var image in images.Values.Where(i => !codes.ContainsKey(i.ImageId)))
                {
                    if (image.SnapshotIds.FirstOrDefault(codes.ContainsKey) is { } paidSnapshot)
                    {
                        changed |= Add(image.ImageId, codes[paidSnapshot], $"registered from paid snapshot {paidSnapshot}", SourceOf(paidSnapshot));
                    }
                }

                foreach (var volume in inventory.Volumes)
                {
                    foreach (var instanceId in volume.AttachedInstanceIds.Where(codes.ContainsKey))
                    {
                        changed |= Add(volume.VolumeId, codes[instanceId], $"attached to paid instance {instanceId}", SourceOf(instanceId));
                    }

                    if (volume.SnapshotId is { Length: > 0 } snapshotId && codes.TryGetValue(snapshotId, out var snapshotCodes))
                    {
                        changed |= Add(volume.VolumeId, snapshotCodes, $"created from paid snapshot {snapshotId}", SourceOf(snapshotId));
                    }
                }

                foreach (var snapshot in inventory.Snapshots)
                {
                    if (snapshot.VolumeId is { Length: > 0 } volumeId && codes.TryGetValue(volumeId, out var volumeCodes))
                    {
                        changed |= Add(snapshot.SnapshotId, volumeCodes, $"taken from paid volume {volumeId}", SourceOf(volumeId));
                    }
                }
            }
            while (changed);
        }

        public List<PaidResource> Results()
        {
            var account = inventory.AccountId;
            var results = new List<PaidResource>();
            foreach (var image in images.Values.Where(i => codes.ContainsKey(i.ImageId)))
            {
                results.Add(Resource(PaidResourceType.Image, image.ImageId, image.OwnerId, image.OwnerAlias, image.State, image.Name, image.Tags, image.OwnerId == account));
            }

            foreach (var instance in instances.Values.Where(i => codes.ContainsKey(i.InstanceId)))
            {
                results.Add(Resource(PaidResourceType.Instance, instance.InstanceId, instance.OwnerId, null, instance.State, NameTag(instance.Tags), instance.Tags, instance.OwnerId is null || instance.OwnerId == account));
            }

            foreach (var snapshot in inventory.Snapshots.Where(s => codes.ContainsKey(s.SnapshotId)))
            {
                results.Add(Resource(PaidResourceType.Snapshot, snapshot.SnapshotId, snapshot.OwnerId, null, snapshot.State, NameTag(snapshot.Tags), snapshot.Tags, snapshot.OwnerId is null || snapshot.OwnerId == account));
            }

            foreach (var volume in inventory.Volumes.Where(v => codes.ContainsKey(v.VolumeId)))
            {
                // DescribeVolumes lists the caller's own volumes only.
                results.Add(Resource(PaidResourceType.Volume, volume.VolumeId, null, null, volume.State, NameTag(volume.Tags), volume.Tags, accountOwned: true));
            }

            return results;
        }

        private PaidResource Resource(PaidResourceType type, string id, string? ownerId, string? ownerAlias, string? state, string? name, IReadOnlyDictionary<string, string> tags, bool accountOwned) =>
            new(type, id, inventory.Region, inventory.AccountId)
            {
                ProductCodes = codes[id].ToArray(),
                OwnerId = ownerId,
                OwnerAlias = ownerAlias,
                State = state,
                Name = name,
                SourceImageId = sourceImage.GetValueOrDefault(id),
                Tags = tags,
                Evidence = evidence[id],
                IsAccountOwned = accountOwned,
            };

        private string? SourceOf(string id) => sourceImage.GetValueOrDefault(id);

        /// <summary>Records codes for a resource; the first evidence and source found stay. True when something new was learned.</summary>
        private bool Add(string id, IEnumerable<string> found, string why, string? source)
        {
            if (!codes.TryGetValue(id, out var set))
            {
                codes[id] = set = new SortedSet<string>(StringComparer.Ordinal);
                evidence[id] = why;
                if (source is not null && source != id)
                {
                    sourceImage[id] = source;
                }

                set.UnionWith(found);
                return true;
            }

            var before = set.Count;
            set.UnionWith(found);
            return set.Count != before;
        }

        private static List<string> Marketplace(IReadOnlyList<ObservedProductCode> productCodes) =>
            productCodes.Where(c => string.Equals(c.Type, MarketplaceCodeType, StringComparison.OrdinalIgnoreCase)).Select(c => c.Code).ToList();

        private static string? NameTag(IReadOnlyDictionary<string, string> tags) => tags.GetValueOrDefault("Name");
    }
}
