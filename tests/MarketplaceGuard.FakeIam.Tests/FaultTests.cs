using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using System.Xml;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>Each fault kind: what the client sees, whether the operation ran, and what the log records.</summary>
public sealed class FaultTests : IDisposable
{
    private readonly FakeIamServer server = FakeIamServer.Start(TestData.SampleAccount());
    private readonly IamTestClient client;

    public FaultTests()
    {
        client = new IamTestClient(server);
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    [Fact]
    public async Task ThrottleNextThrottlesExactlyNRequests()
    {
        server.Faults.ThrottleNext(3);

        var replies = new IamReply[5];
        for (var i = 0; i < replies.Length; i++)
        {
            replies[i] = await client.CallAsync("GetUser", ("UserName", "pat"));
        }

        Assert.Equal(new[] { 400, 400, 400, 200, 200 }, replies.Select(r => r.Status));
        replies[0].AssertError(400, "Throttling", "Rate exceeded");
        Assert.Equal(new[] { FaultKind.Throttle, FaultKind.Throttle, FaultKind.Throttle, FaultKind.None, FaultKind.None }, server.Requests.Select(r => r.Fault));
        Assert.Equal(0, server.Faults.Pending);
    }

    [Fact]
    public async Task ThrottleNextCanUseAnotherCodeAndTargetOneOperation()
    {
        server.Faults.ThrottleNext(1, "ThrottlingException", operation: "CreatePolicy");

        var other = await client.CallAsync("GetUser", ("UserName", "pat"));
        var targeted = await client.CallAsync("CreatePolicy", ("PolicyName", "New"), ("PolicyDocument", TestData.AllowView));
        var retried = await client.CallAsync("CreatePolicy", ("PolicyName", "New"), ("PolicyDocument", TestData.AllowView));

        other.AssertOk();
        targeted.AssertError(400, "ThrottlingException");
        retried.AssertOk();
    }

    [Fact]
    public async Task AThrottledOrFailedWriteDoesNotHappen()
    {
        server.Faults.ThrottleNext(1);
        server.Faults.FailNext(1);

        await client.CallAsync("CreatePolicy", ("PolicyName", "New"), ("PolicyDocument", TestData.AllowView));
        await client.CallAsync("CreatePolicy", ("PolicyName", "New"), ("PolicyDocument", TestData.AllowView));

        Assert.Null(server.Account.FindPolicy(TestData.CustomerPolicyArn("New")));
    }

    [Theory]
    [InlineData(500, "ServiceFailure")]
    [InlineData(503, "ServiceUnavailable")]
    [InlineData(409, "ConcurrentModification")]
    public async Task FailNextAnswersWithTheGivenStatusAndCode(int status, string code)
    {
        server.Faults.FailNext(2, status, code);

        var first = await client.CallAsync("GetUser", ("UserName", "pat"));
        var second = await client.CallAsync("GetUser", ("UserName", "pat"));
        var third = await client.CallAsync("GetUser", ("UserName", "pat"));

        first.AssertError(status, code);
        second.AssertError(status, code);
        third.AssertOk();
        Assert.Equal(new[] { status, status, 200 }, server.Requests.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task ADroppedConnectionIsAnHttpRequestExceptionAndTheNextRequestWorks()
    {
        (await client.CallAsync("GetUser", ("UserName", "pat"))).AssertOk(); // a pooled connection, to be dropped
        server.Faults.DropNextConnection(1);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.CallAsync("CreatePolicy", ("PolicyName", "New"), ("PolicyDocument", TestData.AllowView)));
        var next = await client.CallAsync("GetUser", ("UserName", "pat"));

        next.AssertOk();
        Assert.Null(server.Account.FindPolicy(TestData.CustomerPolicyArn("New")));
        var dropped = server.Requests.Single(r => r.Operation == "CreatePolicy");
        Assert.True(dropped.WasDropped);
        Assert.Equal(0, dropped.StatusCode);
    }

    [Fact]
    public async Task ADropAfterProcessingLosesTheReplyButNotTheWrite()
    {
        server.Faults.DropNextConnection(1, afterProcessing: true);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.CallAsync("CreatePolicy", ("PolicyName", "New"), ("PolicyDocument", TestData.AllowView)));
        var retry = await client.CallAsync("CreatePolicy", ("PolicyName", "New"), ("PolicyDocument", TestData.AllowView));

        Assert.NotNull(server.Account.FindPolicy(TestData.CustomerPolicyArn("New")));
        retry.AssertError(409, "EntityAlreadyExists");
    }

    [Fact]
    public async Task DelayNextDelaysTheReply()
    {
        server.Faults.DelayNext(1, TimeSpan.FromMilliseconds(400));

        var watch = Stopwatch.StartNew();
        var delayed = await client.CallAsync("GetUser", ("UserName", "pat"));
        var delayedTime = watch.Elapsed;
        watch.Restart();
        var prompt = await client.CallAsync("GetUser", ("UserName", "pat"));

        delayed.AssertOk();
        prompt.AssertOk();
        Assert.True(delayedTime >= TimeSpan.FromMilliseconds(390), $"The reply came after {delayedTime}.");
        Assert.True(watch.Elapsed < delayedTime, $"The next reply came after {watch.Elapsed}, not sooner.");
        Assert.Equal(FaultKind.Delay, server.Requests[0].Fault);
    }

    [Fact]
    public async Task MalformedNextIsA200WithTruncatedXml()
    {
        server.Faults.MalformedNext(1);

        var malformed = await client.CallAsync("GetAccountAuthorizationDetails");
        var whole = await client.CallAsync("GetAccountAuthorizationDetails");

        Assert.Equal(200, malformed.Status);
        Assert.StartsWith("<GetAccountAuthorizationDetailsResponse", malformed.Body);
        Assert.Throws<XmlException>(() => malformed.Root);
        whole.AssertOk();
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(whole.Body) / 2, System.Text.Encoding.UTF8.GetByteCount(malformed.Body));
    }

