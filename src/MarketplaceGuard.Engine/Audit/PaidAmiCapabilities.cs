using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// Rule 2's capabilities: launching, replicating and sharing paid (Marketplace product-code) AMIs, as the requests
/// IAM authorizes. Every request states only what AWS's Service Authorization Reference lists for that action's
/// resource row (docs/about_MarketplaceGuardPaidAmis.md gives each path with its source):
/// <list type="bullet">
/// <item>an original Marketplace AMI has <c>ec2:Owner = aws-marketplace</c> on the image resource and carries no tag of
/// the account's;</item>
/// <item>AMIs, snapshots and volumes derived from a paid instance are the account's own: no condition key sees their
/// product code, except <c>ec2:ProductCode</c> on the instance resource (RunInstances, CreateImage,
/// CreateInstanceExportTask) and on the snapshot resource of CopySnapshot; elsewhere they are recognised by the guard
/// tag <see cref="GuardTagKey"/>, which is assumed present (Protect-MarketplacePaidResource writes it), and a path
/// that first deletes the tag is a path too;</item>
/// <item>a key the row does not list is left unknown, except <c>ec2:ProductCode</c> on images, which the SAR says is
/// never there.</item>
/// </list>
/// Paths AWS itself blocks for product-code AMIs (export, cross-account copy) are kept: the deny templates cover them
/// too, and the audit does not rely on a block AWS may lift.
/// </summary>
public static class PaidAmiCapabilities
{
    /// <summary>The tag that marks the account's own paid images, snapshots and volumes.</summary>
    public const string GuardTagKey = PaidResources.GuardTag.Key;

    private const string Image = "arn:{partition}:ec2:*::image/*";
    private const string Snapshot = "arn:{partition}:ec2:*::snapshot/*";
    private const string Instance = "arn:{partition}:ec2:*:{account}:instance/*";
    private const string Volume = "arn:{partition}:ec2:*:{account}:volume/*";

    private const string ProductCode = "ec2:ProductCode";
    private const string Owner = "ec2:Owner";
    private static readonly string[] GuardTagKeys = ["aws:ResourceTag/" + GuardTagKey, "ec2:ResourceTag/" + GuardTagKey];

    public static Capability LaunchPaidAmi { get; } = new(
        "LaunchPaidAmi",
        2,
        "Launch instances from paid AMIs: Marketplace AMIs, or the account's AMIs derived from them",
        [
            [MarketplaceImage("RunInstances"), PaidInstance("RunInstances")],
            [TaggedImage("RunInstances"), PaidInstance("RunInstances")],
            [Untag(Image, "AMI"), UntaggedImage("RunInstances"), PaidInstance("RunInstances")],
            .. new[] { "CreateFleet", "RequestSpotInstances", "RequestSpotFleet" }.SelectMany(ImagePaths),
        ]);

    public static Capability ReplicatePaidAmi { get; } = new(
        "ReplicatePaidAmi",
        2,
        "Copy paid AMIs or their data: new AMIs, snapshots, volumes, stored or exported images",
        [
            [PaidInstance("CreateImage")],
            [Request("CopyImage", Image, "an AMI of the account (CopyImage has no tag key: no condition tells a paid one)", values: Values((Owner, AccessRequest.AccountToken)), absent: [ProductCode])],
            .. ImagePaths("CreateStoreImageTask"),
            [Request("CreateRestoreImageTask", Image, "a restored AMI", values: Values((Owner, AccessRequest.AccountToken)))],
            [TaggedImage("ExportImage")],
            [Untag(Image, "AMI"), UntaggedImage("ExportImage")],
            [PaidInstance("CreateInstanceExportTask")],
            [TaggedVolume("CreateSnapshot"), New("CreateSnapshot", Snapshot, "snapshot")],
            [Untag(Volume, "volume"), UntaggedVolume("CreateSnapshot"), New("CreateSnapshot", Snapshot, "snapshot")],
            [New("CreateSnapshots", Instance, "instance's"), TaggedVolume("CreateSnapshots"), New("CreateSnapshots", Snapshot, "snapshot")],
            [Untag(Volume, "volume"), New("CreateSnapshots", Instance, "instance's"), UntaggedVolume("CreateSnapshots"), New("CreateSnapshots", Snapshot, "snapshot")],
            [Request("CopySnapshot", Snapshot, "a paid snapshot", values: Values((Owner, AccessRequest.AccountToken)), present: [ProductCode])],
            [New("CreateVolume", Volume, "volume"), TaggedSnapshot("CreateVolume")],
            [Untag(Snapshot, "snapshot"), New("CreateVolume", Volume, "volume"), UntaggedSnapshot("CreateVolume")],
            [New("RegisterImage", Image, "AMI"), TaggedSnapshot("RegisterImage")],
            [Untag(Snapshot, "snapshot"), New("RegisterImage", Image, "AMI"), UntaggedSnapshot("RegisterImage")],
        ]);

