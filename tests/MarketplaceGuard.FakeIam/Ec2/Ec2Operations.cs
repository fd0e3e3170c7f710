using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.FakeIam.Ec2;

/// <summary>
/// The EC2 operations the module uses (Version 2016-11-15): DescribeImages, DescribeInstances, DescribeSnapshots,
/// DescribeVolumes, DescribeRegions, DescribeTags, CreateTags and DeleteTags. Each runs under
/// <see cref="FakeEc2.SyncRoot"/> for the account of the access key and the region of the credential scope.
/// </summary>
internal sealed class Ec2Operations
{
    public const string ApiVersion = "2016-11-15";
    private const int MaxTagsPerResource = 50;
    private const int MaxResourcesPerTagCall = 1000;
    private readonly FakeEc2 ec2;
    private readonly Dictionary<string, Action<Ec2Request, Ec2XmlWriter>> handlers;

    public Ec2Operations(FakeEc2 ec2)
    {
        this.ec2 = ec2;
        handlers = new(StringComparer.Ordinal)
        {
            ["DescribeImages"] = DescribeImages,
            ["DescribeInstances"] = DescribeInstances,
            ["DescribeSnapshots"] = DescribeSnapshots,
            ["DescribeVolumes"] = DescribeVolumes,
            ["DescribeRegions"] = DescribeRegions,
            ["DescribeTags"] = DescribeTags,
            ["CreateTags"] = CreateTags,
            ["DeleteTags"] = DeleteTags,
        };
    }

    public IReadOnlyCollection<string> Operations => handlers.Keys;

    /// <summary>Runs the request's action as <paramref name="accessKeyId"/>'s account in <paramref name="region"/>.</summary>
    public string Execute(QueryRequest query, string? accessKeyId, string? region, string requestId)
    {
        var action = query.Action!;
        if (!handlers.TryGetValue(action, out var handler))
        {
            throw new Ec2Exception("InvalidAction", 400, $"The action {action} is not valid for this web service.");
        }

        lock (ec2.SyncRoot)
        {
            if (region is null || ec2.FindRegion(region) is null)
            {
                throw new Ec2Exception("AuthFailure", 401, $"The fake EC2 endpoint serves no region '{region}'; sign for one of its regions.");
            }

            var account = ec2.AccountFor(accessKeyId);
            if (!account.IsEnabled(region))
            {
                throw new Ec2Exception("OptInRequired", 401, $"You are not subscribed to this service in {region}. The region is not enabled for account {account.AccountId}.");
            }

            if (account.IsDenied(action, region))
            {
                throw Ec2Exception.Unauthorized(action);
            }

            var writer = new Ec2XmlWriter(action, requestId);
            handler(new Ec2Request(query, account, region), writer);
            return writer.Finish();
        }
    }

    // ---- DescribeImages ----

    private void DescribeImages(Ec2Request request, Ec2XmlWriter w)
    {
        var account = request.Account;
        var visible = ec2.VisibleImages(account, request.Region).ToList();
        var ids = request.List("ImageId");
        IEnumerable<FakeImage> images = visible;
        if (ids.Count > 0)
        {
            foreach (var id in ids)
            {
                CheckId(id, "image", "InvalidAMIID.Malformed");
            }

            var missing = ids.Where(id => visible.All(i => i.Id != id)).ToList();
            if (missing.Count > 0)
            {
                throw new Ec2Exception("InvalidAMIID.NotFound", 400, $"The image id '[{string.Join(", ", missing)}]' does not exist");
            }

            images = visible.Where(i => ids.Contains(i.Id));
        }

        var owners = request.List("Owner");
        if (owners.Count > 0)
        {
            images = images.Where(i => owners.Any(o => OwnerMatches(o, i, account)));
        }

        var executableBy = request.List("ExecutableBy");
        if (executableBy.Count > 0)
        {
            images = images.Where(i => executableBy.Any(e => e == "all" ? i.IsPublic
                : (e == "self" || e == account.AccountId) ? i.OwnerId == account.AccountId || i.SharedWith.Contains(account.AccountId)
                : i.SharedWith.Contains(e)));
        }

        images = Filtered(images, request.Filters(), ImageValues);
        var page = request.Page(images.ToList(), strictRange: false, out var next);
        w.List("imagesSet", page, image =>
        {
            w.Element("imageId", image.Id);
            w.Element("imageLocation", $"{image.OwnerId}/{image.Name}");
            w.Element("imageState", image.State);
            w.Element("imageOwnerId", image.OwnerId);
            w.Element("creationDate", image.CreationDate);
            w.Element("isPublic", image.IsPublic);
            w.ProductCodes(image.ProductCodes);
            w.Element("architecture", "x86_64");
            w.Element("imageType", "machine");
            w.Element("imageOwnerAlias", image.OwnerAlias);
            w.Element("name", image.Name);
            w.Element("rootDeviceType", "ebs");
            w.Element("rootDeviceName", image.BlockDevices.Count > 0 ? image.BlockDevices[0].DeviceName : "/dev/xvda");
            w.List("blockDeviceMapping", image.BlockDevices, device =>
            {
                w.Element("deviceName", device.DeviceName);
                w.Start("ebs");
                w.Element("snapshotId", device.SnapshotId);
                w.Element("volumeSize", 8);
                w.Element("deleteOnTermination", true);
                w.Element("volumeType", "gp3");
                w.Element("encrypted", false);
                w.End();
            });
            w.Element("virtualizationType", "hvm");
            w.TagSet(image.Tags);
            w.Element("hypervisor", "xen");
            w.Element("sourceInstanceId", image.SourceInstanceId);
            w.Element("sourceImageId", image.SourceImageId);
            w.Element("sourceImageRegion", image.SourceImageRegion);
        });
        w.Element("nextToken", next);
    }

