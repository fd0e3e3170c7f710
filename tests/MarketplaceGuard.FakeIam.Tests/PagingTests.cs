using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace MarketplaceGuard.FakeIam.Tests;

public sealed class PagingTests : IDisposable
{
    private readonly FakeIamServer server = FakeIamServer.Start(TestData.SampleAccount());
    private readonly IamTestClient client;

    public PagingTests()
    {
        client = new IamTestClient(server);
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(100)]
    [InlineData(1000)]
    public async Task AuthorizationDetailsPagesHoldAtMostMaxItemsAndTheMarkersWalkTheAccountOnce(int maxItems)
    {
        // The sample account: 17 users, 8 groups, 7 roles, 10 customer managed policies = 42 entities.
        var pages = await client.AllPagesAsync("GetAccountAuthorizationDetails", ("MaxItems", maxItems.ToString()));

        var seen = new List<string>();
        foreach (var page in pages)
        {
            var entities = page.Members("UserDetailList").Select(m => "user/" + m.Element(m.Name.Namespace + "UserName")!.Value)
                .Concat(page.Members("GroupDetailList").Select(m => "group/" + m.Element(m.Name.Namespace + "GroupName")!.Value))
                .Concat(page.Members("RoleDetailList").Select(m => "role/" + m.Element(m.Name.Namespace + "RoleName")!.Value))
                .Concat(page.Members("Policies").Select(m => "policy/" + m.Element(m.Name.Namespace + "PolicyName")!.Value))
                .ToList();
            Assert.InRange(entities.Count, 1, maxItems);
            seen.AddRange(entities);
        }

        Assert.Equal((int)Math.Ceiling(42.0 / maxItems), pages.Count);
        Assert.Equal(42, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        var account = server.Account;
        var expected = account.Users.Select(u => "user/" + u.Name)
            .Concat(account.Groups.Select(g => "group/" + g.Name))
            .Concat(account.Roles.Select(r => "role/" + r.Name))
            .Concat(account.Policies.Select(p => "policy/" + p.Name));
        Assert.Equal(expected, seen);
        Assert.Null(pages[^1].Value("Marker"));
        Assert.Equal("false", pages[^1].Value("IsTruncated"));
    }

    [Fact]
    public async Task WithoutMaxItemsAPageHoldsAHundredEntities()
    {
        for (var i = 0; i < 100; i++)
        {
            server.Account.AddUser($"bulk{i:D3}");
        }

        var pages = await client.AllPagesAsync("GetAccountAuthorizationDetails");

        Assert.Equal(2, pages.Count);
        Assert.Equal(100, pages[0].Members("UserDetailList").Count);
        Assert.Equal(142, pages.Sum(p => p.Members("UserDetailList").Count + p.Members("GroupDetailList").Count
            + p.Members("RoleDetailList").Count + p.Members("Policies").Count));
    }

    [Fact]
    public async Task FiltersChooseEntityTypesAndAwsManagedPoliciesOnlyWhenAskedFor()
    {
        server.Account.AddAwsManagedPolicy("ViewOnlyAccess", TestData.AllowView, "/job-function/");

        var local = await client.CallAsync("GetAccountAuthorizationDetails", ("Filter.member.1", "LocalManagedPolicy"));
        var aws = await client.CallAsync("GetAccountAuthorizationDetails", ("Filter.member.1", "AWSManagedPolicy"));
        var usersAndRoles = await client.CallAsync("GetAccountAuthorizationDetails", ("Filter.member.1", "User"), ("Filter.member.2", "Role"));
        var all = await client.CallAsync("GetAccountAuthorizationDetails");

        Assert.Equal(10, local.Members("Policies").Count);
        Assert.Empty(local.Members("UserDetailList"));
        Assert.Equal(new[] { "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess" }, aws.Members("Policies").Select(p => p.Element(p.Name.Namespace + "Arn")!.Value));
        Assert.Equal(17, usersAndRoles.Members("UserDetailList").Count);
        Assert.Equal(7, usersAndRoles.Members("RoleDetailList").Count);
        Assert.Empty(usersAndRoles.Members("GroupDetailList"));
        Assert.Empty(usersAndRoles.Members("Policies"));
        Assert.Equal(11, all.Members("Policies").Count);
    }

    [Fact]
    public async Task AnUnknownFilterIsAValidationError()
    {
        var reply = await client.CallAsync("GetAccountAuthorizationDetails", ("Filter.member.1", "Users"));

        reply.AssertError(400, "ValidationError");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("ten")]
    public async Task MaxItemsOutsideOneToAThousandIsAValidationError(string maxItems)
    {
        var reply = await client.CallAsync("GetAccountAuthorizationDetails", ("MaxItems", maxItems));

        reply.AssertError(400, "ValidationError");
    }

    [Fact]
    public async Task AForgedMarkerOrOneFromAnotherOperationIsInvalidInput()
    {
        var policies = await client.CallAsync("ListPolicies", ("MaxItems", "1"));
        var foreignMarker = policies.Value("Marker")!;

        var forged = await client.CallAsync("GetAccountAuthorizationDetails", ("Marker", "not-a-marker"));
        var foreign = await client.CallAsync("GetAccountAuthorizationDetails", ("Marker", foreignMarker));

        forged.AssertError(400, "InvalidInput");
        foreign.AssertError(400, "InvalidInput");
    }

    [Theory]
    [InlineData("ListPolicies", "Policies", "PolicyName", 10, new[] { "Scope", "Local" })]
    [InlineData("GetGroup", "Users", "UserName", 3, new[] { "GroupName", "Developers" })]
    [InlineData("ListGroupsForUser", "Groups", "GroupName", 2, new[] { "UserName", "priya" })]
    [InlineData("ListEntitiesForPolicy", "PolicyUsers", "UserName", 1, new[] { "PolicyArn", "arn:aws:iam::111122223333:policy/DevBoundary" })]
    public async Task ListOperationsPageOneItemAtATime(string action, string listName, string nameElement, int expectedCount, string[] parameter)
    {
        var pages = await client.AllPagesAsync(action, ("MaxItems", "1"), (parameter[0], parameter[1]));

        var names = pages.SelectMany(p => p.Members(listName)).Select(m => m.Element(m.Name.Namespace + nameElement)!.Value).ToList();
        Assert.Equal(expectedCount, names.Count);
        Assert.Equal(expectedCount, pages.Count);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public async Task PolicyVersionsAndAttachedPoliciesPage()
    {
        var arn = TestData.CustomerPolicyArn("LegacyMarketplaceAccess");
        for (var i = 0; i < 4; i++)
        {
            (await client.CallAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", TestData.Document($"V{i}")))).AssertOk();
        }

        var versions = await client.AllPagesAsync("ListPolicyVersions", ("PolicyArn", arn), ("MaxItems", "2"));

        Assert.Equal(3, versions.Count);
        Assert.Equal(new[] { "v5", "v4", "v3", "v2", "v1" },
            versions.SelectMany(p => p.Members("Versions")).Select(v => v.Element(v.Name.Namespace + "VersionId")!.Value));
    }
}
