using System;
using System.Linq;
using System.Threading.Tasks;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>Every error code the fake produces, with IAM's status, Type, Code, Message and RequestId.</summary>
public sealed class ErrorResponseTests : IDisposable
{
    private readonly FakeIamServer server = FakeIamServer.Start(TestData.SampleAccount());
    private readonly IamTestClient client;

    public ErrorResponseTests()
    {
        client = new IamTestClient(server);
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    [Fact]
    public async Task NoSuchEntityIs404()
    {
        var reply = await client.CallAsync("GetUser", ("UserName", "alice"));

        reply.AssertError(404, "NoSuchEntity", "The user with name alice cannot be found.");
        Assert.Equal("https://iam.amazonaws.com/doc/2010-05-08/", reply.Root.Name.NamespaceName);
    }

    [Fact]
    public async Task EntityAlreadyExistsIs409()
    {
        var reply = await client.CallAsync("CreatePolicy", ("PolicyName", "devboundary"), ("PolicyDocument", TestData.AllowView));

        reply.AssertError(409, "EntityAlreadyExists", "A policy called devboundary already exists. Duplicate names are not allowed.");
    }

    [Fact]
    public async Task LimitExceededIs409()
    {
        var arn = TestData.CustomerPolicyArn("DevBoundary");
        for (var i = 0; i < 4; i++)
        {
            (await client.CallAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", TestData.AllowView))).AssertOk();
        }

        var reply = await client.CallAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", TestData.AllowView));

        reply.AssertError(409, "LimitExceeded");
    }

    [Fact]
    public async Task DeleteConflictIs409()
    {
        var reply = await client.CallAsync("DeletePolicyVersion", ("PolicyArn", TestData.CustomerPolicyArn("DevBoundary")), ("VersionId", "v1"));

        reply.AssertError(409, "DeleteConflict", "Cannot delete the default version of a policy.");
    }

    [Fact]
    public async Task MalformedPolicyDocumentIs400()
    {
        var reply = await client.CallAsync("CreatePolicy", ("PolicyName", "Broken"), ("PolicyDocument", "{\"Version\":"));

        reply.AssertError(400, "MalformedPolicyDocument", "Syntax errors in policy.");
    }

    [Fact]
    public async Task InvalidInputIs400()
    {
        var reply = await client.CallAsync("GetPolicy", ("PolicyArn", "arn-but-not-really-one"));

        reply.AssertError(400, "InvalidInput", "ARN arn-but-not-really-one is not valid.");
    }

    [Fact]
    public async Task AMissingRequiredParameterIsAValidationError()
    {
        var reply = await client.CallAsync("GetRole");

        reply.AssertError(400, "ValidationError",
            "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null");
    }

    [Fact]
    public async Task AnInvalidNameIsAValidationError()
    {
        var reply = await client.CallAsync("GetUser", ("UserName", "not allowed!"));

        reply.AssertError(400, "ValidationError");
    }

    [Fact]
    public async Task ThrottlingIs400()
    {
        server.Faults.ThrottleNext(1);

        var reply = await client.CallAsync("GetUser", ("UserName", "pat"));

        reply.AssertError(400, "Throttling", "Rate exceeded");
    }

    [Fact]
    public async Task ServiceFailureIs500FromTheReceiver()
    {
        server.Faults.FailNext(1);

        var reply = await client.CallAsync("GetUser", ("UserName", "pat"));

        reply.AssertError(500, "ServiceFailure");
    }

    [Fact]
    public async Task AnUnknownActionIsInvalidAction()
    {
        var reply = await client.CallAsync("DescribeEverything");

        reply.AssertError(400, "InvalidAction", "Could not find operation DescribeEverything for version 2010-05-08");
    }

    [Fact]
    public async Task ARequestWithoutActionIsMissingAction()
    {
        var reply = await client.PostAsync(new[] { ("Version", "2010-05-08") });

        reply.AssertError(400, "MissingAction");
    }

    [Fact]
    public async Task EachErrorHasItsOwnRequestId()
    {
        var first = await client.CallAsync("GetUser", ("UserName", "alice"));
        var second = await client.CallAsync("GetUser", ("UserName", "alice"));

        Assert.NotEqual(first.Value("RequestId"), second.Value("RequestId"));
        Assert.Equal(new[] { first.RequestIdHeader, second.RequestIdHeader }, server.Requests.Select(r => r.RequestId));
    }
}
