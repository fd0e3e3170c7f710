using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace MarketplaceGuard.FakeIam.Ec2;

/// <summary>
/// Reads an EC2 seed file (format in the README): accounts with access keys, opted-in regions, denied operations
/// and per-region images, instances, snapshots and volumes; public images per region. Unknown members and wrong
/// shapes are errors naming their JSON path, so a typo in a test's seed never goes unnoticed.
/// </summary>
internal static class Ec2SeedLoader
{
    public static void Load(FakeEc2 ec2, string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = new JsonPathNode(document.RootElement, "$");
        root.Only("accounts", "publicImages", "propagateProductCodes");
        lock (ec2.SyncRoot)
        {
            foreach (var (region, images) in root.Object("publicImages"))
            {
                foreach (var item in images.Items())
                {
                    item.Only("imageId", "name", "ownerId", "ownerAlias", "productCodes", "snapshotIds", "tags");
                    var alias = item.String("ownerAlias");
                    var owner = item.String("ownerId") ?? (alias == "amazon" ? FakeEc2.AmazonOwnerId : FakeEc2.MarketplaceOwnerId);
                    var image = ec2.AddPublicImage(region, item.String("imageId"), item.String("name") ?? "public-image", owner, alias ?? (owner == FakeEc2.MarketplaceOwnerId ? "aws-marketplace" : null));
                    image.AddProductCodes(item.ProductCodes());
                    if (item.Strings("snapshotIds").ToList() is { Count: > 0 } snapshots)
                    {
                        image.BlockDevices.Clear();
                        image.BlockDevices.AddRange(snapshots.Select((id, i) => ($"/dev/xvd{(char)('a' + i)}", id)));
                    }

                    item.AddTags(image);
                }
            }

            var regions = new List<FakeEc2Region>();
            foreach (var account in root.Items("accounts"))
            {
                account.Only("accountId", "accessKeys", "optIn", "deny", "regions");
                var state = ec2.Account(account.String("accountId") ?? ec2.DefaultAccountId);
                foreach (var key in account.Strings("accessKeys"))
                {
                    ec2.MapAccessKey(key, state.AccountId);
                }

                foreach (var region in account.Strings("optIn"))
                {
                    state.OptIn(region);
                }

                foreach (var deny in account.Items("deny"))
                {
                    deny.Only("operation", "region");
                    state.Deny(deny.String("operation") ?? throw deny.Error("needs an operation"), deny.String("region"));
                }

                foreach (var (name, resources) in account.Object("regions"))
                {
                    resources.Only("images", "instances", "snapshots", "volumes");
                    var region = state.Region(name);
                    regions.Add(region);
                    LoadRegion(region, resources);
                }
            }

            if (root.Bool("propagateProductCodes") ?? true)
            {
                foreach (var region in regions)
                {
                    region.PropagateProductCodes();
                }
            }
        }
    }

    private static void LoadRegion(FakeEc2Region region, JsonPathNode resources)
    {
        foreach (var item in resources.Items("snapshots"))
        {
            item.Only("snapshotId", "volumeId", "productCodes", "tags", "description", "sharedWith");
            var snapshot = region.AddSnapshot(item.String("volumeId"), item.String("snapshotId"), item.ProductCodes());
            snapshot.Description = item.String("description") ?? string.Empty;
            snapshot.SharedWith.UnionWith(item.Strings("sharedWith"));
            item.AddTags(snapshot);
        }

        foreach (var item in resources.Items("images"))
        {
            item.Only("imageId", "name", "productCodes", "snapshotIds", "tags", "state", "sourceImageId", "sourceImageRegion", "sourceInstanceId", "sharedWith");
            var image = region.AddImage(item.String("imageId"), item.String("name") ?? "image", item.ProductCodes(), item.Strings("snapshotIds"));
            image.State = item.String("state") ?? image.State;
            image.SourceImageId = item.String("sourceImageId");
            image.SourceImageRegion = item.String("sourceImageRegion");
            image.SourceInstanceId = item.String("sourceInstanceId");
            image.SharedWith.UnionWith(item.Strings("sharedWith"));
            item.AddTags(image);
        }

        foreach (var item in resources.Items("instances"))
        {
            item.Only("instanceId", "imageId", "reservationId", "state", "productCodes", "tags", "instanceType");
            var instance = region.AddInstance(item.String("imageId") ?? throw item.Error("needs an imageId"), item.String("instanceId"), item.ProductCodes(), item.String("reservationId"), item.String("state") ?? "running");
            instance.InstanceType = item.String("instanceType") ?? instance.InstanceType;
            item.AddTags(instance);
        }

        foreach (var item in resources.Items("volumes"))
        {
            item.Only("volumeId", "snapshotId", "instanceId", "device", "productCodes", "tags", "size");
            var volume = region.AddVolume(item.String("snapshotId"), item.String("volumeId"), item.ProductCodes(), item.String("instanceId"));
            volume.Device = item.String("device") ?? volume.Device;
            item.AddTags(volume);
        }
    }

    /// <summary>"productCodes": ["code", {"code": "x", "type": "devpay"}].</summary>
    private static List<FakeProductCode> ProductCodes(this JsonPathNode node) => node.Items("productCodes").Select(n =>
    {
        if (n.Element.ValueKind == JsonValueKind.String)
        {
            return new FakeProductCode(n.Element.GetString()!);
        }

        n.Only("code", "type");
        return new FakeProductCode(n.String("code") ?? throw n.Error("needs a code"), n.String("type") ?? "marketplace");
    }).ToList();

    /// <summary>"tags": { "key": "value" }.</summary>
    private static void AddTags(this JsonPathNode node, FakeEc2Resource resource)
    {
        foreach (var (key, value) in node.Object("tags"))
        {
            resource.Tags[key] = value.Element.ValueKind == JsonValueKind.String ? value.Element.GetString()! : throw value.Error("must be a string");
        }
    }
}
