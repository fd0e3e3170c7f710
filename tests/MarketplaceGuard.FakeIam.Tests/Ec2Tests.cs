using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using System.Xml.Linq;
using MarketplaceGuard.FakeIam.Ec2;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>The EC2 side of the fake, with raw Query calls: shapes, filters, paging, errors, faults, lineage and seeds.</summary>
public sealed class Ec2Tests : IDisposable
{
    private static readonly XNamespace Ec2 = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private readonly FakeIamServer server = FakeIamServer.Start(new FakeIamAccount());
    private readonly HttpClient http;

    public Ec2Tests()
    {
        http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(20) };
    }

    public void Dispose()
    {
        http.Dispose();
        server.Dispose();
    }

    private FakeEc2Region Region(string name = "us-east-1") => server.Ec2.DefaultAccount.Region(name);

    private async Task<(int Status, XElement Root)> CallAsync(string action, string region = "us-east-1", string accessKey = "AKIDEXAMPLE", params (string Name, string Value)[] parameters)
    {
        var form = new[] { ("Action", action), ("Version", "2016-11-15") }.Concat(parameters);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent(string.Join("&", form.Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2))), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKey}/20261130/{region}/ec2/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, XElement.Parse(await response.Content.ReadAsStringAsync()));
    }

    private static void AssertError((int Status, XElement Root) reply, int status, string code)
    {
        Assert.True(reply.Status == status, $"Expected {status} {code}, got {reply.Status}: {reply.Root}");
        Assert.Equal("Response", reply.Root.Name.LocalName);
        Assert.Equal(code, reply.Root.Element("Errors")!.Element("Error")!.Element("Code")!.Value);
        Assert.False(string.IsNullOrEmpty(reply.Root.Element("Errors")!.Element("Error")!.Element("Message")!.Value));
        Assert.False(string.IsNullOrEmpty(reply.Root.Element("RequestID")!.Value));
    }

    private static List<string> Ids(XElement root, string set, string idName) =>
        root.Element(Ec2 + set)!.Elements(Ec2 + "item").Select(i => i.Element(Ec2 + idName)!.Value).ToList();

    [Fact]
    public async Task DescribeImagesAnswersInEc2sShapeWithProductCodesTagsAndBlockDevices()
    {
        var image = Region().AddImage(name: "golden", productCodes: [new FakeProductCode("abc123")], snapshotIds: ["snap-0000000000000000a"]);
        image.Tag("team", "blue");

        var (status, root) = await CallAsync("DescribeImages", parameters: ("Owner.1", "self"));

        Assert.Equal(200, status);
        Assert.Equal(Ec2 + "DescribeImagesResponse", root.Name);
        Assert.False(string.IsNullOrEmpty(root.Element(Ec2 + "requestId")!.Value));
        var item = root.Element(Ec2 + "imagesSet")!.Element(Ec2 + "item")!;
        Assert.Equal(image.Id, item.Element(Ec2 + "imageId")!.Value);
        Assert.Equal("111122223333", item.Element(Ec2 + "imageOwnerId")!.Value);
        var code = item.Element(Ec2 + "productCodes")!.Element(Ec2 + "item")!;
        Assert.Equal(("abc123", "marketplace"), (code.Element(Ec2 + "productCode")!.Value, code.Element(Ec2 + "type")!.Value));
        Assert.Equal("snap-0000000000000000a", item.Descendants(Ec2 + "snapshotId").Single().Value);
        var tag = item.Element(Ec2 + "tagSet")!.Element(Ec2 + "item")!;
        Assert.Equal(("team", "blue"), (tag.Element(Ec2 + "key")!.Value, tag.Element(Ec2 + "value")!.Value));
    }

    [Fact]
    public async Task DescribeImagesFiltersByOwnerAliasProductCodeAndTags()
    {
        var marketplace = server.Ec2.AddMarketplaceImage("us-east-1", "mpcode");
        var amazon = server.Ec2.AddPublicImage("us-east-1", null, "amzn", FakeEc2.AmazonOwnerId, "amazon");
        var own = Region().AddImage(productCodes: [new FakeProductCode("owncode")]);
        var devpay = Region().AddImage(productCodes: [new FakeProductCode("old", "devpay")]);
        own.Tag("env", "prod");

        Assert.Equal([marketplace.Id], Ids((await CallAsync("DescribeImages", parameters: ("Owner.1", "aws-marketplace"))).Root, "imagesSet", "imageId"));
        Assert.Equal([marketplace.Id, amazon.Id], Ids((await CallAsync("DescribeImages", parameters: [("Owner.1", "aws-marketplace"), ("Owner.2", "amazon")])).Root, "imagesSet", "imageId"));
        Assert.Equal([own.Id], Ids((await CallAsync("DescribeImages", parameters: [("Owner.1", "self"), ("Filter.1.Name", "product-code.type"), ("Filter.1.Value.1", "marketplace")])).Root, "imagesSet", "imageId"));
        Assert.Equal(new[] { marketplace.Id, own.Id }.Order(), Ids((await CallAsync("DescribeImages", parameters: [("Filter.1.Name", "product-code"), ("Filter.1.Value.1", "mp*"), ("Filter.1.Value.2", "owncode")])).Root, "imagesSet", "imageId").Order());
        Assert.Equal([amazon.Id], Ids((await CallAsync("DescribeImages", parameters: [("Filter.1.Name", "owner-alias"), ("Filter.1.Value.1", "amazon")])).Root, "imagesSet", "imageId"));
        Assert.Equal([own.Id, devpay.Id], Ids((await CallAsync("DescribeImages", parameters: [("Filter.1.Name", "owner-id"), ("Filter.1.Value.1", "111122223333")])).Root, "imagesSet", "imageId"));
        Assert.Equal([own.Id], Ids((await CallAsync("DescribeImages", parameters: [("Filter.1.Name", "tag:env"), ("Filter.1.Value.1", "prod")])).Root, "imagesSet", "imageId"));
        Assert.Equal([own.Id], Ids((await CallAsync("DescribeImages", parameters: [("Filter.1.Name", "tag-key"), ("Filter.1.Value.1", "env")])).Root, "imagesSet", "imageId"));
        Assert.Equal([own.Id], Ids((await CallAsync("DescribeImages", parameters: ("ImageId.1", own.Id))).Root, "imagesSet", "imageId"));
        AssertError(await CallAsync("DescribeImages", parameters: ("ImageId.1", "ami-0ffffffffffffffff")), 400, "InvalidAMIID.NotFound");
        AssertError(await CallAsync("DescribeImages", parameters: [("Filter.1.Name", "no-such-filter"), ("Filter.1.Value.1", "x")]), 400, "InvalidParameterValue");
    }

    [Fact]
    public async Task DescribeInstancesPagesByMaxResultsWithinEc2sRange()
    {
        var image = server.Ec2.AddMarketplaceImage("us-east-1", "abc");
        for (var i = 0; i < 12; i++)
        {
            Region().RunInstance(image.Id);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            (string, string)[] parameters = token is null ? [("MaxResults", "5")] : [("MaxResults", "5"), ("NextToken", token)];
            var (status, root) = await CallAsync("DescribeInstances", parameters: parameters);
            Assert.Equal(200, status);
            var instances = root.Element(Ec2 + "reservationSet")!.Elements(Ec2 + "item").SelectMany(r => r.Element(Ec2 + "instancesSet")!.Elements(Ec2 + "item")).ToList();
            Assert.InRange(instances.Count, 1, 5);
            Assert.All(instances, i => Assert.Equal("abc", i.Descendants(Ec2 + "productCode").Single().Value));
            seen.AddRange(instances.Select(i => i.Element(Ec2 + "instanceId")!.Value));
            token = root.Element(Ec2 + "nextToken")?.Value;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Region().Instances.Select(i => i.Id), seen);
        AssertError(await CallAsync("DescribeInstances", parameters: ("MaxResults", "4")), 400, "InvalidParameterValue");
        AssertError(await CallAsync("DescribeInstances", parameters: ("MaxResults", "1001")), 400, "InvalidParameterValue");
        AssertError(await CallAsync("DescribeInstances", parameters: [("MaxResults", "5"), ("InstanceId.1", seen[0])]), 400, "InvalidParameterCombination");
        AssertError(await CallAsync("DescribeInstances", parameters: ("InstanceId.1", "i-0ffffffffffffffff")), 400, "InvalidInstanceID.NotFound");
        AssertError(await CallAsync("DescribeInstances", parameters: [("MaxResults", "5"), ("NextToken", "bogus")]), 400, "InvalidParameterValue");
    }

    [Fact]
    public async Task WithoutMaxResultsEverythingComesAtOnceAndLargePagesAreCappedAt1000()
    {
        for (var i = 0; i < 1_003; i++)
        {
            Region().AddSnapshot();
        }

        var all = await CallAsync("DescribeSnapshots", parameters: ("Owner.1", "self"));
        var capped = await CallAsync("DescribeSnapshots", parameters: [("Owner.1", "self"), ("MaxResults", "5000")]);

        Assert.Equal(1_003, Ids(all.Root, "snapshotSet", "snapshotId").Count);
        Assert.Null(all.Root.Element(Ec2 + "nextToken"));
        Assert.Equal(1_000, Ids(capped.Root, "snapshotSet", "snapshotId").Count);
        Assert.NotNull(capped.Root.Element(Ec2 + "nextToken"));
    }

    [Fact]
    public async Task ProductCodesPropagateButSnapshotsAndVolumesDoNotShowThem()
    {
        var marketplace = server.Ec2.AddMarketplaceImage("us-east-1", "paidcode");
        var instance = Region().RunInstance(marketplace.Id);
        var derived = Region().CreateImage(instance.Id);
        var volume = Region().CreateVolume(derived.BlockDevices[0].SnapshotId);
        var copy = Region().CreateSnapshot(volume.Id);
        var registered = Region().RegisterImage([copy.Id]);

        Assert.All(new FakeEc2Resource[] { instance, derived, volume, copy, registered }, r => Assert.Equal([new FakeProductCode("paidcode")], r.ProductCodes));
        var snapshots = await CallAsync("DescribeSnapshots", parameters: ("Owner.1", "self"));
        var volumes = await CallAsync("DescribeVolumes");
        Assert.Empty(snapshots.Root.Descendants(Ec2 + "productCodes"));
        Assert.Empty(volumes.Root.Descendants(Ec2 + "productCodes"));
        Assert.Contains(copy.Id, Ids(snapshots.Root, "snapshotSet", "snapshotId"));
        var root = volumes.Root.Element(Ec2 + "volumeSet")!.Elements(Ec2 + "item").Single(v => v.Element(Ec2 + "attachmentSet")!.HasElements);
        Assert.Equal(instance.Id, root.Descendants(Ec2 + "instanceId").Single().Value);
    }

    [Fact]
    public async Task ADisabledRegionAnswersOptInRequiredAndDescribeRegionsSaysSo()
    {
        AssertError(await CallAsync("DescribeInstances", "af-south-1"), 401, "OptInRequired");

        var (_, all) = await CallAsync("DescribeRegions", parameters: ("AllRegions", "true"));
        var (_, enabled) = await CallAsync("DescribeRegions");
        var status = all.Element(Ec2 + "regionInfo")!.Elements(Ec2 + "item").ToDictionary(r => r.Element(Ec2 + "regionName")!.Value, r => r.Element(Ec2 + "optInStatus")!.Value);
        Assert.Equal("not-opted-in", status["af-south-1"]);
        Assert.Equal("opt-in-not-required", status["us-east-1"]);
        Assert.DoesNotContain(enabled.Descendants(Ec2 + "regionName"), r => r.Value == "af-south-1");

        server.Ec2.DefaultAccount.OptIn("af-south-1");
        Assert.Equal(200, (await CallAsync("DescribeInstances", "af-south-1")).Status);
        AssertError(await CallAsync("DescribeInstances", "xx-nowhere-1"), 401, "AuthFailure");
    }

    [Fact]
    public async Task EachAccountAndRegionHasItsOwnResources()
    {
        server.Ec2.MapAccessKey("AKIDOTHER", "444455556666");
        var mine = Region().AddVolume();
        var theirs = server.Ec2.Account("444455556666").Region("us-east-1").AddVolume();
        var elsewhere = Region("eu-west-1").AddVolume();

        Assert.Equal([mine.Id], Ids((await CallAsync("DescribeVolumes")).Root, "volumeSet", "volumeId"));
        Assert.Equal([theirs.Id], Ids((await CallAsync("DescribeVolumes", accessKey: "AKIDOTHER")).Root, "volumeSet", "volumeId"));
        Assert.Equal([elsewhere.Id], Ids((await CallAsync("DescribeVolumes", "eu-west-1")).Root, "volumeSet", "volumeId"));
    }

    [Fact]
    public async Task TagsAreCreatedDescribedAndDeleted()
    {
        var snapshot = Region().AddSnapshot();
        var volume = Region().AddVolume();
        var marketplace = server.Ec2.AddMarketplaceImage("us-east-1", "x");

        var created = await CallAsync("CreateTags", parameters: [("ResourceId.1", snapshot.Id), ("ResourceId.2", volume.Id), ("Tag.1.Key", "guard"), ("Tag.1.Value", "abc")]);
        Assert.Equal("true", created.Root.Element(Ec2 + "return")!.Value);
        Assert.Equal("abc", volume.Tags["guard"]);

        var described = await CallAsync("DescribeTags", parameters: [("Filter.1.Name", "key"), ("Filter.1.Value.1", "guard"), ("Filter.2.Name", "resource-type"), ("Filter.2.Value.1", "snapshot")]);
        var tag = described.Root.Element(Ec2 + "tagSet")!.Elements(Ec2 + "item").Single();
        Assert.Equal((snapshot.Id, "snapshot", "guard", "abc"), (tag.Element(Ec2 + "resourceId")!.Value, tag.Element(Ec2 + "resourceType")!.Value, tag.Element(Ec2 + "key")!.Value, tag.Element(Ec2 + "value")!.Value));

        AssertError(await CallAsync("CreateTags", parameters: [("ResourceId.1", marketplace.Id), ("Tag.1.Key", "guard"), ("Tag.1.Value", "abc")]), 403, "UnauthorizedOperation");
        AssertError(await CallAsync("CreateTags", parameters: [("ResourceId.1", snapshot.Id), ("ResourceId.2", "vol-0ffffffffffffffff"), ("Tag.1.Key", "other"), ("Tag.1.Value", "v")]), 400, "InvalidVolume.NotFound");
        Assert.False(snapshot.Tags.ContainsKey("other")); // a refused call changes nothing
        AssertError(await CallAsync("CreateTags", parameters: [("ResourceId.1", snapshot.Id), ("Tag.1.Key", "aws:reserved"), ("Tag.1.Value", "v")]), 400, "InvalidParameterValue");
        AssertError(await CallAsync("CreateTags", parameters: [("ResourceId.1", snapshot.Id), ("Tag.1.Key", "k"), ("Tag.1.Value", new string('v', 257))]), 400, "InvalidParameterValue");

        await CallAsync("DeleteTags", parameters: [("ResourceId.1", snapshot.Id), ("Tag.1.Key", "guard"), ("Tag.1.Value", "not-the-value")]);
        Assert.True(snapshot.Tags.ContainsKey("guard"));
        await CallAsync("DeleteTags", parameters: [("ResourceId.1", snapshot.Id), ("Tag.1.Key", "guard")]);
        Assert.False(snapshot.Tags.ContainsKey("guard"));
    }

    [Fact]
    public async Task FaultsUseEc2sOwnCodesAndDeniedOperationsAreUnauthorized()
    {
        server.Faults.ThrottleNext(1, operation: "DescribeVolumes");
        server.Faults.FailNext(1, operation: "DescribeVolumes");
        server.Ec2.DefaultAccount.Deny("DescribeSnapshots", "us-east-1");

        AssertError(await CallAsync("DescribeVolumes"), 503, "RequestLimitExceeded");
        AssertError(await CallAsync("DescribeVolumes"), 500, "InternalError");
        Assert.Equal(200, (await CallAsync("DescribeVolumes")).Status);
        AssertError(await CallAsync("DescribeSnapshots"), 403, "UnauthorizedOperation");
        Assert.Equal(200, (await CallAsync("DescribeSnapshots", "eu-west-1")).Status);
        var logged = server.Requests.ForOperation("DescribeVolumes");
        Assert.Equal(new[] { FaultKind.Throttle, FaultKind.Failure, FaultKind.None }, logged.Select(r => r.Fault));
        Assert.All(logged, r => Assert.Equal(("ec2", "us-east-1"), (r.SigningService, r.SigningRegion)));
    }

    [Fact]
    public async Task ASeedFileBuildsAccountsRegionsAndALineage()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ec2-seed-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {
              "publicImages": { "us-east-1": [ { "imageId": "ami-0000000000000mp01", "productCodes": ["vendorcode"], "snapshotIds": ["snap-0000000000000mp01"] } ] },
              "accounts": [
                { "optIn": ["af-south-1"], "deny": [ { "operation": "CreateTags" } ],
                  "regions": { "us-east-1": {
                    "instances": [ { "instanceId": "i-00000000000000001", "imageId": "ami-0000000000000mp01" } ],
                    "volumes": [ { "volumeId": "vol-00000000000000001", "snapshotId": "snap-0000000000000mp01", "instanceId": "i-00000000000000001" } ],
                    "snapshots": [ { "snapshotId": "snap-00000000000000001", "volumeId": "vol-00000000000000001" } ],
                    "images": [ { "imageId": "ami-00000000000000d01", "snapshotIds": ["snap-00000000000000001"], "tags": { "Name": "golden" } } ] } } },
                { "accountId": "444455556666", "accessKeys": ["AKIDOTHER"] }
              ]
            }
            """);
        try
        {
            server.Ec2.LoadSeedFile(path);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal([new FakeProductCode("vendorcode")], Region().FindImage("ami-00000000000000d01")!.ProductCodes);
        Assert.Equal("opted-in", server.Ec2.DefaultAccount.OptInStatus("af-south-1"));
        Assert.True(server.Ec2.DefaultAccount.IsDenied("CreateTags", "eu-west-1"));
        Assert.Equal("444455556666", server.Ec2.AccountFor("AKIDOTHER").AccountId);
        var images = await CallAsync("DescribeImages", parameters: [("Owner.1", "self"), ("Filter.1.Name", "product-code"), ("Filter.1.Value.1", "vendorcode")]);
        Assert.Equal(["ami-00000000000000d01"], Ids(images.Root, "imagesSet", "imageId"));
    }

    [Fact]
    public void ASeedWithAnUnknownMemberIsRefusedWithItsPath()
    {
        var error = Assert.Throws<FormatException>(() => server.Ec2.LoadSeed("""{ "accounts": [ { "regions": { "us-east-1": { "instances": [ { "imageID": "ami-1" } ] } } } ] }"""));

        Assert.Contains("$.accounts[0].regions.us-east-1.instances[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("imageID", error.Message, StringComparison.Ordinal);
    }
}