    private static bool OwnerMatches(string owner, FakeImage image, FakeEc2Account account) => owner switch
    {
        "self" => image.OwnerId == account.AccountId,
        "amazon" or "aws-marketplace" or "aws-backup-vault" => image.OwnerAlias == owner,
        _ when owner.Length == 12 && owner.All(char.IsAsciiDigit) => image.OwnerId == owner,
        _ => throw Ec2Exception.InvalidParameterValue($"Invalid value '{owner}' for Owner: an account id, self, amazon, aws-backup-vault or aws-marketplace is expected."),
    };

    private static IEnumerable<string?>? ImageValues(FakeImage image, string filter) => filter switch
    {
        "image-id" => [image.Id],
        "name" => [image.Name],
        "state" => [image.State],
        "owner-id" => [image.OwnerId],
        "owner-alias" => [image.OwnerAlias],
        "is-public" => [image.IsPublic ? "true" : "false"],
        "product-code" => image.ProductCodes.Select(c => c.Code),
        "product-code.type" => image.ProductCodes.Select(c => c.Type),
        "source-image-id" => [image.SourceImageId],
        "source-instance-id" => [image.SourceInstanceId],
        "block-device-mapping.snapshot-id" => image.BlockDevices.Select(b => b.SnapshotId),
        _ => TagValues(image, filter),
    };

    // ---- DescribeInstances ----

    private void DescribeInstances(Ec2Request request, Ec2XmlWriter w)
    {
        var region = request.Account.Region(request.Region);
        var ids = request.List("InstanceId");
        if (ids.Count > 0 && request.Get("MaxResults") is not null)
        {
            throw Ec2Exception.InvalidParameterCombination("The parameter instancesSet cannot be used with the parameter maxResults");
        }

        IEnumerable<FakeInstance> instances = region.Instances;
        if (ids.Count > 0)
        {
            instances = Requested(ids, "instance", "InvalidInstanceID.Malformed", region.FindInstance);
        }

        instances = Filtered(instances, request.Filters(), (instance, filter) => filter switch
        {
            "instance-id" => [instance.Id],
            "image-id" => [instance.ImageId],
            "instance-state-name" => [instance.State],
            "instance-type" => [instance.InstanceType],
            "owner-id" => [instance.OwnerId],
            "reservation-id" => [instance.ReservationId],
            "product-code" => instance.ProductCodes.Select(c => c.Code),
            "product-code.type" => instance.ProductCodes.Select(c => c.Type),
            _ => TagValues(instance, filter),
        });

        // Pages count instances; the instances of a page are grouped into their reservations.
        var page = request.Page(instances.ToList(), strictRange: true, out var next);
        var reservations = page.GroupBy(i => i.ReservationId).ToList();
        var attachments = region.Volumes.Where(v => v.AttachedInstanceId is not null).ToLookup(v => v.AttachedInstanceId!, StringComparer.Ordinal);
        w.List("reservationSet", reservations, reservation =>
        {
            var first = reservation.First();
            w.Element("reservationId", reservation.Key);
            w.Element("ownerId", first.OwnerId);
            w.Start("groupSet");
            w.End();
            w.List("instancesSet", reservation, instance =>
            {
                w.Element("instanceId", instance.Id);
                w.Element("imageId", instance.ImageId);
                w.Start("instanceState");
                w.Element("code", FakeInstance.StateCode(instance.State));
                w.Element("name", instance.State);
                w.End();
                w.Element("privateDnsName", string.Empty);
                w.Element("dnsName", string.Empty);
                w.Element("amiLaunchIndex", 0);
                w.ProductCodes(instance.ProductCodes);
                w.Element("instanceType", instance.InstanceType);
                w.Element("launchTime", instance.LaunchTime);
                w.Start("placement");
                w.Element("availabilityZone", request.Region + "a");
                w.End();
                w.Start("monitoring");
                w.Element("state", "disabled");
                w.End();
                w.Element("rootDeviceType", "ebs");
                w.Element("rootDeviceName", "/dev/xvda");
                w.List("blockDeviceMapping", attachments[instance.Id], volume =>
                {
                    w.Element("deviceName", volume.Device);
                    w.Start("ebs");
                    w.Element("volumeId", volume.Id);
                    w.Element("status", "attached");
                    w.Element("attachTime", instance.LaunchTime);
                    w.Element("deleteOnTermination", true);
                    w.End();
                });
                w.Element("virtualizationType", "hvm");
                w.TagSet(instance.Tags);
                w.Element("hypervisor", "xen");
            });
        });
        w.Element("nextToken", next);
    }

