using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using MarketplaceGuard.FakeIam.Organizations;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>FakeOrganization.LoadFolder: the organization snapshot folder format, and its errors naming a JSON path.</summary>
public sealed class OrganizationFolderTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "fake-org-" + Guid.NewGuid().ToString("N"));

    public OrganizationFolderTests()
    {
        Directory.CreateDirectory(Path.Combine(folder, "accounts"));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>The format's example, with an OU listed before its parent, the management account, and an account that was not exported.</summary>
    internal static string Sample(string accountExtra = "", string policyTargets = """ "r-a1b2", "ou-a1b2-c3d4e5f6", "222222222222" """) => $$"""
        {
          "Format": "MarketplaceGuard.OrganizationSnapshot",
          "FormatVersion": 1,
          "ExportedAt": "2026-11-30T12:00:00Z",
          "Organization": {
            "Id": "o-a1b2c3d4e5",
            "Arn": "arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5",
            "FeatureSet": "ALL",
            "ManagementAccountId": "111111111111",
            "ManagementAccountArn": "arn:aws:organizations::111111111111:account/o-a1b2c3d4e5/111111111111",
            "ManagementAccountEmail": "root@example.com"
          },
          "Roots": [
            { "Id": "r-a1b2", "Arn": "arn:aws:organizations::111111111111:root/o-a1b2c3d4e5/r-a1b2", "Name": "Root",
              "PolicyTypes": [ { "Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED" } ] }
          ],
          "OrganizationalUnits": [
            { "Id": "ou-a1b2-sub00001", "Arn": "arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-a1b2-sub00001", "Name": "Inner", "ParentId": "ou-a1b2-c3d4e5f6" },
            { "Id": "ou-a1b2-c3d4e5f6", "Arn": "arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-a1b2-c3d4e5f6", "Name": "Sandbox", "ParentId": "r-a1b2" }
          ],
          "Accounts": [
            { "Id": "111111111111", "Arn": "arn:aws:organizations::111111111111:account/o-a1b2c3d4e5/111111111111",
              "Name": "management", "Email": "root@example.com", "State": "ACTIVE", "ParentId": "r-a1b2",
              "JoinedMethod": "CREATED", "JoinedTimestamp": "2020-01-01T00:00:00Z",
              "AuthorizationDetails": null, "NotExported": "not selected" },
            { "Id": "222222222222", "Arn": "arn:aws:organizations::111111111111:account/o-a1b2c3d4e5/222222222222",
              "Name": "dev", "Email": "dev@example.com", "State": "ACTIVE", "ParentId": "ou-a1b2-c3d4e5f6",
              "JoinedMethod": "CREATED", "JoinedTimestamp": "2024-01-01T00:00:00Z",
              "AuthorizationDetails": "accounts/222222222222.json"{{accountExtra}} },
            { "Id": "333333333333", "Arn": "arn:aws:organizations::111111111111:account/o-a1b2c3d4e5/333333333333",
              "Name": "old", "Email": "old@example.com", "State": "SUSPENDED", "ParentId": "ou-a1b2-sub00001",
              "JoinedMethod": "INVITED", "JoinedTimestamp": "2021-06-01T08:00:00Z",
              "NotExported": "AssumeRole was denied: the account is suspended." }
          ],
          "Policies": [
            { "Id": "p-FullAWSAccess", "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
              "Name": "FullAWSAccess", "Description": "Allows access to every operation", "Type": "SERVICE_CONTROL_POLICY",
              "AwsManaged": true,
              "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
              "Targets": [ {{policyTargets}} ] },
            { "Id": "p-notjson1", "Arn": "arn:aws:organizations::111111111111:policy/o-a1b2c3d4e5/service_control_policy/p-notjson1",
              "Name": "Broken", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": false, "Content": "{ not json", "Targets": [] }
          ]
        }
        """;

    private FakeOrganization Load(string organizationJson, bool withAccountFile = true)
    {
        File.WriteAllText(Path.Combine(folder, "organization.json"), organizationJson);
        if (withAccountFile)
        {
            File.Copy(TestData.SampleAccountPath, Path.Combine(folder, "accounts", "222222222222.json"), overwrite: true);
        }

        return FakeOrganization.LoadFolder(folder);
    }

    [Fact]
    public void AGoodFolderLoadsTheTreeThePoliciesAndEachExportedAccountsIam()
    {
        var org = Load(Sample());

        Assert.Equal(("o-a1b2c3d4e5", "111111111111", "root@example.com", "ALL"), (org.Id, org.ManagementAccountId, org.ManagementAccountEmail, org.FeatureSet));
        Assert.Equal("ENABLED", org.Roots.Single().PolicyTypes.Single(t => t.Type == "SERVICE_CONTROL_POLICY").Status);
        Assert.Equal(["ou-a1b2-c3d4e5f6", "ou-a1b2-sub00001"], org.OrganizationalUnits.Select(u => u.Id));
        var dev = org.FindAccount("222222222222")!;
        var old = org.FindAccount("333333333333")!;
        Assert.Equal(("ou-a1b2-c3d4e5f6", "ACTIVE", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)), (dev.ParentId, dev.State, dev.JoinedTimestamp));
        Assert.Equal(TestData.SampleAccount().Users.Select(u => u.Name), dev.Iam.Users.Select(u => u.Name));
        Assert.Equal("222222222222", dev.Iam.AccountId);
        Assert.All(dev.Iam.Users, u => Assert.StartsWith("arn:aws:iam::222222222222:user/", u.Arn, StringComparison.Ordinal));
        Assert.Equal(("SUSPENDED", "INVITED", "AssumeRole was denied: the account is suspended."), (old.State, old.JoinedMethod, old.NotExported));
        Assert.Empty(old.Iam.Users);
        Assert.Equal("333333333333", old.Iam.AccountId);
        Assert.Equal(["r-a1b2", "ou-a1b2-c3d4e5f6", "222222222222"], org.FindPolicy("p-FullAWSAccess")!.Targets);
        Assert.Equal("{ not json", org.FindPolicy("p-notjson1")!.Content);
        Assert.True(org.FindPolicy("p-FullAWSAccess")!.AwsManaged);
    }

    [Fact]
    public async Task AServerOnALoadedFolderServesEveryAccountWithTheManagementAccountAsDefault()
    {
        using var server = FakeIamServer.Start(Load(Sample()));
        using var client = new AwsTestClient(server);

        var identity = await client.StsAsync("GetCallerIdentity");
        var accounts = await client.OrganizationsAsync("ListAccounts");

        Assert.Equal("111111111111", identity.Value("Account"));
        Assert.Equal(["111111111111", "222222222222", "333333333333"], accounts.Ids("Accounts"));
        Assert.Equal(TestData.SampleAccount().Users.Count, server.IamAccount("222222222222").Users.Count);
        Assert.Empty(server.IamAccount("333333333333").Users);
    }

    [Fact]
    public void AnUnknownMemberIsAnErrorNamingItsPath()
    {
        var error = Assert.Throws<FormatException>(() => Load(Sample(accountExtra: """, "Colour": "blue" """)));

        Assert.Contains("$.Accounts[1].Colour", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownPolicyTargetIsAnErrorNamingItsPath()
    {
        var error = Assert.Throws<FormatException>(() => Load(Sample(policyTargets: """ "r-a1b2", "444444444444" """)));

        Assert.Contains("$.Policies[0].Targets[1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("444444444444", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingAuthorizationDetailsFileIsAnErrorNamingTheAccount()
    {
        var error = Assert.Throws<FormatException>(() => Load(Sample(), withAccountFile: false));

        Assert.Contains("$.Accounts[1].AuthorizationDetails", error.Message, StringComparison.Ordinal);
        Assert.Contains("accounts/222222222222.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"ParentId\": \"ou-a1b2-c3d4e5f6\" },", "\"ParentId\": \"ou-a1b2-nothere1\" },", "$.OrganizationalUnits[0]")]
    [InlineData("\"Format\": \"MarketplaceGuard.OrganizationSnapshot\"", "\"Format\": \"Something.Else\"", "Format")]
    [InlineData("\"FormatVersion\": 1", "\"FormatVersion\": 2", "FormatVersion")]
    [InlineData("\"Id\": \"333333333333\"", "\"Id\": \"3333\"", "$.Accounts[2]")]
    [InlineData("\"State\": \"SUSPENDED\"", "\"State\": \"GONE\"", "$.Accounts[2]")]
    [InlineData("\"JoinedMethod\": \"INVITED\", \"JoinedTimestamp\": \"2021-06-01T08:00:00Z\"", "\"JoinedMethod\": \"INVITED\", \"JoinedTimestamp\": 5", "$.Accounts[2].JoinedTimestamp")]
    public void BrokenContentIsAnErrorNamingWhere(string original, string replacement, string expected)
    {
        var json = Sample();
        Assert.Contains(original, json, StringComparison.Ordinal);

        var error = Assert.Throws<FormatException>(() => Load(json.Replace(original, replacement, StringComparison.Ordinal)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadJsonOrAMissingFileAreErrors()
    {
        Assert.ThrowsAny<JsonException>(() => Load("""{ "Format": "MarketplaceGuard.OrganizationSnapshot", """));
        Assert.Throws<FileNotFoundException>(() => FakeOrganization.LoadFolder(Path.Combine(folder, "accounts")));
    }
}