    [Fact]
    public async Task MalformedNextRunsTheOperationAndIsA200EvenForAnError()
    {
        server.Faults.MalformedNext(2);

        var created = await client.CallAsync("CreatePolicy", ("PolicyName", "New"), ("PolicyDocument", TestData.AllowView));
        var missing = await client.CallAsync("GetUser", ("UserName", "alice"));

        Assert.Equal(200, created.Status);
        Assert.NotNull(server.Account.FindPolicy(TestData.CustomerPolicyArn("New")));
        Assert.Equal(200, missing.Status);
        Assert.StartsWith("<ErrorResponse", missing.Body);
        Assert.Throws<XmlException>(() => missing.Root);
        Assert.Equal(new[] { FaultKind.Malformed, FaultKind.Malformed }, server.Requests.Select(r => r.Fault));
    }

    [Fact]
    public async Task ThrottleRandomlyThrottlesAboutTheFractionAndRepeatsWithTheSameSeed()
    {
        async Task<bool[]> RunAsync(int seed)
        {
            server.Faults.ThrottleRandomly(0.3, seed);
            var throttled = new bool[600];
            for (var i = 0; i < throttled.Length; i++)
            {
                var reply = await client.CallAsync("GetUser", ("UserName", "pat"));
                Assert.True(reply.Status is 200 or 400);
                throttled[i] = reply.Status == 400 && reply.ErrorCode == "Throttling";
            }

            return throttled;
        }

        var first = await RunAsync(7);
        var again = await RunAsync(7);
        var other = await RunAsync(8);
        server.Faults.ThrottleRandomly(0, 7);
        var off = await client.CallAsync("GetUser", ("UserName", "pat"));

        Assert.InRange(first.Count(t => t) / 600.0, 0.25, 0.35);
        Assert.InRange(other.Count(t => t) / 600.0, 0.25, 0.35);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        off.AssertOk();
    }

    [Fact]
    public async Task PlannedFaultsComeInOrderAndClearForgetsThem()
    {
        server.Faults.FailNext(1);
        server.Faults.ThrottleNext(1);
        server.Faults.MalformedNext(1);

        var failed = await client.CallAsync("GetUser", ("UserName", "pat"));
        var throttled = await client.CallAsync("GetUser", ("UserName", "pat"));
        Assert.Equal(1, server.Faults.Pending);
        server.Faults.Clear();
        var clean = await client.CallAsync("GetUser", ("UserName", "pat"));

        failed.AssertError(500, "ServiceFailure");
        throttled.AssertError(400, "Throttling");
        clean.AssertOk();
        Assert.Equal(0, server.Faults.Pending);
    }
}