    // ---- DescribeSnapshots ----

    private void DescribeSnapshots(Ec2Request request, Ec2XmlWriter w)
    {
        var account = request.Account;
        var own = account.Region(request.Region).Snapshots;
        var visible = own.Concat(SharedSnapshots(account, request.Region)).ToList();
        var ids = request.List("SnapshotId");
        IEnumerable<FakeSnapshot> snapshots = visible;
        if (ids.Count > 0)
        {
            snapshots = Requested(ids, "snapshot", "InvalidSnapshotID.Malformed", id => visible.FirstOrDefault(s => s.Id == id));
        }

        var owners = request.List("Owner");
        if (owners.Count > 0)
        {
            snapshots = snapshots.Where(s => owners.Any(o => o switch
            {
                "self" => s.OwnerId == account.AccountId,
                "amazon" => s.OwnerId == FakeEc2.AmazonOwnerId,
                _ when o.Length == 12 && o.All(char.IsAsciiDigit) => s.OwnerId == o,
                _ => throw Ec2Exception.InvalidParameterValue($"Invalid value '{o}' for Owner: an account id, self or amazon is expected."),
            }));
        }

        snapshots = Filtered(snapshots, request.Filters(), (snapshot, filter) => filter switch
        {
            "snapshot-id" => [snapshot.Id],
            "volume-id" => [snapshot.VolumeId],
            "owner-id" => [snapshot.OwnerId],
            "status" => [snapshot.State],
            "description" => [snapshot.Description],
            _ => TagValues(snapshot, filter),
        });

        var page = request.Page(snapshots.ToList(), strictRange: false, out var next);
        w.List("snapshotSet", page, snapshot =>
        {
            w.Element("snapshotId", snapshot.Id);
            w.Element("volumeId", snapshot.VolumeId ?? "vol-ffffffff");
            w.Element("status", snapshot.State);
            w.Element("startTime", snapshot.StartTime);
            w.Element("progress", "100%");
            w.Element("ownerId", snapshot.OwnerId);
            w.Element("volumeSize", snapshot.VolumeSize);
            w.Element("description", snapshot.Description);
            w.Element("encrypted", false);
            w.Element("storageTier", "standard");
            w.TagSet(snapshot.Tags);
        });
        w.Element("nextToken", next);
    }

    private IEnumerable<FakeSnapshot> SharedSnapshots(FakeEc2Account me, string region) =>
        ec2.Accounts.Where(a => a != me).SelectMany(a => a.Regions.Where(r => r.Name == region)).SelectMany(r => r.Snapshots).Where(s => s.SharedWith.Contains(me.AccountId));

    // ---- DescribeVolumes ----

