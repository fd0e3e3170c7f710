using System;
using System.Linq;
using System.Threading.Tasks;
using MarketplaceGuard.FakeIam.Agreements;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>The fake Marketplace Agreement API: SearchAgreements' validation as the model states it, paging, denial, faults, the seed.</summary>
public sealed class AgreementTests : IDisposable
{
    private const string Account = FakeIamAccount.DefaultAccountId;
    private const string Acceptor = """{"name":"PartyType","values":["Acceptor"]},{"name":"AgreementType","values":["PurchaseAgreement"]}""";
    private readonly FakeIamServer server = FakeIamServer.Start(new FakeIamAccount());
    private readonly AwsTestClient client;

    public AgreementTests()
    {
        client = new AwsTestClient(server);
        server.Agreements.Add(Enumerable.Range(1, 7).Select(i => new FakeAgreement($"agmt-{i}", Account)
        {
            Status = i % 2 == 0 ? "EXPIRED" : "ACTIVE",
            Resources = [(i <= 3 ? "prod-aaaaaaaaaaaaa" : "prod-bbbbbbbbbbbbb", i <= 5 ? "SaaSProduct" : "AmiProduct")],
            EndTime = i == 7 ? null : new DateTimeOffset(2027, 1, i, 0, 0, 0, TimeSpan.Zero),
        }).ToArray());
        server.Agreements.Add(new FakeAgreement("agmt-other", "222233334444"));
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    private Task<OrgReply> SearchAsync(string body) =>
        client.OrganizationsRawAsync(AgreementOperations.TargetPrefix + "SearchAgreements", body, AgreementOperations.ContentType);

    private static string[] Ids(OrgReply reply) =>
        reply.Json.GetProperty("agreementViewSummaries").EnumerateArray().Select(a => a.GetProperty("agreementId").GetString()!).ToArray();

    private static void AssertError(OrgReply reply, string code, string? reason, int status = 400)
    {
        Assert.True(reply.Status == status, $"Expected {status} {code}, got {reply.Status}: {reply.Body}");
        Assert.Equal(AgreementOperations.ContentType, reply.ContentType);
        Assert.Equal(code, reply.Json.GetProperty("__type").GetString());
        Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("message").GetString()));
        if (reason is not null)
        {
            Assert.Equal(reason, reply.Json.GetProperty("reason").GetString());
        }
    }

    [Fact]
    public async Task FindsTheCallersAgreementsLatestEndFirstWithoutEndLast()
    {
        var reply = await SearchAsync($$"""{"catalog":"AWSMarketplace","filters":[{{Acceptor}}]}""");

        Assert.Equal(200, reply.Status);
        Assert.Equal(["agmt-6", "agmt-5", "agmt-4", "agmt-3", "agmt-2", "agmt-1", "agmt-7"], Ids(reply));
        var first = reply.Json.GetProperty("agreementViewSummaries")[0];
        Assert.Equal(Account, first.GetProperty("acceptor").GetProperty("accountId").GetString());
        Assert.Equal(new DateTimeOffset(2027, 1, 6, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), first.GetProperty("endTime").GetDecimal());
    }

    [Fact]
    public async Task PagesWithNextTokenBoundToItsSearch()
    {
        var first = await SearchAsync($$"""{"filters":[{{Acceptor}}],"maxResults":3}""");
        var token = first.Json.GetProperty("nextToken").GetString();
        var second = await SearchAsync($$"""{"filters":[{{Acceptor}}],"maxResults":3,"nextToken":"{{token}}"}""");
        var third = await SearchAsync($$"""{"filters":[{{Acceptor}}],"maxResults":3,"nextToken":"{{second.Json.GetProperty("nextToken").GetString()}}"}""");
        var other = await SearchAsync($$"""{"filters":[{{Acceptor}},{"name":"Status","values":["ACTIVE"]}],"nextToken":"{{token}}"}""");

        Assert.Equal(["agmt-6", "agmt-5", "agmt-4", "agmt-3", "agmt-2", "agmt-1", "agmt-7"], Ids(first).Concat(Ids(second)).Concat(Ids(third)));
        Assert.False(third.Json.TryGetProperty("nextToken", out _));
        AssertError(other, "ValidationException", "INVALID_NEXT_TOKEN");
    }

    [Theory]
    [InlineData("""{"name":"Status","values":["ACTIVE"]}""", "agmt-5,agmt-3,agmt-1,agmt-7")]
    [InlineData("""{"name":"ResourceIdentifier","values":["prod-aaaaaaaaaaaaa"]},{"name":"Status","values":["EXPIRED"]}""", "agmt-2")]
    [InlineData("""{"name":"ResourceType","values":["AmiProduct"]}""", "agmt-6,agmt-7")]
    [InlineData("""{"name":"AfterEndTime","values":["2027-01-04T12:00:00Z"]}""", "agmt-6,agmt-5")]
    public async Task AppliesTheFiltersAnAcceptorMayCombine(string filters, string expected)
    {
        var reply = await SearchAsync($$"""{"filters":[{{Acceptor}},{{filters}}]}""");

        Assert.Equal(200, reply.Status);
        Assert.Equal(expected, string.Join(",", Ids(reply)));
    }

    [Theory]
    [InlineData("""{"filters":[{"name":"AgreementType","values":["PurchaseAgreement"]}]}""", "MISSING_PARTY_TYPE")]
    [InlineData("""{"filters":[{"name":"PartyType","values":["Buyer"]},{"name":"AgreementType","values":["PurchaseAgreement"]}]}""", "INVALID_PARTY_TYPE")]
    [InlineData("""{"filters":[ACCEPTOR,{"name":"Colour","values":["red"]}]}""", "INVALID_FILTER_NAME")]
    [InlineData("""{"filters":[ACCEPTOR,{"name":"Status","values":["ACTIVE","EXPIRED"]}]}""", "INVALID_FILTER_VALUES")]
    [InlineData("""{"filters":[ACCEPTOR,{"name":"Status","values":["active"]}]}""", "INVALID_FILTER_VALUES")]
    [InlineData("""{"filters":[ACCEPTOR,{"name":"ResourceType","values":["Ami"]}]}""", "INVALID_FILTER_VALUES")]
    [InlineData("""{"filters":[ACCEPTOR,{"name":"Status","values":[]}]}""", "MISSING_FILTER_VALUES")]
    [InlineData("""{"filters":[ACCEPTOR,{"name":"Status","values":["ACTIVE"]},{"name":"ResourceType","values":["AmiProduct"]}]}""", "UNSUPPORTED_FILTERS")]
    [InlineData("""{"filters":[ACCEPTOR,{"name":"ResourceIdentifier","values":["prod-aaaaaaaaaaaaa"]},{"name":"ResourceType","values":["AmiProduct"]}]}""", "UNSUPPORTED_FILTERS")]
    [InlineData("""{"filters":[ACCEPTOR,{"name":"AcceptorAccountId","values":["111122223333"]}]}""", "UNSUPPORTED_FILTERS")]
    [InlineData("""{"filters":[{"name":"PartyType","values":["Acceptor"]}]}""", "UNSUPPORTED_FILTERS")]
    [InlineData("""{"filters":[ACCEPTOR],"maxResults":0}""", "INVALID_MAX_RESULTS")]
    [InlineData("""{"filters":[ACCEPTOR],"maxResults":51}""", "INVALID_MAX_RESULTS")]
    [InlineData("""{"filters":[ACCEPTOR],"catalog":"Other"}""", "INVALID_CATALOG")]
    [InlineData("""{"filters":[ACCEPTOR],"sort":{"sortBy":"StartTime"}}""", "INVALID_SORT_BY")]
    [InlineData("""{"filters":[ACCEPTOR],"nextToken":"bm90LWEtdG9rZW4="}""", "INVALID_NEXT_TOKEN")]
    public async Task RefusesWhatTheModelDoesNotAllow(string body, string reason) =>
        AssertError(await SearchAsync(body.Replace("ACCEPTOR", Acceptor)), "ValidationException", reason);

    [Fact]
    public async Task ADeniedAccountGetsAccessDeniedAndOthersDoNot()
    {
        server.Agreements.Deny(Account);
        AssertError(await SearchAsync($$"""{"filters":[{{Acceptor}}]}"""), "AccessDeniedException", "INVALID_ACCESS", 403);
        server.Agreements.Allow(Account);
        Assert.Equal(200, (await SearchAsync($$"""{"filters":[{{Acceptor}}]}""")).Status);
    }

    [Fact]
    public async Task ThrottlesAndFailsOnDemandAndRecordsEveryCallWithItsAccount()
    {
        server.Faults.ThrottleNext(1, operation: "SearchAgreements");
        server.Faults.FailNext(1, operation: "SearchAgreements");
        AssertError(await SearchAsync($$"""{"filters":[{{Acceptor}}]}"""), "ThrottlingException", null);
        AssertError(await SearchAsync($$"""{"filters":[{{Acceptor}}]}"""), "InternalServerException", null, 500);
        Assert.Equal(200, (await SearchAsync($$"""{"filters":[{{Acceptor}}]}""")).Status);

        var calls = server.Requests.ForOperation("SearchAgreements");
        Assert.Equal(3, calls.Count);
        Assert.All(calls, c => Assert.Equal(Account, c.AccountId));
        Assert.Equal(["ThrottlingException", "InternalServerException", null], calls.Select(c => c.ErrorCode));
    }

    [Fact]
    public async Task AnUnknownOperationOrContentTypeIsRefused()
    {
        var unknown = await client.OrganizationsRawAsync(AgreementOperations.TargetPrefix + "CancelAgreement", "{}", AgreementOperations.ContentType);
        var wrongType = await client.OrganizationsRawAsync(AgreementOperations.TargetPrefix + "SearchAgreements", "{}", "application/x-amz-json-1.1");

        AssertError(unknown, "UnknownOperationException", null);
        AssertError(wrongType, "SerializationException", null);
    }

    [Fact]
    public void TheSeedLoadsAgreementsAndDeniedAccountsAndNamesAnUnknownMember()
    {
        var service = new FakeAgreementService();
        service.LoadSeed("""
            { "agreements": [ { "agreementId": "agmt-s1", "acceptorAccountId": "222233334444", "status": "CANCELLED",
                                "resources": [ { "id": "prod-aaaaaaaaaaaaa", "type": "AmiProduct" } ], "endTime": "2026-12-31T00:00:00Z",
                                "licenseArns": [ "arn:aws:license-manager::294406891311:license:l-1" ] } ],
              "deny": [ "444455556666" ] }
            """);

        var agreement = Assert.Single(service.All);
        Assert.Equal(("prod-aaaaaaaaaaaaa", "AmiProduct"), Assert.Single(agreement.Resources));
        Assert.Equal("CANCELLED", agreement.Status);
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero), agreement.EndTime);
        Assert.True(service.IsDenied("444455556666"));
        var e = Assert.Throws<FormatException>(() => service.LoadSeed("""{ "agreements": [ { "agreementId": "a", "acceptorAccountId": "1", "colour": "red" } ] }"""));
        Assert.StartsWith("$.agreements[0].colour: unknown member", e.Message);
    }
}
