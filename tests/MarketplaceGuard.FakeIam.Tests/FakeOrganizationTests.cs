using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using MarketplaceGuard.FakeIam.Organizations;
using static MarketplaceGuard.FakeIam.Tests.TestOrganizations;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>Building an organization in C#, serving it, and latency injection.</summary>
public sealed class FakeOrganizationTests
{
    [Fact]
    public void GeneratedIdsFollowTheModelsPatternsAndAreTheSameOnEveryRun()
    {
        static string[] Ids()
        {
            var org = new FakeOrganization("123456789012");
            var root = org.AddRoot();
            var unit = org.AddOrganizationalUnit("Team", root.Id);
            var policy = org.AddPolicy("Deny", "{}");
            return [org.Id, root.Id, unit.Id, policy.Id, policy.Arn];
        }

        var ids = Ids();

        Assert.Matches("^o-[a-z0-9]{10}$", ids[0]);
        Assert.Matches("^r-[0-9a-z]{4}$", ids[1]);
        Assert.Matches($"^ou-{ids[1][2..]}-[a-z0-9]{{8}}$", ids[2]);
        Assert.Matches("^p-[0-9a-z]{8}$", ids[3]);
        Assert.Equal($"arn:aws:organizations::123456789012:policy/{ids[0]}/service_control_policy/{ids[3]}", ids[4]);
        Assert.Equal(ids, Ids());
    }

    [Fact]
    public void TheBuilderRefusesWhatOrganizationsWould()
    {
        var org = Build();
        var parent = Experiments;
        for (var level = 3; level <= 5; level++)
        {
            parent = org.AddOrganizationalUnit($"Level{level}", parent).Id;
        }

        Assert.Throws<ArgumentException>(() => org.AddOrganizationalUnit("Level6", parent));
        Assert.Throws<ArgumentException>(() => org.AddAccount(Member(1), "again", RootId));
        Assert.Throws<ArgumentException>(() => org.AddAccount("123", "short", RootId));
        Assert.Throws<ArgumentException>(() => org.AddAccount("444444444444", "orphan", "ou-a1b2-nothere1"));
        Assert.Throws<ArgumentException>(() => org.AddAccount("444444444444", "mismatch", RootId, iam: new FakeIamAccount("555555555555")));
        Assert.Throws<ArgumentException>(() => org.AddRoot("root"));
        Assert.Throws<ArgumentException>(() => org.AddPolicy("Bad", "{}", "p-x"));
        Assert.Throws<ArgumentException>(() => org.AttachPolicy("p-FullAWSAccess", "444444444444"));
        Assert.Throws<ArgumentException>(() => org.AddDelegatedAdministrator(Management));
        Assert.Same(org.FindPolicy("p-FullAWSAccess"), org.AddFullAwsAccess());
    }

    [Fact]
    public async Task TheCallerAccountCanBeAnotherAccountAndAnUnlistedManagementAccountGetsAnEmptyIamAccount()
    {
        var org = new FakeOrganization(Management);
        var root = org.AddRoot();
        org.AddAccount(Member(1), "member", root.Id);
        using var asMember = FakeIamServer.Start(org, Member(1));
        using var asManagement = FakeIamServer.Start(org);
        using var memberClient = new AwsTestClient(asMember);

        var identity = await memberClient.StsAsync("GetCallerIdentity");

        Assert.Equal(Member(1), identity.Value("Account"));
        Assert.Equal(Management, asManagement.Account.AccountId);
        Assert.Empty(asManagement.Account.Users);
        Assert.Throws<ArgumentException>(() => FakeIamServer.Start(org, "999999999999"));
    }

    [Fact]
    public async Task LatencyDelaysEveryRequest()
    {
        using var server = FakeIamServer.Start(Build());
        using var client = new AwsTestClient(server);
        await client.StsAsync("GetCallerIdentity");
        server.Latency = TimeSpan.FromMilliseconds(150);

        var watch = Stopwatch.StartNew();
        await client.StsAsync("GetCallerIdentity");
        await client.OrganizationsAsync("ListRoots");
        var refused = await client.IamAsync("NoSuchAction");
        watch.Stop();

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(3 * 145), $"Three requests took {watch.Elapsed}.");
        Assert.Equal(400, refused.Status);
        Assert.Equal(4, server.Requests.Count());
    }
}