    private void DescribeVolumes(Ec2Request request, Ec2XmlWriter w)
    {
        var region = request.Account.Region(request.Region);
        var ids = request.List("VolumeId");
        IEnumerable<FakeVolume> volumes = region.Volumes;
        if (ids.Count > 0)
        {
            volumes = Requested(ids, "volume", "InvalidVolumeID.Malformed", region.FindVolume);
        }

        volumes = Filtered(volumes, request.Filters(), (volume, filter) => filter switch
        {
            "volume-id" => [volume.Id],
            "snapshot-id" => [volume.SnapshotId],
            "status" => [volume.State],
            "attachment.instance-id" => [volume.AttachedInstanceId],
            "attachment.device" => [volume.AttachedInstanceId is null ? null : volume.Device],
            "availability-zone" => [volume.AvailabilityZone],
            _ => TagValues(volume, filter),
        });

        var page = request.Page(volumes.ToList(), strictRange: false, out var next);
        w.List("volumeSet", page, volume =>
        {
            w.Element("volumeId", volume.Id);
            w.Element("size", volume.Size);
            w.Element("snapshotId", volume.SnapshotId ?? string.Empty);
            w.Element("availabilityZone", volume.AvailabilityZone);
            w.Element("status", volume.State);
            w.Element("createTime", volume.CreateTime);
            w.List("attachmentSet", volume.AttachedInstanceId is null ? [] : new[] { volume }, attached =>
            {
                w.Element("volumeId", attached.Id);
                w.Element("instanceId", attached.AttachedInstanceId);
                w.Element("device", attached.Device);
                w.Element("status", "attached");
                w.Element("attachTime", attached.CreateTime);
                w.Element("deleteOnTermination", true);
            });
            w.Element("volumeType", "gp3");
            w.Element("encrypted", false);
            w.Element("multiAttachEnabled", false);
            w.TagSet(volume.Tags);
        });
        w.Element("nextToken", next);
    }

    // ---- DescribeRegions ----

    private void DescribeRegions(Ec2Request request, Ec2XmlWriter w)
    {
        var account = request.Account;
        var names = request.List("RegionName");
        foreach (var name in names.Where(n => ec2.FindRegion(n) is null))
        {
            throw Ec2Exception.InvalidParameterValue($"Invalid region names: {name}");
        }

        var all = request.Bool("AllRegions") || names.Count > 0;
        var regions = ec2.Regions
            .Where(r => names.Count == 0 || names.Contains(r.Name))
            .Where(r => all || account.IsEnabled(r.Name));
        regions = Filtered(regions, request.Filters(), (region, filter) => filter switch
        {
            "region-name" => [region.Name],
            "opt-in-status" => [account.OptInStatus(region.Name)],
            "endpoint" => [$"ec2.{region.Name}.amazonaws.com"],
            _ => null,
        });
        w.List("regionInfo", regions, region =>
        {
            w.Element("regionName", region.Name);
            w.Element("regionEndpoint", $"ec2.{region.Name}.amazonaws.com");
            w.Element("optInStatus", account.OptInStatus(region.Name));
        });
    }

    // ---- tags ----

    private void DescribeTags(Ec2Request request, Ec2XmlWriter w)
    {
        var region = request.Account.Region(request.Region);
        var resources = region.Images.Cast<FakeEc2Resource>().Concat(region.Instances).Concat(region.Snapshots).Concat(region.Volumes);
        var tags = resources.SelectMany(r => r.Tags.Select(t => (Resource: r, t.Key, t.Value)));
        tags = Filtered(tags, request.Filters(), (tag, filter) => filter switch
        {
            "key" => [tag.Key],
            "value" => [tag.Value],
            "resource-id" => [tag.Resource.Id],
            "resource-type" => [tag.Resource.ResourceType],
            _ when filter.StartsWith("tag:", StringComparison.Ordinal) => [tag.Key == filter[4..] ? tag.Value : null],
            _ => null,
        });
        var page = request.Page(tags.ToList(), strictRange: true, out var next);
        w.List("tagSet", page, tag =>
        {
            w.Element("resourceId", tag.Resource.Id);
            w.Element("resourceType", tag.Resource.ResourceType);
            w.Element("key", tag.Key);
            w.Element("value", tag.Value);
        });
        w.Element("nextToken", next);
    }

    private void CreateTags(Ec2Request request, Ec2XmlWriter w)
    {
        var targets = TagTargets(request);
        var tags = request.Tags();
        if (tags.Count == 0)
        {
            throw new Ec2Exception("MissingParameter", 400, "The request must contain the parameter tag");
        }

        foreach (var (key, value) in tags)
        {
            if (key.Length is < 1 or > 128)
            {
                throw Ec2Exception.InvalidParameterValue($"Tag key exceeds the maximum length of 128 characters: {key}");
            }

            if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw Ec2Exception.InvalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use");
            }

            if ((value ?? string.Empty).Length > 256)
            {
                throw Ec2Exception.InvalidParameterValue($"Tag value exceeds the maximum length of 256 characters: {value}");
            }
        }