    public static Capability SharePaidAmi { get; } = new(
        "SharePaidAmi",
        2,
        "Share paid AMIs or their snapshots with other accounts (launch or create-volume permissions)",
        [
            [TaggedImage("ModifyImageAttribute")],
            [Untag(Image, "AMI"), UntaggedImage("ModifyImageAttribute")],
            [TaggedSnapshot("ModifySnapshotAttribute")],
            [Untag(Snapshot, "snapshot"), UntaggedSnapshot("ModifySnapshotAttribute")],
        ]);

    /// <summary>The launch, the guard-tagged derived AMI and the untag-first paths of an action with image keys only.</summary>
    private static IEnumerable<IReadOnlyList<AccessRequest>> ImagePaths(string action) =>
    [
        [MarketplaceImage(action)],
        [TaggedImage(action)],
        [Untag(Image, "AMI"), UntaggedImage(action)],
    ];

    private static AccessRequest MarketplaceImage(string action) =>
        Request(action, Image, "a Marketplace AMI", values: Values((Owner, "aws-marketplace")), absent: [ProductCode, .. GuardTagKeys]);

    private static AccessRequest TaggedImage(string action) =>
        Request(action, Image, "a paid AMI of the account (guard-tagged)", values: Values((Owner, AccessRequest.AccountToken)), present: GuardTagKeys, absent: [ProductCode]);

    private static AccessRequest UntaggedImage(string action) =>
        Request(action, Image, "a paid AMI of the account after its guard tag is deleted", values: Values((Owner, AccessRequest.AccountToken)), absent: [ProductCode, .. GuardTagKeys]);

    private static AccessRequest PaidInstance(string action) =>
        Request(action, Instance, "an instance of a paid AMI", present: [ProductCode]);

    private static AccessRequest TaggedVolume(string action) =>
        Request(action, Volume, "a paid volume (guard-tagged)", present: GuardTagKeys);

    private static AccessRequest UntaggedVolume(string action) =>
        Request(action, Volume, "a paid volume after its guard tag is deleted", absent: GuardTagKeys);

    private static AccessRequest TaggedSnapshot(string action) =>
        Request(action, Snapshot, "a paid snapshot (guard-tagged)", values: Values((Owner, AccessRequest.AccountToken)), present: GuardTagKeys);

    private static AccessRequest UntaggedSnapshot(string action) =>
        Request(action, Snapshot, "a paid snapshot after its guard tag is deleted", values: Values((Owner, AccessRequest.AccountToken)), absent: GuardTagKeys);

    /// <summary>
    /// The resource an action creates (nothing is known of it but its kind, and that it has no tags yet), or the
    /// instance whose volumes CreateSnapshots copies (nothing known).
    /// </summary>
    private static AccessRequest New(string action, string resource, string what) => resource == Instance
        ? Request(action, resource, "the instance")
        : Request(action, resource, $"the new {what}", absent: GuardTagKeys);

    /// <summary>
    /// Deleting the guard tag. aws:TagKeys stays unknown: DeleteTags names the keys it deletes, or none, and then deletes
    /// every tag (EC2 API reference), so a deny that reads aws:TagKeys does not settle it; one on the resource's tag does.
    /// </summary>
    private static AccessRequest Untag(string resource, string what) =>
        Request("DeleteTags", resource, $"the guard tag of a paid {what}", present: GuardTagKeys);

    private static AccessRequest Request(
        string action,
        string resource,
        string what,
        IReadOnlyDictionary<string, ContextValue>? values = null,
        IReadOnlyList<string>? present = null,
        IReadOnlyList<string>? absent = null) =>
        new("ec2:" + action, resource, values, present, absent, $"ec2:{action} on {what}");

    private static Dictionary<string, ContextValue> Values(params (string Key, string Value)[] values) =>
        values.ToDictionary(v => v.Key, v => ContextValue.Of(v.Value));
}
