using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using static MarketplaceGuard.FakeIam.Tests.TestOrganizations;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>Organizations paging: at most 20 (or MaxResults) a page, tokens bound to their listing, empty pages first.</summary>
public sealed class OrganizationsPagingTests : IDisposable
{
    private const int Members = 50;
    private readonly FakeIamServer server = FakeIamServer.Start(Build(Members));
    private readonly AwsTestClient client;

    public OrganizationsPagingTests()
    {
        client = new AwsTestClient(server);
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    private static List<string> AllAccountIds() => [Management, .. Enumerable.Range(1, Members).Select(Member)];

    [Fact]
    public async Task PagesHoldAtMostTwentyAndTogetherEveryAccountOnce()
    {
        var pages = await client.AllOrganizationsPagesAsync("ListAccounts");

        Assert.Equal([20, 20, 11], pages.Select(p => p.Ids("Accounts").Count));
        Assert.Equal(AllAccountIds(), pages.SelectMany(p => p.Ids("Accounts")));
    }

    [Fact]
    public async Task MaxResultsIsHonoured()
    {
        var pages = await client.AllOrganizationsPagesAsync("ListAccounts", new Dictionary<string, object> { ["MaxResults"] = 7 });
        var forParent = await client.AllOrganizationsPagesAsync("ListAccountsForParent", new Dictionary<string, object> { ["ParentId"] = Workloads, ["MaxResults"] = 4 });
        var targets = await client.AllOrganizationsPagesAsync("ListTargetsForPolicy", new Dictionary<string, object> { ["PolicyId"] = "p-FullAWSAccess", ["MaxResults"] = 20 });

        Assert.Equal(8, pages.Count);
        Assert.All(pages, p => Assert.InRange(p.Ids("Accounts").Count, 1, 7));
        Assert.Equal(AllAccountIds(), pages.SelectMany(p => p.Ids("Accounts")));
        Assert.Equal(Enumerable.Range(1, Members).Where(i => ParentOfMember(i) == Workloads).Select(Member), forParent.SelectMany(p => p.Ids("Accounts")));
        Assert.All(forParent, p => Assert.InRange(p.Ids("Accounts").Count, 1, 4));
        Assert.Equal(4 + Members + 1, targets.Sum(p => p.Ids("Targets", "TargetId").Count));
    }

    [Fact]
    public async Task ATokenIsOnlyValidForTheListingThatIssuedIt()
    {
        var first = await client.OrganizationsAsync("ListAccounts", new { MaxResults = 5 });
        var sandbox = await client.OrganizationsAsync("ListAccountsForParent", new { ParentId = Sandbox, MaxResults = 5 });

        var onRoots = await client.OrganizationsAsync("ListRoots", new { NextToken = first.NextToken });
        var onOtherParent = await client.OrganizationsAsync("ListAccountsForParent", new { ParentId = Workloads, NextToken = sandbox.NextToken });
        var garbage = await client.OrganizationsAsync("ListAccounts", new { NextToken = "garbage!" });
        var good = await client.OrganizationsAsync("ListAccounts", new { NextToken = first.NextToken });

        Assert.NotNull(first.NextToken);
        onRoots.AssertError("InvalidInputException", "INVALID_NEXT_TOKEN");
        onOtherParent.AssertError("InvalidInputException", "INVALID_NEXT_TOKEN");
        garbage.AssertError("InvalidInputException", "INVALID_NEXT_TOKEN");
        good.AssertOk();
        Assert.Equal(AllAccountIds().Skip(5).Take(20), good.Ids("Accounts"));
    }

    [Fact]
    public async Task WithEmptyPagesFirstEveryListingStartsWithAnEmptyPageThatHasAToken()
    {
        server.Organizations.EmptyPagesFirst = true;

        var first = await client.OrganizationsAsync("ListAccounts");
        var pages = await client.AllOrganizationsPagesAsync("ListAccounts");
        var emptyListing = await client.AllOrganizationsPagesAsync("ListPolicies", new Dictionary<string, object> { ["Filter"] = "TAG_POLICY" });

        Assert.Empty(first.Ids("Accounts"));
        Assert.NotNull(first.NextToken);
        Assert.Equal([0, 20, 20, 11], pages.Select(p => p.Ids("Accounts").Count));
        Assert.Equal(AllAccountIds(), pages.SelectMany(p => p.Ids("Accounts")));
        Assert.Equal(2, emptyListing.Count);
        Assert.All(emptyListing, p => Assert.Empty(p.Ids("Policies")));
    }
}
