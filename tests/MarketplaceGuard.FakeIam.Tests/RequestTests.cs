using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>Authorization, the request log, GET requests, STS, and the HTTP details clients rely on.</summary>
public sealed class RequestTests : IDisposable
{
    private readonly FakeIamServer server = FakeIamServer.Start(TestData.SampleAccount());
    private readonly IamTestClient client;

    public RequestTests()
    {
        client = new IamTestClient(server);
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    [Fact]
    public async Task ARequestWithoutAuthorizationIs403AndChangesNothing()
    {
        var reply = await client.PostAsync(
            new[] { ("Action", "CreatePolicy"), ("Version", "2010-05-08"), ("PolicyName", "Sneaky"), ("PolicyDocument", TestData.AllowView) },
            authorization: null);

        reply.AssertError(403, "MissingAuthenticationToken");
        Assert.Null(server.Account.FindPolicy(TestData.CustomerPolicyArn("Sneaky")));
        var recorded = Assert.Single(server.Requests);
        Assert.Null(recorded.AccessKeyId);
        Assert.Equal(403, recorded.StatusCode);
    }

    [Theory]
    [InlineData("Bearer abc")]
    [InlineData("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=0")]
    [InlineData("AWS AKIDEXAMPLE:signature")]
    public async Task AnAuthorizationHeaderThatIsNotSigV4IsIncompleteSignature(string authorization)
    {
        var reply = await client.PostAsync(new[] { ("Action", "GetUser"), ("Version", "2010-05-08"), ("UserName", "pat") }, authorization);

        reply.AssertError(400, "IncompleteSignature");
    }

    [Fact]
    public async Task TheLogRecordsOperationParametersCredentialsStatusAndTimeButNoSignature()
    {
        var before = DateTimeOffset.UtcNow;
        await client.CallAsync("CreatePolicy", ("PolicyName", "Logged"), ("PolicyDocument", TestData.AllowView));
        await client.CallAsync("GetUser", ("UserName", "alice"));
        await client.PostAsync(new[] { ("Action", "GetUser"), ("Version", "2010-05-08"), ("UserName", "pat") },
            "AWS4-HMAC-SHA256 Credential=ASIAOTHER/20261127/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-security-token, Signature=deadbeef",
            new Dictionary<string, string> { ["X-Amz-Security-Token"] = "session-secret" });

        var log = server.Requests.Snapshot();
        Assert.Equal(3, log.Count);
        Assert.Equal(new[] { "CreatePolicy", "GetUser", "GetUser" }, log.Select(r => r.Operation));
        Assert.Equal(new[] { 200, 404, 200 }, log.Select(r => r.StatusCode));
        Assert.Equal(new[] { null, "NoSuchEntity", null }, log.Select(r => r.ErrorCode));
        Assert.Equal(TestData.AllowView, log[0].Parameter("PolicyDocument"));
        Assert.Equal("2010-05-08", log[0].Parameter("Version"));
        Assert.Equal("POST", log[0].HttpMethod);
        Assert.Equal(new[] { "AKIDEXAMPLE", "AKIDEXAMPLE", "ASIAOTHER" }, log.Select(r => r.AccessKeyId));
        Assert.All(log, r => Assert.Equal("us-east-1", r.SigningRegion));
        Assert.All(log, r => Assert.Equal("iam", r.SigningService));
        Assert.Equal(new[] { false, false, true }, log.Select(r => r.HasSessionToken));
        Assert.All(log, r => Assert.InRange(r.Time, before, DateTimeOffset.UtcNow));
        Assert.True(log[0].Sequence < log[1].Sequence && log[1].Sequence < log[2].Sequence);
        var recordedText = string.Join("|", log.SelectMany(r => r.Parameters.Keys.Concat(r.Parameters.Values)));
        Assert.DoesNotContain("deadbeef", recordedText);
        Assert.DoesNotContain("session-secret", recordedText);
        Assert.Equal(2, server.Requests.ForOperation("GetUser").Count);

        server.Requests.Clear();
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ConcurrentRequestsAreAllAnsweredAndRecorded()
    {
        var replies = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => client.CallAsync("GetUser", ("UserName", "pat"))));

        Assert.All(replies, r => r.AssertOk());
        Assert.Equal(64, server.Requests.Count);
        Assert.Equal(64, server.Requests.Select(r => r.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task GetWithAQueryStringWorksLikePost()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?Action=GetUser&Version=2010-05-08&UserName=pat");

        var reply = await client.SendAsync(request);

        reply.AssertOk();
        Assert.Equal("AIDAPATXXXXXXXXXXXXXX", reply.Value("UserId"));
        Assert.Equal("GET", server.Requests.Single().HttpMethod);
    }

    [Fact]
    public async Task AChunkedBodyIsRead()
    {
        var body = "Action=GetUser&Version=2010-05-08&UserName=pat";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StreamContent(new System.IO.MemoryStream(System.Text.Encoding.UTF8.GetBytes(body))),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.TransferEncodingChunked = true;

        (await client.SendAsync(request)).AssertOk();
    }

    [Fact]
    public async Task OnlyTheRootPathIsServed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/iam/?Action=GetUser&Version=2010-05-08&UserName=pat");

        var reply = await client.SendAsync(request);

        Assert.Equal(404, reply.Status);
    }

    [Fact]
    public async Task ReplyIsIamShapedXmlWithRequestMetadata()
    {
        var reply = await client.CallAsync("GetUser", ("UserName", "pat"));

        var ns = reply.Root.Name.Namespace;
        Assert.Equal("{https://iam.amazonaws.com/doc/2010-05-08/}GetUserResponse", reply.Root.Name.ToString());
        Assert.NotNull(reply.Root.Element(ns + "GetUserResult")?.Element(ns + "User"));
        Assert.Equal(reply.RequestIdHeader, reply.Root.Element(ns + "ResponseMetadata")?.Element(ns + "RequestId")?.Value);
        Assert.Equal("2025-03-14T09:00:00Z", reply.Value("CreateDate"));
    }

    [Fact]
    public async Task AnOperationWithoutOutputHasOnlyResponseMetadata()
    {
        var reply = await client.CallAsync("AttachUserPolicy", ("UserName", "pat"), ("PolicyArn", TestData.CustomerPolicyArn("DevBoundary")));

        reply.AssertOk();
        Assert.Equal(new[] { "ResponseMetadata" }, reply.Root.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public async Task GetCallerIdentityAnswersInTheStsNamespace()
    {
        server.Account.CallerArn = "arn:aws:iam::111122223333:user/pat";
        server.Account.CallerUserId = "AIDAPATXXXXXXXXXXXXXX";

        var reply = await client.PostAsync(new[] { ("Action", "GetCallerIdentity"), ("Version", "2011-06-15") },
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0");
        var wrongVersion = await client.CallAsync("GetCallerIdentity");
        var otherStsAction = await client.PostAsync(new[] { ("Action", "GetSessionToken"), ("Version", "2011-06-15") });
        var me = await client.CallAsync("GetUser");

        reply.AssertOk();
        Assert.Equal("{https://sts.amazonaws.com/doc/2011-06-15/}GetCallerIdentityResponse", reply.Root.Name.ToString());
        Assert.Equal("111122223333", reply.Value("Account"));
        Assert.Equal("arn:aws:iam::111122223333:user/pat", reply.Value("Arn"));
        Assert.Equal("AIDAPATXXXXXXXXXXXXXX", reply.Value("UserId"));
        Assert.Equal("sts", server.Requests[0].SigningService);
        wrongVersion.AssertError(400, "InvalidAction");
        otherStsAction.AssertError(400, "InvalidAction", xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/");
        Assert.Equal("pat", me.Value("UserName"));
    }

    [Fact]
    public void TheServerListensOnLoopbackOnlyAndStopsOnDispose()
    {
        var other = FakeIamServer.Start(new FakeIamAccount());
        var url = other.Url;

        Assert.Equal("127.0.0.1", url.Host);
        Assert.NotEqual(server.Port, other.Port);
        other.Dispose();
        using var tcp = new System.Net.Sockets.TcpClient();
        Assert.ThrowsAny<System.Net.Sockets.SocketException>(() => tcp.Connect("127.0.0.1", url.Port));
    }
}
