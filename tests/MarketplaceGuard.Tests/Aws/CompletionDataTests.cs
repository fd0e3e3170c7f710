using System;
using System.IO;
using System.Linq;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>What -Region and -ProfileName offer on Tab: only values the cmdlets then accept.</summary>
public sealed class CompletionDataTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"mg-profiles-{Guid.NewGuid():N}");

    public CompletionDataTests()
    {
        Directory.CreateDirectory(folder);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void RegionsAreTheSdksRegionsInCodeOrderWithTheirNames()
    {
        var regions = AwsRegions.All;

        Assert.Equal(regions.Select(r => r.Code).Order(StringComparer.Ordinal), regions.Select(r => r.Code));
        Assert.Contains(new AwsRegion("eu-west-1", "Europe (Ireland)", "aws"), regions);
        Assert.Contains(new AwsRegion("cn-north-1", "China (Beijing)", "aws-cn"), regions);
        Assert.Contains(regions, r => r.Code == "us-gov-west-1" && r.Partition == "aws-us-gov");
        Assert.DoesNotContain(regions, r => r.Code.EndsWith("-regional", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryRegionOfferedPicksThePartitionItIsListedIn()
    {
        foreach (var region in AwsRegions.All.Where(r => r.Partition is "aws" or "aws-cn" or "aws-us-gov" or "aws-iso" or "aws-iso-b"))
        {
            Assert.Equal(region.Partition, IamEndpoint.Resolve(region.Code, null, _ => null).Partition);
        }
    }

    [Fact]
    public void ProfilesComeFromTheCredentialsFileAndTheConfigFileBesideIt()
    {
        var credentials = Path.Combine(folder, "credentials");
        File.WriteAllText(credentials, """
            [audit]
            aws_access_key_id = AKIAAUDITPROFILE0000
            aws_secret_access_key = audit-secret
            [ci deploy]
            aws_access_key_id = AKIACIDEPLOY00000000
            aws_secret_access_key = ci-secret
            """);
        File.WriteAllText(Path.Combine(folder, "config"), """
            [profile from-config]
            aws_access_key_id = AKIACONFIG0000000000
            aws_secret_access_key = config-secret
            """);

        var names = AwsProfiles.Names(credentials);

        Assert.Equal(["audit", "ci deploy", "from-config"], names);
        foreach (var name in names)
        {
            var connection = AwsConnection.Resolve(new AwsConnectionRequest { ProfileName = name, ProfileLocation = credentials, Environment = new System.Collections.Generic.Dictionary<string, string?>() });
            Assert.StartsWith($"profile '{name}'", connection.CredentialSource, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AnUnreadableOrMissingProfileFileOffersNothing()
    {
        var garbage = Path.Combine(folder, "credentials");
        File.WriteAllBytes(garbage, Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());

        Assert.Empty(AwsProfiles.Names(garbage));
        Assert.Empty(AwsProfiles.Names(Path.Combine(folder, "missing")));
        Assert.Empty(AwsProfiles.Names(folder));
    }
}
