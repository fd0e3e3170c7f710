using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.FakeIam.Ec2;

/// <summary>
/// One account's EC2 resources in one region, with the lineage operations that carry product codes the way EC2
/// does: an instance gets its AMI's codes, a root volume its snapshot's, a snapshot its volume's, a volume its
/// snapshot's, an image made from an instance (or registered from snapshots) the codes of both, and attaching a
/// volume copies its codes to the instance. Lock <see cref="FakeEc2.SyncRoot"/> while the server runs.
/// </summary>
public sealed class FakeEc2Region
{
    private readonly FakeEc2 ec2;
    private readonly Dictionary<string, FakeImage> images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeInstance> instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeSnapshot> snapshots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeVolume> volumes = new(StringComparer.Ordinal);

    internal FakeEc2Region(FakeEc2 ec2, FakeEc2Account account, string name)
    {
        this.ec2 = ec2;
        Account = account;
        Name = name;
    }

    public FakeEc2Account Account { get; }

    public string Name { get; }

    /// <summary>In the order they were added (EC2's own order is unspecified; a stable one keeps paging simple).</summary>
    public IReadOnlyCollection<FakeImage> Images => images.Values;

    public IReadOnlyCollection<FakeInstance> Instances => instances.Values;

    public IReadOnlyCollection<FakeSnapshot> Snapshots => snapshots.Values;

    public IReadOnlyCollection<FakeVolume> Volumes => volumes.Values;

    public FakeImage? FindImage(string id) => images.GetValueOrDefault(id);

    public FakeInstance? FindInstance(string id) => instances.GetValueOrDefault(id);

    public FakeSnapshot? FindSnapshot(string id) => snapshots.GetValueOrDefault(id);

    public FakeVolume? FindVolume(string id) => volumes.GetValueOrDefault(id);

    public FakeEc2Resource? Find(string id) =>
        (FakeEc2Resource?)FindImage(id) ?? (FakeEc2Resource?)FindInstance(id) ?? (FakeEc2Resource?)FindSnapshot(id) ?? FindVolume(id);

    // ---- plain additions (seeding): codes as given, nothing propagated ----

    public FakeImage AddImage(string? id = null, string name = "image", IEnumerable<FakeProductCode>? productCodes = null, IEnumerable<string>? snapshotIds = null)
    {
        var image = new FakeImage(id ?? ec2.NewId("ami-"), Account.AccountId) { Name = name };
        image.AddProductCodes(productCodes ?? []);
        var device = 'a';
        foreach (var snapshotId in snapshotIds ?? [])
        {
            image.BlockDevices.Add(($"/dev/xvd{device++}", snapshotId));
        }

        Add(images, image);
        return image;
    }

    public FakeInstance AddInstance(string imageId, string? id = null, IEnumerable<FakeProductCode>? productCodes = null, string? reservationId = null, string state = "running")
    {
        var instance = new FakeInstance(id ?? ec2.NewId("i-"), Account.AccountId, reservationId ?? ec2.NewId("r-"), imageId) { State = state };
        instance.AddProductCodes(productCodes ?? []);
        Add(instances, instance);
        return instance;
    }

    public FakeSnapshot AddSnapshot(string? volumeId = null, string? id = null, IEnumerable<FakeProductCode>? productCodes = null)
    {
        var snapshot = new FakeSnapshot(id ?? ec2.NewId("snap-"), Account.AccountId, volumeId);
        snapshot.AddProductCodes(productCodes ?? []);
        Add(snapshots, snapshot);
        return snapshot;
    }

    public FakeVolume AddVolume(string? snapshotId = null, string? id = null, IEnumerable<FakeProductCode>? productCodes = null, string? attachedInstanceId = null)
    {
        var volume = new FakeVolume(id ?? ec2.NewId("vol-"), Account.AccountId, snapshotId)
        {
            AttachedInstanceId = attachedInstanceId,
            AvailabilityZone = Name + "a",
        };
        volume.AddProductCodes(productCodes ?? []);
        Add(volumes, volume);
        return volume;
    }

    // ---- lineage (codes propagate as in EC2) ----

    /// <summary>RunInstances: the instance gets the AMI's codes; each block device becomes a volume with the codes of its snapshot and the AMI.</summary>
    public FakeInstance RunInstance(string imageId, string? id = null, string? reservationId = null)
    {
        var image = ec2.VisibleImage(Account, Name, imageId)
            ?? throw new InvalidOperationException($"No image {imageId} is visible to {Account.AccountId} in {Name}.");
        var instance = AddInstance(imageId, id, image.ProductCodes, reservationId);
        foreach (var (device, snapshotId) in image.BlockDevices)
        {
            var volume = AddVolume(snapshotId, attachedInstanceId: instance.Id, productCodes: image.ProductCodes);
            volume.Device = device;
            if (FindSnapshot(snapshotId) is { } snapshot)
            {
                volume.AddProductCodes(snapshot.ProductCodes);
            }
        }

        return instance;
    }

