using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Aws.Organizations;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>The Organizations JSON 1.1 client against scripted replies: the wire format, errors, retries, paging, concurrency.</summary>
public sealed class OrganizationsClientTests
{
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private static readonly IamRetryPolicy Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxAttempts = 4 };

    private static AwsConnection Connection(string? endpointUrl = "http://127.0.0.1:9/") => AwsConnection.Resolve(new AwsConnectionRequest
    {
        AccessKey = "AKIATESTORGS00000000",
        SecretKey = SecretKey,
        EndpointUrl = endpointUrl,
        Environment = new Dictionary<string, string?>(),
    });

    private static StubAwsHandler Replies(params HttpResponseMessage?[] replies)
    {
        var queue = new Queue<HttpResponseMessage?>(replies);
        return new StubAwsHandler(_ =>
        {
            lock (queue)
            {
                return queue.Count > 0 ? queue.Dequeue() : throw new InvalidOperationException("no scripted reply left");
            }
        });
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/")]
    [InlineData(null)]
    public async Task PostsSignedJsonWithTheTargetHeader(string? endpointUrl)
    {
        var handler = Replies(StubAwsHandler.Json(HttpStatusCode.OK, """{"Policy":{"Content":"{}"}}"""));
        using var client = new OrganizationsClient(Connection(endpointUrl), Fast, handler);

        var reply = await client.CallAsync("DescribePolicy", [new("PolicyId", "p-12345678")], CancellationToken.None);

        Assert.Equal("{}", reply.GetProperty("Policy").GetProperty("Content").GetString());
        var request = Assert.Single(handler.Requests);
        Assert.Equal(endpointUrl ?? "https://organizations.us-east-1.amazonaws.com/", request.Url.ToString());
        Assert.Equal("AWSOrganizationsV20161128.DescribePolicy", request.Headers["x-amz-target"]);
        Assert.Equal("application/x-amz-json-1.1", request.Headers["content-type"]);
        Assert.Equal("""{"PolicyId":"p-12345678"}""", request.Text);
        var signed = SigV4Check.AssertSigned(request.Headers, request.Body, "AKIATESTORGS00000000", SecretKey, "us-east-1", "organizations");
        Assert.Contains("x-amz-target", signed);
        Assert.Contains("content-type", signed);
    }

    [Fact]
    public async Task AnOperationWithoutInputSendsAnEmptyObject()
    {
        var handler = Replies(StubAwsHandler.Json(HttpStatusCode.OK, """{"Organization":{"Id":"o-a1b2c3d4e5"}}"""));
        using var client = new OrganizationsClient(Connection(), Fast, handler);

        await client.CallAsync("DescribeOrganization", [], CancellationToken.None);

        Assert.Equal("{}", Assert.Single(handler.Requests).Text);
    }

    [Theory]
    [InlineData("com.amazonaws.organizations.model#AccessDeniedException", "AccessDeniedException")]
    [InlineData("AWSOrganizationsNotInUseException", "AWSOrganizationsNotInUseException")]
    [InlineData("InvalidInputException:http://internal.amazon.com/coral/com.amazonaws.organizations/", "InvalidInputException")]
    public void TheErrorCodeIsTheTypeWithoutNamespaceOrSuffix(string type, string code) =>
        Assert.Equal(code, OrganizationsClient.ErrorCode(type));

    [Theory]
    [InlineData("com.amazonaws.organizations#AccessDeniedException", "AccessDeniedException")]
    [InlineData("AWSOrganizationsNotInUseException", "AWSOrganizationsNotInUseException")]
    [InlineData("InvalidInputException", "InvalidInputException")]
    [InlineData("ParentNotFoundException", "ParentNotFoundException")]
    public async Task DoesNotRetryWhatRetryingCannotFix(string type, string code)
    {
        var handler = Replies(StubAwsHandler.JsonError(HttpStatusCode.BadRequest, type, "You don't have permissions to access this resource."));
        using var client = new OrganizationsClient(Connection(), Fast, handler);

        var e = await Assert.ThrowsAsync<OrganizationsException>(() => client.CallAsync("ListRoots", [], CancellationToken.None));

        Assert.Single(handler.Requests);
        Assert.Equal(code, e.Code);
        Assert.Equal(400, e.StatusCode);
        Assert.Equal("req-err", e.RequestId);
        Assert.False(e.IsTransient);
        Assert.Equal($"ListRoots failed: {code}: You don't have permissions to access this resource. [request id req-err]", e.Message);
    }

    [Fact]
    public async Task AnErrorWithoutTypeInTheBodyTakesTheErrorTypeHeader()
    {
        var reply = StubAwsHandler.Json(HttpStatusCode.BadRequest, """{"message":"Rate exceeded"}""");
        reply.Headers.Add("x-amzn-ErrorType", "TooManyRequestsException:http://internal.amazon.com/");
        var handler = Replies(reply, StubAwsHandler.Json(HttpStatusCode.OK, "{}"));
        var records = new List<IamCallRecord>();
        using var client = new OrganizationsClient(Connection(), Fast, handler) { CallCompleted = records.Add };

        await client.CallAsync("ListRoots", [], CancellationToken.None);

        Assert.Equal(["TooManyRequestsException", "OK"], records.Select(r => r.Outcome));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "TooManyRequestsException")]
    [InlineData(HttpStatusCode.InternalServerError, "ServiceException")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "ServiceUnavailableException")]
    public async Task RetriesThrottlingAndServerErrors(HttpStatusCode status, string type)
    {
        var handler = Replies(
            StubAwsHandler.JsonError(status, type, "slow down"),
            StubAwsHandler.JsonError(status, type, "slow down"),
            StubAwsHandler.Json(HttpStatusCode.OK, """{"Roots":[]}"""));
        var records = new List<IamCallRecord>();
        using var client = new OrganizationsClient(Connection(), Fast, handler) { CallCompleted = records.Add };

        await client.CallAsync("ListRoots", [], CancellationToken.None);

        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(3, client.RequestCount);
        Assert.Equal([type, type, "OK"], records.Select(r => r.Outcome));
        Assert.All(records, r => Assert.Equal("Organizations", r.Service));
        Assert.StartsWith("Organizations ListRoots: HTTP 200 OK, attempt 3, ", records[2].ToString(), StringComparison.Ordinal);
        Assert.EndsWith(", request id req-1", records[2].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivesUpOnThrottlingAfterTheLastAttempt()
    {
        var handler = Replies(Enumerable.Range(0, 10).Select(_ => StubAwsHandler.JsonError(HttpStatusCode.BadRequest, "TooManyRequestsException", "AWS Organizations can't complete your request because another request is already in progress.")).ToArray());
        using var client = new OrganizationsClient(Connection(), Fast, handler);

        var e = await Assert.ThrowsAsync<OrganizationsException>(() => client.CallAsync("ListRoots", [], CancellationToken.None));

        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal(4, e.Attempts);
        Assert.True(e.IsThrottling);
        Assert.EndsWith("(after 4 attempts) [request id req-err]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetriesADroppedConnectionAndAReplyThatIsNotJson()
    {
        var handler = Replies(null, StubAwsHandler.Json(HttpStatusCode.OK, """{"Roots":["""), StubAwsHandler.Json(HttpStatusCode.OK, """{"Roots":[]}"""));
        var records = new List<IamCallRecord>();
        using var client = new OrganizationsClient(Connection(), Fast, handler) { CallCompleted = records.Add };

        await client.CallAsync("ListRoots", [], CancellationToken.None);

        Assert.Equal(["ConnectionFailed", "MalformedResponse", "OK"], records.Select(r => r.Outcome));
    }

    [Fact]
    public async Task CorrectsASkewedClockAndSignsAgainAtOnce()
    {
        var serverNow = DateTimeOffset.UtcNow.AddHours(-3);
        var expired = StubAwsHandler.JsonError(HttpStatusCode.BadRequest, "InvalidSignatureException", "Signature expired");
        expired.Headers.Date = serverNow;
        var handler = Replies(expired, StubAwsHandler.Json(HttpStatusCode.OK, "{}"));
        using var client = new OrganizationsClient(Connection(), Fast, handler);

        await client.CallAsync("DescribeOrganization", [], CancellationToken.None);

        var retried = DateTimeOffset.ParseExact(handler.Requests.Last().Headers["x-amz-date"], "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.True(Math.Abs((retried - serverNow).TotalMinutes) < 2, $"signed at {retried:o}, server at {serverNow:o}");
    }

    [Fact]
    public async Task FollowsNextTokenPastEmptyPagesWithTwentyAPage()
    {
        var handler = Replies(
            StubAwsHandler.Json(HttpStatusCode.OK, """{"Accounts":[{"Id":"222222222222"}],"NextToken":"t1"}"""),
            StubAwsHandler.Json(HttpStatusCode.OK, """{"Accounts":[],"NextToken":"t2"}"""),
            StubAwsHandler.Json(HttpStatusCode.OK, """{"Accounts":[{"Id":"333333333333"}],"NextToken":null}"""));
        using var client = new OrganizationsClient(Connection(), Fast, handler);

        var pages = await client.PagesAsync("ListAccountsForParent", [new("ParentId", "r-a1b2")], CancellationToken.None).ToListAsync();

        Assert.Equal(3, pages.Count);
        Assert.Equal(
            ["""{"ParentId":"r-a1b2","MaxResults":20}""", """{"ParentId":"r-a1b2","MaxResults":20,"NextToken":"t1"}""", """{"ParentId":"r-a1b2","MaxResults":20,"NextToken":"t2"}"""],
            handler.Requests.Select(r => r.Text));
    }

    [Theory]
    [InlineData("""{"Accounts":[],"NextToken":5}""", "NextToken is number, not a token")]
    [InlineData("""{"Accounts":[],"NextToken":""}""", "NextToken is string, not a token")]
    [InlineData("""{"Accounts":[],"NextToken":{"t":"x"}}""", "NextToken is object, not a token")]
    [InlineData("""{"Accounts":[],"NextToken":"t1"}""", "sends the reader back to a page it read")]
    public async Task ANextTokenThatCannotBeFollowedIsAnErrorNotTheEnd(string second, string problem)
    {
        // Read as the end, each of these would make the listing look complete without its remaining pages.
        var handler = Replies(
            StubAwsHandler.Json(HttpStatusCode.OK, """{"Accounts":[{"Id":"222222222222"}],"NextToken":"t1"}"""),
            StubAwsHandler.Json(HttpStatusCode.OK, second));
        using var client = new OrganizationsClient(Connection(), Fast, handler);

        var e = await Assert.ThrowsAsync<OrganizationsException>(async () => await client.PagesAsync("ListAccountsForParent", [new("ParentId", "r-a1b2")], CancellationToken.None).ToListAsync());

        Assert.Equal("MalformedResponse", e.Code);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASuccessThatCarriesAnErrorTypeIsThatError()
    {
        var handler = Replies(StubAwsHandler.Json(HttpStatusCode.OK, """{"__type":"com.amazonaws.organizations#AccessDeniedException","Message":"no"}"""));
        using var client = new OrganizationsClient(Connection(), Fast, handler);

        var e = await Assert.ThrowsAsync<OrganizationsException>(() => client.CallAsync("ListRoots", [], CancellationToken.None));

        Assert.Equal("AccessDeniedException", e.Code);
    }

    [Theory]
    [InlineData("-62135596800", "0001-01-01T00:00:00.0000000+00:00")]
    [InlineData("-62135596801", null)] // before year 1
    [InlineData("253402300799.999", "9999-12-31T23:59:59.9990000+00:00")]
    [InlineData("253402300799.9999", null)] // rounds past year 9999
    [InlineData("\"1700000000\"", null)]
    public void AnEpochTimestampIsATimeOnlyWithinTheCalendar(string json, string? expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, MarketplaceGuard.Aws.Transport.JsonProtocol.EpochSeconds(document.RootElement)?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task RunsAtMostFourCallsAtOnce()
    {
        var handler = new StubAwsHandler(async _ =>
        {
            await Task.Delay(20);
            return StubAwsHandler.Json(HttpStatusCode.OK, "{}");
        });
        using var client = new OrganizationsClient(Connection(), Fast, handler);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => client.CallAsync("DescribePolicy", [new("PolicyId", $"p-{i:D8}")], CancellationToken.None)));

        Assert.Equal(16, handler.Requests.Count);
        Assert.InRange(handler.MaxInFlight, 1, OrganizationsClient.MaxConcurrentRequests);
    }

    [Fact]
    public async Task StopsPromptlyWhenCancelled()
    {
        var handler = new StubAwsHandler(_ => StubAwsHandler.JsonError(HttpStatusCode.BadRequest, "TooManyRequestsException", "x"));
        using var client = new OrganizationsClient(Connection(), new IamRetryPolicy { BaseDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(30) }, handler);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var started = DateTime.UtcNow;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CallAsync("ListRoots", [], cancellation.Token));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }
}