        foreach (var target in targets)
        {
            var count = target.Tags.Keys.Union(tags.Select(t => t.Key), StringComparer.Ordinal).Count();
            if (count > MaxTagsPerResource)
            {
                throw new Ec2Exception("TagLimitExceeded", 400, $"The maximum number of Tags for a resource has been reached ({target.Id}).");
            }
        }

        // All checks first: a refused request changes nothing, as in EC2.
        foreach (var target in targets)
        {
            foreach (var (key, value) in tags)
            {
                target.Tags[key] = value ?? string.Empty;
            }
        }

        w.Element("return", true);
    }

    private void DeleteTags(Ec2Request request, Ec2XmlWriter w)
    {
        var targets = TagTargets(request);
        var tags = request.Tags();
        foreach (var target in targets)
        {
            if (tags.Count == 0)
            {
                target.Tags.Clear();
                continue;
            }

            foreach (var (key, value) in tags)
            {
                if (target.Tags.TryGetValue(key, out var current) && (value is null || value == current))
                {
                    target.Tags.Remove(key);
                }
            }
        }

        w.Element("return", true);
    }

    /// <summary>ResourceId.N: 1 to 1000 ids of the account's own resources in the region.</summary>
    private List<FakeEc2Resource> TagTargets(Ec2Request request)
    {
        var ids = request.List("ResourceId");
        if (ids.Count == 0)
        {
            throw new Ec2Exception("MissingParameter", 400, "The request must contain the parameter resourceIdSet");
        }

        if (ids.Count > MaxResourcesPerTagCall)
        {
            throw Ec2Exception.InvalidParameterValue($"The request may name at most {MaxResourcesPerTagCall} resources; it names {ids.Count}.");
        }

        var region = request.Account.Region(request.Region);
        var targets = new List<FakeEc2Resource>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            var type = Ec2Ids.TypeOf(id) ?? throw new Ec2Exception("InvalidID", 400, $"The ID '{id}' is not valid");
            var resource = region.Find(id);
            if (resource is null)
            {
                if (type == "image" && ec2.VisibleImage(request.Account, request.Region, id) is not null)
                {
                    // Someone else's AMI (a Marketplace or shared image): visible, but not ours to tag.
                    throw Ec2Exception.Unauthorized("CreateTags");
                }

                throw Ec2Exception.NotFound(type, id);
            }

            targets.Add(resource);
        }

        return targets;
    }

    // ---- shared ----

    private static IEnumerable<T> Requested<T>(IReadOnlyList<string> ids, string type, string malformedCode, Func<string, T?> find)
        where T : class
    {
        var found = new List<T>();
        foreach (var id in ids)
        {
            CheckId(id, type, malformedCode);
            found.Add(find(id) ?? throw Ec2Exception.NotFound(type, id));
        }

        return found.Distinct();
    }

    private static void CheckId(string id, string type, string malformedCode)
    {
        if (Ec2Ids.TypeOf(id) != type)
        {
            throw new Ec2Exception(malformedCode, 400, $"Invalid id: \"{id}\"");
        }
    }

    /// <summary>Every filter must match (AND); a filter matches when any of its values matches any value of the resource (OR).</summary>
    private static IEnumerable<T> Filtered<T>(IEnumerable<T> items, IReadOnlyList<Ec2Filter> filters, Func<T, string, IEnumerable<string?>?> values)
    {
        var list = items.ToList();
        foreach (var filter in filters)
        {
            if (list.Count > 0 && values(list[0], filter.Name) is null)
            {
                throw Ec2Exception.InvalidParameterValue($"The filter '{filter.Name}' is invalid");
            }

            list = list.Where(item => filter.Matches(values(item, filter.Name) ?? [])).ToList();
        }

        return list;
    }

    /// <summary>tag-key and tag:&lt;key&gt; filters, common to every taggable resource; null for any other name.</summary>
    private static IEnumerable<string?>? TagValues(FakeEc2Resource resource, string filter) =>
        filter == "tag-key" ? resource.Tags.Keys
        : filter.StartsWith("tag:", StringComparison.Ordinal) ? [resource.Tags.GetValueOrDefault(filter[4..])]
        : null;
}
