using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace MarketplaceGuard.FakeIam.Ec2;

/// <summary>A region the endpoint serves, and whether accounts must opt in to it.</summary>
public sealed record FakeEc2RegionInfo(string Name, bool OptInRequired);

/// <summary>
/// The EC2 side of the fake endpoint: several accounts, each with its own regions and resources, plus the public
/// images (Marketplace and Amazon) every account sees. A request's account comes from its access key
/// (<see cref="MapAccessKey"/>; unmapped keys are the default account, the IAM account's), its region from the
/// SigV4 credential scope. All state is guarded by <see cref="SyncRoot"/>: the server runs each operation under it.
/// </summary>
public sealed class FakeEc2
{
    /// <summary>The account that owns AWS Marketplace AMIs (owner alias aws-marketplace).</summary>
    public const string MarketplaceOwnerId = "679593333241";

    /// <summary>The account that owns Amazon's AMIs (owner alias amazon).</summary>
    public const string AmazonOwnerId = "137112412989";

    private static readonly FakeEc2RegionInfo[] DefaultRegions =
    [
        .. new[]
        {
            "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1", "eu-west-2",
            "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
            "ap-southeast-1", "ap-southeast-2",
        }.Select(r => new FakeEc2RegionInfo(r, false)),
        .. new[] { "af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "eu-south-1", "eu-central-2", "me-south-1", "me-central-1", "il-central-1" }
            .Select(r => new FakeEc2RegionInfo(r, true)),
    ];

    private readonly Dictionary<string, FakeEc2Account> accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> accessKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FakeImage>> publicImages = new(StringComparer.Ordinal);
    private long nextId = 0x0a11ce0000000;

    public FakeEc2(string defaultAccountId = FakeIamAccount.DefaultAccountId)
    {
        DefaultAccountId = defaultAccountId;
        Regions = DefaultRegions;
    }

    public string DefaultAccountId { get; }

    public object SyncRoot { get; } = new();

    /// <summary>The regions DescribeRegions lists (with AllRegions); requests signed for another region are refused.</summary>
    public IReadOnlyList<FakeEc2RegionInfo> Regions { get; }

    public FakeEc2Account DefaultAccount => Account(DefaultAccountId);

    public IReadOnlyCollection<FakeEc2Account> Accounts => accounts.Values;

    public FakeEc2RegionInfo? FindRegion(string name) => Regions.FirstOrDefault(r => r.Name == name);

    /// <summary>An account (created empty on first use).</summary>
    public FakeEc2Account Account(string accountId)
    {
        if (accountId.Length != 12 || !accountId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"An account id has 12 digits, not '{accountId}'.", nameof(accountId));
        }

        if (!accounts.TryGetValue(accountId, out var account))
        {
            account = new FakeEc2Account(this, accountId);
            accounts.Add(accountId, account);
        }

        return account;
    }

    /// <summary>Requests signed with this access key act as this account.</summary>
    public void MapAccessKey(string accessKeyId, string accountId)
    {
        Account(accountId);
        accessKeys[accessKeyId] = accountId;
    }

    public FakeEc2Account AccountFor(string? accessKeyId) =>
        Account(accessKeyId is not null && accessKeys.TryGetValue(accessKeyId, out var id) ? id : DefaultAccountId);

    /// <summary>A public Marketplace AMI in a region (owner aws-marketplace), with its product code and root snapshot.</summary>
    public FakeImage AddMarketplaceImage(string region, string productCode, string? id = null, string name = "marketplace-product")
    {
        var image = AddPublicImage(region, id, name, MarketplaceOwnerId, "aws-marketplace");
        image.AddProductCodes([new FakeProductCode(productCode)]);
        return image;
    }

    /// <summary>A public AMI owned by another account (Amazon's images: owner amazon).</summary>
    public FakeImage AddPublicImage(string region, string? id, string name, string ownerId, string? ownerAlias)
    {
        if (FindRegion(region) is null)
        {
            throw new ArgumentException($"The fake EC2 endpoint does not know the region '{region}'.", nameof(region));
        }

        var image = new FakeImage(id ?? NewId("ami-"), ownerId)
        {
            Name = name,
            OwnerAlias = ownerAlias,
            IsPublic = true,
        };
        image.BlockDevices.Add(("/dev/xvda", NewId("snap-")));
        if (!publicImages.TryGetValue(region, out var list))
        {
            publicImages[region] = list = new List<FakeImage>();
        }

        list.Add(image);
        return image;
    }

    public IReadOnlyList<FakeImage> PublicImages(string region) => publicImages.TryGetValue(region, out var list) ? list : [];

    /// <summary>The images an account can see in a region: its own, public ones, and ones shared with it.</summary>
    public IEnumerable<FakeImage> VisibleImages(FakeEc2Account account, string region)
    {
        var own = account.Regions.FirstOrDefault(r => r.Name == region)?.Images ?? (IEnumerable<FakeImage>)[];
        var shared = accounts.Values.Where(a => a != account)
            .SelectMany(a => a.Regions.Where(r => r.Name == region))
            .SelectMany(r => r.Images)
            .Where(i => i.SharedWith.Contains(account.AccountId));
        return own.Concat(PublicImages(region)).Concat(shared);
    }

    public FakeImage? VisibleImage(FakeEc2Account account, string region, string imageId) =>
        (account.Regions.FirstOrDefault(r => r.Name == region)?.FindImage(imageId))
        ?? VisibleImages(account, region).FirstOrDefault(i => i.Id == imageId);

    /// <summary>Reads a seed file (see the README): accounts, their regions' resources, public images.</summary>
    public void LoadSeedFile(string path) => Ec2SeedLoader.Load(this, File.ReadAllText(path));

    public void LoadSeed(string json) => Ec2SeedLoader.Load(this, json);

    internal string NewId(string prefix) => Ec2Ids.Format(prefix, Interlocked.Increment(ref nextId));
}