    /// <summary>CreateImage: a snapshot of each attached volume, and an AMI with the codes of the instance and its volumes.</summary>
    public FakeImage CreateImage(string instanceId, string name = "image", string? id = null)
    {
        var instance = FindInstance(instanceId) ?? throw new InvalidOperationException($"No instance {instanceId} in {Name}.");
        var attached = volumes.Values.Where(v => v.AttachedInstanceId == instance.Id).ToList();
        var image = AddImage(id, name, instance.ProductCodes);
        image.SourceInstanceId = instance.Id;
        foreach (var volume in attached)
        {
            var snapshot = CreateSnapshot(volume.Id);
            snapshot.Description = $"Created by CreateImage({instance.Id}) for {image.Id}";
            image.BlockDevices.Add((volume.Device, snapshot.Id));
            image.AddProductCodes(snapshot.ProductCodes);
        }

        return image;
    }

    /// <summary>CreateSnapshot: the snapshot carries the volume's codes.</summary>
    public FakeSnapshot CreateSnapshot(string volumeId, string? id = null)
    {
        var volume = FindVolume(volumeId) ?? throw new InvalidOperationException($"No volume {volumeId} in {Name}.");
        return AddSnapshot(volume.Id, id, volume.ProductCodes);
    }

    /// <summary>CreateVolume from a snapshot: the volume carries the snapshot's codes.</summary>
    public FakeVolume CreateVolume(string snapshotId, string? id = null)
    {
        var snapshot = FindSnapshot(snapshotId) ?? throw new InvalidOperationException($"No snapshot {snapshotId} in {Name}.");
        return AddVolume(snapshot.Id, id, snapshot.ProductCodes);
    }

    /// <summary>RegisterImage from snapshots: the AMI carries their codes.</summary>
    public FakeImage RegisterImage(IEnumerable<string> snapshotIds, string name = "registered", string? id = null)
    {
        var ids = snapshotIds.ToList();
        var image = AddImage(id, name, snapshotIds: ids);
        foreach (var snapshotId in ids)
        {
            image.AddProductCodes((FindSnapshot(snapshotId) ?? throw new InvalidOperationException($"No snapshot {snapshotId} in {Name}.")).ProductCodes);
        }

        return image;
    }

    /// <summary>AttachVolume: the volume's codes are copied to the instance.</summary>
    public void AttachVolume(string volumeId, string instanceId, string device = "/dev/xvdf")
    {
        var volume = FindVolume(volumeId) ?? throw new InvalidOperationException($"No volume {volumeId} in {Name}.");
        var instance = FindInstance(instanceId) ?? throw new InvalidOperationException($"No instance {instanceId} in {Name}.");
        volume.AttachedInstanceId = instance.Id;
        volume.Device = device;
        instance.AddProductCodes(volume.ProductCodes);
    }

    /// <summary>
    /// Makes stored codes follow the lineage of resources added without them (a seed file lists what exists, not
    /// how it came to be): repeats the rules above until nothing changes.
    /// </summary>
    public void PropagateProductCodes()
    {
        bool changed;
        do
        {
            changed = false;
            foreach (var instance in instances.Values)
            {
                if (ec2.VisibleImage(Account, Name, instance.ImageId) is { } image)
                {
                    changed |= instance.AddProductCodes(image.ProductCodes);
                }
            }

            foreach (var volume in volumes.Values)
            {
                if (volume.SnapshotId is { } snapshotId && FindSnapshot(snapshotId) is { } snapshot)
                {
                    changed |= volume.AddProductCodes(snapshot.ProductCodes);
                }

                if (volume.AttachedInstanceId is { } instanceId && FindInstance(instanceId) is { } instance)
                {
                    changed |= instance.AddProductCodes(volume.ProductCodes);
                    if (volume.SnapshotId is { } rootSnapshot && ec2.VisibleImage(Account, Name, instance.ImageId) is { } launched
                        && launched.BlockDevices.Any(b => b.SnapshotId == rootSnapshot))
                    {
                        changed |= volume.AddProductCodes(launched.ProductCodes);
                    }
                }
            }

            foreach (var snapshot in snapshots.Values)
            {
                if (snapshot.VolumeId is { } volumeId && FindVolume(volumeId) is { } volume)
                {
                    changed |= snapshot.AddProductCodes(volume.ProductCodes);
                }
            }

            foreach (var image in images.Values)
            {
                foreach (var (_, snapshotId) in image.BlockDevices)
                {
                    if (FindSnapshot(snapshotId) is { } snapshot)
                    {
                        changed |= image.AddProductCodes(snapshot.ProductCodes);
                    }
                }
            }
        }
        while (changed);
    }

    private void Add<T>(Dictionary<string, T> items, T resource)
        where T : FakeEc2Resource
    {
        if (Find(resource.Id) is not null)
        {
            throw new InvalidOperationException($"{resource.Id} already exists in {Account.AccountId} {Name}.");
        }

        items.Add(resource.Id, resource);
    }
}
