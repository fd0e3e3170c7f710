using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Agreements;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Engine.Procurement;
using MarketplaceGuard.FakeIam;
using MarketplaceGuard.FakeIam.Agreements;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>The Marketplace Agreement client against the fake endpoint and scripted replies: paging, filters, retries, errors, mapping.</summary>
public sealed class AgreementClientTests
{
    private const string Account = FakeIamAccount.DefaultAccountId;
    private static readonly IamRetryPolicy Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxAttempts = 4 };
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static AwsConnection Connection(string? endpointUrl, string? region = null) => AwsConnection.Resolve(new AwsConnectionRequest
    {
        AccessKey = "AKIATESTAGREEMENT000",
        SecretKey = "agreement-secret",
        Region = region,
        EndpointUrl = endpointUrl,
        Environment = new Dictionary<string, string?>(),
    });

    private static FakeAgreement Agreement(int i, string account = Account, string status = "ACTIVE", string product = "prod-aaaaaaaaaaaaa", string type = "AmiProduct", DateTimeOffset? end = null) =>
        new($"agmt-{i:D8}", account) { Status = status, Resources = [(product, type)], EndTime = end ?? Now.AddDays(100 + i) };

    private static int Searches(FakeIamServer server) => server.Requests.ForOperation("SearchAgreements").Count;

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(50, 1)]
    [InlineData(51, 2)]
    [InlineData(2000, 40)]
    public async Task PagesWithFiftyAgreementsACall(int count, int calls)
    {
        using var server = FakeIamServer.Start(new FakeIamAccount());
        server.Agreements.Add(Enumerable.Range(0, count).Select(i => Agreement(i)).ToArray());
        server.Agreements.Add(Agreement(99999, account: "222233334444")); // another buyer's: never seen
        using var client = new AgreementClient(Connection(server.Url.ToString()), Account, Fast);

        var found = await client.SearchAsync(AgreementFilter.All, Now, CancellationToken.None);

        Assert.Equal(count, found.Count);
        Assert.Equal(count, found.Select(a => a.AgreementId).Distinct().Count());
        Assert.DoesNotContain(found, a => a.AgreementId == "agmt-00099999");
        Assert.Equal(calls, Searches(server));
        Assert.All(server.Requests.ForOperation("SearchAgreements"), r => Assert.Equal("50", r.Parameter("maxResults")));
    }

    [Fact]
    public async Task SendsAnAcceptorPurchaseSearchSignedForAwsMarketplaceInUsEast1WhateverTheRegion()
    {
        using var server = FakeIamServer.Start(new FakeIamAccount());
        using var client = new AgreementClient(Connection(server.Url.ToString(), region: "eu-west-1"), Account, Fast);

        await client.SearchAsync(AgreementFilter.All, Now, CancellationToken.None);

        var request = Assert.Single(server.Requests.ForOperation("SearchAgreements"));
        Assert.Equal("aws-marketplace", request.SigningService);
        Assert.Equal("us-east-1", request.SigningRegion);
        Assert.Equal(200, request.StatusCode);
        Assert.Equal("AWSMarketplace", request.Parameter("catalog"));
        Assert.Equal("""[{"name":"PartyType","values":["Acceptor"]},{"name":"AgreementType","values":["PurchaseAgreement"]}]""", request.Parameter("filters"));
    }

    [Theory]
    [InlineData(new[] { "ACTIVE" }, new string[0], new string[0], "PartyType=Acceptor AgreementType=PurchaseAgreement Status=ACTIVE")]
    [InlineData(new[] { "ACTIVE" }, new[] { "prod-aaaaaaaaaaaaa" }, new string[0], "PartyType=Acceptor AgreementType=PurchaseAgreement Status=ACTIVE ResourceIdentifier=prod-aaaaaaaaaaaaa")]
    [InlineData(new[] { "ACTIVE" }, new string[0], new[] { "SaaSProduct" }, "PartyType=Acceptor AgreementType=PurchaseAgreement Status=ACTIVE")]
    [InlineData(new string[0], new string[0], new[] { "SaaSProduct" }, "PartyType=Acceptor AgreementType=PurchaseAgreement ResourceType=SaaSProduct")]
    [InlineData(new[] { "ACTIVE", "EXPIRED" }, new[] { "prod-aaaaaaaaaaaaa", "prod-bbbbbbbbbbbbb" }, new[] { "SaaSProduct" }, "PartyType=Acceptor AgreementType=PurchaseAgreement ResourceType=SaaSProduct")]
    [InlineData(new[] { "ACTIVE", "EXPIRED" }, new string[0], new[] { "SaaSProduct", "AmiProduct" }, "PartyType=Acceptor AgreementType=PurchaseAgreement")]
    public void SendsOnlyTheFiltersTheApiTakesForAnAcceptor(string[] statuses, string[] products, string[] types, string expected)
    {
        var filters = AgreementClient.ServerFilters(AgreementFilter.Create(statuses, products, types));

        Assert.Equal(expected, string.Join(" ", filters.Select(f => $"{f.Key}={f.Value}")));
    }

    [Fact]
    public async Task FiltersWhatTheApiCannotAndTheFakeAcceptsEveryCombinationSent()
    {
        using var server = FakeIamServer.Start(new FakeIamAccount());
        server.Agreements.Add(
            Agreement(1, status: "ACTIVE", type: "SaaSProduct"),
            Agreement(2, status: "EXPIRED", type: "SaaSProduct"),
            Agreement(3, status: "ACTIVE", type: "AmiProduct"),
            Agreement(4, status: "CANCELLED", type: "SaaSProduct", product: "prod-bbbbbbbbbbbbb"),
            Agreement(5, status: "ACTIVE", type: "SaaSProduct", end: Now.AddDays(10)),
            Agreement(6, status: "ACTIVE", type: "SaaSProduct", end: Now.AddDays(-1)));
        using var client = new AgreementClient(Connection(server.Url.ToString()), Account, Fast);

        async Task<string> Ids(AgreementFilter filter) =>
            string.Join(",", (await client.SearchAsync(filter, Now, CancellationToken.None)).Select(a => a.AgreementId[^1..]).Order());

        Assert.Equal("1,5,6", await Ids(AgreementFilter.Create(["active"], resourceTypes: ["SaaSProduct"])));
        Assert.Equal("1,2,4,5,6", await Ids(AgreementFilter.Create(["ACTIVE", "EXPIRED", "CANCELLED"], resourceTypes: ["SaaSProduct"])));
        Assert.Equal("4", await Ids(AgreementFilter.Create(productIds: ["prod-bbbbbbbbbbbbb"], resourceTypes: ["saasproduct"])));
        Assert.Equal("5", await Ids(AgreementFilter.Create(["ACTIVE"], expiresWithin: TimeSpan.FromDays(30))));
        Assert.Equal(string.Empty, await Ids(AgreementFilter.Create(["TERMINATED"])));
        Assert.All(server.Requests.ForOperation("SearchAgreements"), r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task MapsEveryFieldOfASummary()
    {
        using var server = FakeIamServer.Start(new FakeIamAccount());
        server.Agreements.Add(
            new FakeAgreement("agmt-full00000000000000000001", Account)
            {
                ProposerAccountId = "444455556666",
                Status = "CANCELLED",
                Resources = [("prod-aaaaaaaaaaaaa", "SaaSProduct"), ("prod-ccccccccccccc", "AmiProduct")],
                OfferId = "offer-abc123",
                OfferSetId = "offerset-xyz",
                AcceptanceTime = new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
                StartTime = new DateTimeOffset(2025, 1, 3, 0, 0, 0, TimeSpan.Zero),
                EndTime = null,
                LicenseArns = ["arn:aws:license-manager::294406891311:license:l-1", "arn:aws:license-manager::294406891311:license:l-2"],
            });
        using var client = new AgreementClient(Connection(server.Url.ToString()), Account, Fast);

        var agreement = Assert.Single(await client.SearchAsync(AgreementFilter.All, Now, CancellationToken.None));

        Assert.Equal("agmt-full00000000000000000001", agreement.AgreementId);
        Assert.Equal(Account, agreement.AccountId);
        Assert.Null(agreement.AccountName);
        Assert.Equal("PurchaseAgreement", agreement.AgreementType);
        Assert.Equal("CANCELLED", agreement.Status);
        Assert.False(agreement.IsActive);
        Assert.Equal(Account, agreement.AcceptorAccountId);
        Assert.Equal("444455556666", agreement.ProposerAccountId);
        Assert.Equal("prod-aaaaaaaaaaaaa", agreement.ProductId);
        Assert.Equal("SaaSProduct", agreement.ResourceType);
        Assert.Equal([new AgreementResource("prod-aaaaaaaaaaaaa", "SaaSProduct"), new AgreementResource("prod-ccccccccccccc", "AmiProduct")], agreement.Resources);
        Assert.Equal("offer-abc123", agreement.OfferId);
        Assert.Equal("offerset-xyz", agreement.OfferSetId);
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), agreement.AcceptanceTime);
        Assert.Equal(new DateTimeOffset(2025, 1, 3, 0, 0, 0, TimeSpan.Zero), agreement.StartTime);
        Assert.Null(agreement.EndTime);
        Assert.Equal(["arn:aws:license-manager::294406891311:license:l-1", "arn:aws:license-manager::294406891311:license:l-2"], agreement.LicenseArns);
        Assert.Equal("arn:aws:license-manager::294406891311:license:l-1", agreement.LicenseArn);
        Assert.Null(agreement.ProductName);
    }

    [Fact]
    public async Task RetriesThrottlingAndServerErrorsThenGoesOnPaging()
    {
        using var server = FakeIamServer.Start(new FakeIamAccount());
        server.Agreements.Add(Enumerable.Range(0, 60).Select(i => Agreement(i)).ToArray());
        server.Faults.ThrottleNext(2, operation: "SearchAgreements");
        var records = new List<IamCallRecord>();
        using var client = new AgreementClient(Connection(server.Url.ToString()), Account, Fast) { CallCompleted = records.Add };

        var found = await client.SearchAsync(AgreementFilter.All, Now, CancellationToken.None);
        server.Faults.FailNext(1, operation: "SearchAgreements");
        var again = await client.SearchAsync(AgreementFilter.All, Now, CancellationToken.None);

        Assert.Equal(60, found.Count);
        Assert.Equal(60, again.Count);
        Assert.Equal(["ThrottlingException", "ThrottlingException", "OK", "OK", "InternalServerException", "OK", "OK"], records.Select(r => r.Outcome));
        Assert.All(records, r => Assert.Equal("Marketplace Agreement", r.Service));
    }

    [Fact]
    public async Task GivesUpOnThrottlingAfterEveryRetryNamingAccountOperationAndCode()
    {
        using var server = FakeIamServer.Start(new FakeIamAccount());
        server.Faults.ThrottleNext(10, operation: "SearchAgreements");
        using var client = new AgreementClient(Connection(server.Url.ToString()), Account, Fast);

        var e = await Assert.ThrowsAsync<AgreementException>(() => client.SearchAsync(AgreementFilter.All, Now, CancellationToken.None));

        Assert.Equal("ThrottlingException", e.Code);
        Assert.True(e.IsThrottling);
        Assert.Equal(Fast.MaxAttempts, e.Attempts);
        Assert.StartsWith($"Account {Account}: SearchAgreements failed: ThrottlingException: ", e.Message);
    }

    [Fact]
    public async Task AnAccountDeniedTheApiIsAnAccessDeniedErrorNotRetriedAndWithoutSecrets()
    {
        using var server = FakeIamServer.Start(new FakeIamAccount());
        server.Agreements.Deny(Account);
        using var client = new AgreementClient(Connection(server.Url.ToString()), Account, Fast);

        var e = await Assert.ThrowsAsync<AgreementException>(() => client.SearchAsync(AgreementFilter.All, Now, CancellationToken.None));

        Assert.Equal("AccessDeniedException", e.Code);
        Assert.Equal(403, e.StatusCode);
        Assert.Equal(Account, e.AccountId);
        Assert.Equal("SearchAgreements", e.Operation);
        Assert.Equal(1, Searches(server));
        Assert.Matches($"^Account {Account}: SearchAgreements failed: AccessDeniedException: User: .* is not authorized to perform: aws-marketplace:SearchAgreements", e.Message);
        Assert.DoesNotContain("agreement-secret", e.ToString());
    }

    [Theory]
    [InlineData("""{"agreementViewSummaries":[{"status":"ACTIVE"}]}""", "agreementViewSummaries[0] has no agreementId")]
    [InlineData("""{"agreementViewSummaries":[{"agreementId":"agmt-1"},{"agreementId":""}]}""", "agreementViewSummaries[1] has no agreementId")]
    [InlineData("""{"agreementViewSummaries":{"agreementId":"agmt-1"}}""", "agreementViewSummaries is not a list")]
    [InlineData("""{"agreementViewSummaries":[{"agreementId":"agmt-1","endTime":"tomorrow"}]}""", "agreementViewSummaries[0].endTime is not a time in epoch seconds")]
    [InlineData("""{"agreementViewSummaries":[{"agreementId":"agmt-1","proposalSummary":{"resources":[{"type":"AmiProduct"}]}}]}""", "agreementViewSummaries[0].proposalSummary.resources[0] has no id")]
    [InlineData("""{"agreementViewSummaries":[{"agreementId":"agmt-1","entitlements":[{"licenseArn":7}]}]}""", "agreementViewSummaries[0].entitlements[0].licenseArn is not a string")]
    public async Task AGarbledReplyIsAnErrorNamingTheAccountNeverFewerAgreements(string body, string why)
    {
        var handler = new StubAwsHandler(_ => StubAwsHandler.Json(HttpStatusCode.OK, body));
        using var client = new AgreementClient(Connection("http://127.0.0.1:9/"), Account, Fast, handler);

        var e = await Assert.ThrowsAsync<AgreementException>(() => client.SearchAsync(AgreementFilter.All, Now, CancellationToken.None));

        Assert.Equal("MalformedResponse", e.Code);
        Assert.Equal($"Account {Account}: SearchAgreements failed: MalformedResponse: {why}", e.Message);
    }

    [Fact]
    public async Task AReplyThatIsNotJsonIsRetriedThenAnError()
    {
        var handler = new StubAwsHandler(_ => StubAwsHandler.Json(HttpStatusCode.OK, """{"agreementViewSummaries":[{"agreementId":"agm"""));
        using var client = new AgreementClient(Connection("http://127.0.0.1:9/"), Account, Fast, handler);

        var e = await Assert.ThrowsAsync<AgreementException>(() => client.SearchAsync(AgreementFilter.All, Now, CancellationToken.None));

        Assert.Equal("MalformedResponse", e.Code);
        Assert.Equal(Fast.MaxAttempts, handler.Requests.Count);
        Assert.StartsWith($"Account {Account}: SearchAgreements failed: MalformedResponse: the reply is not valid JSON", e.Message);
    }

    [Theory]
    [InlineData("5", "number")]
    [InlineData("\"\"", "string")]
    [InlineData("{\"t\":1}", "object")]
    [InlineData("true", "true")]
    public async Task ANextTokenThatCannotBeFollowedIsAnErrorNotTheEnd(string token, string kind)
    {
        var handler = new StubAwsHandler(_ => StubAwsHandler.Json(HttpStatusCode.OK, "{\"agreementViewSummaries\":[],\"nextToken\":" + token + "}"));
        using var client = new AgreementClient(Connection("http://127.0.0.1:9/"), Account, Fast, handler);

        var e = await Assert.ThrowsAsync<AgreementException>(() => client.SearchAsync(AgreementFilter.All, Now, CancellationToken.None));

        Assert.Equal("MalformedResponse", e.Code);
        Assert.Contains($"the reply's nextToken is {kind}, not a token", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARepeatedNextTokenStopsInsteadOfPagingForever()
    {
        var handler = new StubAwsHandler(_ => StubAwsHandler.Json(HttpStatusCode.OK, """{"agreementViewSummaries":[],"nextToken":"same"}"""));
        using var client = new AgreementClient(Connection("http://127.0.0.1:9/"), Account, Fast, handler);

        var e = await Assert.ThrowsAsync<AgreementException>(() => client.SearchAsync(AgreementFilter.All, Now, CancellationToken.None));

        Assert.Equal(2, handler.Requests.Count);
        Assert.Contains("repeats an earlier nextToken", e.Message);
    }

    [Fact]
    public async Task ATruncatedReplyFromTheFakeIsRetried()
    {
        using var server = FakeIamServer.Start(new FakeIamAccount());
        server.Agreements.Add(Agreement(1));
        server.Faults.MalformedNext(1, operation: "SearchAgreements");
        using var client = new AgreementClient(Connection(server.Url.ToString()), Account, Fast);

        Assert.Single(await client.SearchAsync(AgreementFilter.All, Now, CancellationToken.None));
        Assert.Equal(2, Searches(server));
    }

    [Theory]
    [InlineData(null, "https://agreement-marketplace.us-east-1.amazonaws.com/")]
    [InlineData("eu-central-1", "https://agreement-marketplace.us-east-1.amazonaws.com/")]
    [InlineData("us-east-1", "https://agreement-marketplace.us-east-1.amazonaws.com/")]
    public void TheEndpointIsUsEast1InTheAwsPartition(string? region, string url)
    {
        var endpoint = Connection(endpointUrl: null, region).AgreementEndpoint;

        Assert.True(endpoint.IsAvailable);
        Assert.False(endpoint.IsOverridden);
        Assert.Equal(url, endpoint.Url!.ToString());
    }

    [Theory]
    [InlineData("cn-north-1", "aws-cn")]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    public void OtherPartitionsHaveNoEndpointAndNoClient(string region, string partition)
    {
        var connection = Connection(endpointUrl: null, region);

        Assert.False(connection.AgreementEndpoint.IsAvailable);
        Assert.Contains($"the {partition} partition", connection.AgreementEndpoint.UnavailableReason);
        Assert.Throws<InvalidOperationException>(() => new AgreementClient(connection, Account));
    }

    [Fact]
    public void AnOverrideWinsInEveryPartitionAndTheServiceVariableBeforeTheGlobalOne()
    {
        Assert.Equal("http://127.0.0.1:5/", Connection("http://127.0.0.1:5/", "cn-north-1").AgreementEndpoint.Url!.ToString());
        var env = new Dictionary<string, string?>
        {
            [AgreementEndpoint.ServiceSpecificEndpointVariable] = "http://127.0.0.1:7/",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:8/",
        };
        var endpoint = AgreementEndpoint.Resolve("aws", null, name => env.GetValueOrDefault(name));
        Assert.True(endpoint.IsOverridden);
        Assert.Equal("http://127.0.0.1:7/", endpoint.Url!.ToString());
    }
}
