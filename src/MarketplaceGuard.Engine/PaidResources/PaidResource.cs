using System;
using System.Collections.Generic;

namespace MarketplaceGuard.Engine.PaidResources;

/// <summary>
/// One EC2 resource that carries (or, for snapshots and volumes, inherits) AWS Marketplace product codes, as
/// Get-MarketplacePaidResource reports it. Only the id property of the resource's own type is set among
/// <see cref="ImageId"/>, <see cref="InstanceId"/>, <see cref="SnapshotId"/> and <see cref="VolumeId"/>: those bind by
/// property name to AWS.Tools' EC2 cmdlets, and an instance must never bind its AMI to, say, Unregister-EC2Image.
/// </summary>
public sealed class PaidResource
{
    public PaidResource(PaidResourceType resourceType, string resourceId, string region, string accountId)
    {
        ResourceType = resourceType;
        ResourceId = resourceId;
        Region = region;
        AccountId = accountId;
    }

    public PaidResourceType ResourceType { get; }

    public string ResourceId { get; }

    public string Region { get; }

    /// <summary>The account that was searched (the caller's).</summary>
    public string AccountId { get; }

    /// <summary>The Marketplace product codes, sorted (inferred through lineage for snapshots and volumes).</summary>
    public IReadOnlyList<string> ProductCodes { get; init; } = [];

    /// <summary>The account's name in the organization (organization runs); null for an account searched on its own.</summary>
    public string? AccountName { get; set; }

    /// <summary>The owning account: the caller's for its own resources, another for Marketplace or shared AMIs; null when EC2 does not say (volumes).</summary>
    public string? OwnerId { get; init; }

    /// <summary>amazon, aws-marketplace ... for AMIs owned by AWS; otherwise null.</summary>
    public string? OwnerAlias { get; init; }

    public string? State { get; init; }

    /// <summary>The AMI name, or the Name tag of other resources.</summary>
    public string? Name { get; init; }

    /// <summary>The AMI this resource came from, where describe results tell: an instance's AMI, a copied AMI's source, a snapshot's or volume's paid AMI.</summary>
    public string? SourceImageId { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Why it is paid: the product code it carries, or the paid resource it was made from or is attached to.</summary>
    public string Evidence { get; init; } = string.Empty;

    /// <summary>True when the resource belongs to the searched account (only those can be tagged).</summary>
    public bool IsAccountOwned { get; init; }

    /// <summary>True when it carries the guard tag <see cref="GuardTag.Key"/>.</summary>
    public bool Protected => Tags.ContainsKey(GuardTag.Key);

    public string? ImageId => ResourceType == PaidResourceType.Image ? ResourceId : null;

    public string? InstanceId => ResourceType == PaidResourceType.Instance ? ResourceId : null;

    public string? SnapshotId => ResourceType == PaidResourceType.Snapshot ? ResourceId : null;

    public string? VolumeId => ResourceType == PaidResourceType.Volume ? ResourceId : null;

    public override string ToString() => $"{ResourceType} {ResourceId} ({Region})";
}
