using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.FakeIam.Ec2;

/// <summary>A product code as EC2 stores it: the code and its type (marketplace or devpay).</summary>
public sealed record FakeProductCode(string Code, string Type = "marketplace");

/// <summary>What every taggable EC2 resource of the fake has: an id, an owner, product codes and tags.</summary>
public abstract class FakeEc2Resource
{
    protected FakeEc2Resource(string id, string ownerId)
    {
        Id = id;
        OwnerId = ownerId;
    }

    public string Id { get; }

    public string OwnerId { get; set; }

    /// <summary>
    /// The codes EC2 keeps on the resource. DescribeImages and DescribeInstances show them; DescribeSnapshots and
    /// DescribeVolumes do not (as in EC2, only their Describe…Attribute calls would), so clients must infer them.
    /// </summary>
    public List<FakeProductCode> ProductCodes { get; } = new();

    /// <summary>Tags by key (EC2 keys are case-sensitive and unique per resource).</summary>
    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    /// <summary>image, instance, snapshot or volume (DescribeTags' resource-type).</summary>
    public abstract string ResourceType { get; }

    /// <summary>Adds codes that are not there yet; true when something was added.</summary>
    public bool AddProductCodes(IEnumerable<FakeProductCode> codes)
    {
        var added = false;
        foreach (var code in codes)
        {
            if (!ProductCodes.Contains(code))
            {
                ProductCodes.Add(code);
                added = true;
            }
        }

        return added;
    }

    public FakeEc2Resource Tag(string key, string value)
    {
        Tags[key] = value;
        return this;
    }
}

/// <summary>An AMI: owned by an account, or public (Marketplace and Amazon images, owner alias set).</summary>
public sealed class FakeImage : FakeEc2Resource
{
    public FakeImage(string id, string ownerId)
        : base(id, ownerId)
    {
    }

    public override string ResourceType => "image";

    public string? OwnerAlias { get; set; }

    public string Name { get; set; } = string.Empty;

    public string State { get; set; } = "available";

    public bool IsPublic { get; set; }

    public DateTimeOffset CreationDate { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Block device mappings: device name and the snapshot behind it.</summary>
    public List<(string DeviceName, string SnapshotId)> BlockDevices { get; } = new();

    public string? SourceImageId { get; set; }

    public string? SourceImageRegion { get; set; }

    public string? SourceInstanceId { get; set; }

    /// <summary>Accounts with launch permission (besides the owner; a public image needs none).</summary>
    public HashSet<string> SharedWith { get; } = new(StringComparer.Ordinal);
}

public sealed class FakeInstance : FakeEc2Resource
{
    public FakeInstance(string id, string ownerId, string reservationId, string imageId)
        : base(id, ownerId)
    {
        ReservationId = reservationId;
        ImageId = imageId;
    }

    public override string ResourceType => "instance";

    public string ReservationId { get; }

    public string ImageId { get; }

    /// <summary>pending, running, stopping, stopped, shutting-down or terminated.</summary>
    public string State { get; set; } = "running";

    public string InstanceType { get; set; } = "t3.micro";

    public DateTimeOffset LaunchTime { get; set; } = new(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);

    public static int StateCode(string state) => state switch
    {
        "pending" => 0,
        "running" => 16,
        "shutting-down" => 32,
        "terminated" => 48,
        "stopping" => 64,
        "stopped" => 80,
        _ => 16,
    };
}

public sealed class FakeSnapshot : FakeEc2Resource
{
    public FakeSnapshot(string id, string ownerId, string? volumeId)
        : base(id, ownerId)
    {
        VolumeId = volumeId;
    }

    public override string ResourceType => "snapshot";

    /// <summary>The volume it was taken from (EC2 shows vol-ffffffff for copies; null here for none).</summary>
    public string? VolumeId { get; }

    public string State { get; set; } = "completed";

    public string Description { get; set; } = string.Empty;

    public int VolumeSize { get; set; } = 8;

    public DateTimeOffset StartTime { get; set; } = new(2026, 1, 3, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Accounts that may create volumes from it.</summary>
    public HashSet<string> SharedWith { get; } = new(StringComparer.Ordinal);
}

public sealed class FakeVolume : FakeEc2Resource
{
    public FakeVolume(string id, string ownerId, string? snapshotId)
        : base(id, ownerId)
    {
        SnapshotId = snapshotId;
    }

    public override string ResourceType => "volume";

    public string? SnapshotId { get; }

    public string? AttachedInstanceId { get; set; }

    public string Device { get; set; } = "/dev/xvda";

    public int Size { get; set; } = 8;

    public string AvailabilityZone { get; set; } = string.Empty;

    public DateTimeOffset CreateTime { get; set; } = new(2026, 1, 4, 0, 0, 0, TimeSpan.Zero);

    /// <summary>available or in-use (EC2's status).</summary>
    public string State => AttachedInstanceId is null ? "available" : "in-use";
}

/// <summary>The ids EC2 gives: a prefix and 17 hex digits (ami-0123456789abcdef0).</summary>
internal static class Ec2Ids
{
    public static readonly (string Prefix, string Type, string NotFoundCode)[] Kinds =
    {
        ("ami-", "image", "InvalidAMIID.NotFound"),
        ("i-", "instance", "InvalidInstanceID.NotFound"),
        ("snap-", "snapshot", "InvalidSnapshot.NotFound"),
        ("vol-", "volume", "InvalidVolume.NotFound"),
    };

    public static string Format(string prefix, long number) => prefix + number.ToString("x17", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The resource type of an id by its prefix; null when it has none of the four.</summary>
    public static string? TypeOf(string id) =>
        Kinds.FirstOrDefault(k => id.StartsWith(k.Prefix, StringComparison.Ordinal) && id.Length > k.Prefix.Length).Type;

    public static string NotFoundCode(string type) => Kinds.First(k => k.Type == type).NotFoundCode;
}
