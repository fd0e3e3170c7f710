using System.Collections.Generic;

namespace MarketplaceGuard.Engine.PaidResources;

/// <summary>A product code as EC2 describes it: the code and its type (marketplace or devpay).</summary>
public sealed record ObservedProductCode(string Code, string Type);

/// <summary>An AMI as DescribeImages returned it (the account's own, or one its paid instances use).</summary>
public sealed record ObservedImage(
    string ImageId,
    string? OwnerId,
    string? OwnerAlias,
    string? Name,
    string? State,
    IReadOnlyList<ObservedProductCode> ProductCodes,
    IReadOnlyList<string> SnapshotIds,
    IReadOnlyDictionary<string, string> Tags,
    string? SourceImageId);

public sealed record ObservedInstance(
    string InstanceId,
    string? OwnerId,
    string? ImageId,
    string? State,
    IReadOnlyList<ObservedProductCode> ProductCodes,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>A snapshot as DescribeSnapshots returned it: no product codes (EC2 shows them only per snapshot attribute).</summary>
public sealed record ObservedSnapshot(
    string SnapshotId,
    string? OwnerId,
    string? VolumeId,
    string? State,
    string? Description,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>A volume as DescribeVolumes returned it: no product codes either.</summary>
public sealed record ObservedVolume(
    string VolumeId,
    string? SnapshotId,
    string? State,
    IReadOnlyList<string> AttachedInstanceIds,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>What the AWS layer read of one account in one region; the input of <see cref="PaidResourceFinder"/>.</summary>
public sealed record Ec2Inventory(
    string Region,
    string AccountId,
    IReadOnlyList<ObservedImage> Images,
    IReadOnlyList<ObservedInstance> Instances,
    IReadOnlyList<ObservedSnapshot> Snapshots,
    IReadOnlyList<ObservedVolume> Volumes);
