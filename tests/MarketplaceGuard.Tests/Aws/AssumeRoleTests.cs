using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Accounts;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>STS AssumeRole through the Query client, the role ARN and the fan-out's options.</summary>
public sealed class AssumeRoleTests
{
    private static readonly IamRetryPolicy Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxAttempts = 3 };

    internal static string AssumeRoleReply(string accessKey, string secretKey, string sessionToken) => $"""
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <Credentials><AccessKeyId>{accessKey}</AccessKeyId><SecretAccessKey>{secretKey}</SecretAccessKey><SessionToken>{sessionToken}</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>
            <AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:MarketplaceGuard</AssumedRoleId><Arn>arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/MarketplaceGuard</Arn></AssumedRoleUser>
          </AssumeRoleResult>
          <ResponseMetadata><RequestId>req-sts</RequestId></ResponseMetadata>
        </AssumeRoleResponse>
        """;

    private static AwsConnection Connection(string? endpointUrl) => AwsConnection.Resolve(new AwsConnectionRequest
    {
        AccessKey = "AKIACALLER0000000000",
        SecretKey = "caller-secret",
        Region = "eu-west-1",
        EndpointUrl = endpointUrl,
        Environment = new Dictionary<string, string?>(),
    });

    [Theory]
    [InlineData("http://127.0.0.1:9/", "http://127.0.0.1:9/")]
    [InlineData(null, "https://sts.amazonaws.com/")]
    public async Task SendsTheRoleTheSessionTheDurationAndTheExternalId(string? endpointUrl, string stsUrl)
    {
        var handler = new StubAwsHandler(_ => StubAwsHandler.Xml(HttpStatusCode.OK, AssumeRoleReply("ASIAASSUMED000000000", "assumed-secret", "assumed-token")));
        var caller = Connection(endpointUrl);
        using var client = new IamClient(caller, Fast, handler);

        var assumed = await client.AssumeRoleAsync(CrossAccountRole.In("aws", "222222222222", "audit/Reader"), "MarketplaceGuard", "tenant-42", 3600, CancellationToken.None);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(stsUrl, request.Url.ToString());
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Action"] = "AssumeRole",
                ["Version"] = "2011-06-15",
                ["RoleArn"] = "arn:aws:iam::222222222222:role/audit/Reader",
                ["RoleSessionName"] = "MarketplaceGuard",
                ["DurationSeconds"] = "3600",
                ["ExternalId"] = "tenant-42",
            },
            request.Form);
        SigV4Check.AssertSigned(request.Headers, request.Body, "AKIACALLER0000000000", "caller-secret", "us-east-1", "sts");
        Assert.Equal("role audit/Reader in 222222222222 (assumed)", assumed.CredentialSource);
        Assert.Same(caller.Endpoint, assumed.Endpoint);
        Assert.Same(caller.OrganizationsEndpoint, assumed.OrganizationsEndpoint);
        Assert.Equal(caller.Ec2EndpointOverride, assumed.Ec2EndpointOverride);
        Assert.Equal("eu-west-1", assumed.Region);
    }

    [Fact]
    public async Task WithoutExternalIdNoneIsSent()
    {
        var handler = new StubAwsHandler(_ => StubAwsHandler.Xml(HttpStatusCode.OK, AssumeRoleReply("ASIAASSUMED000000000", "s", "t")));
        using var client = new IamClient(Connection("http://127.0.0.1:9/"), Fast, handler);

        await client.AssumeRoleAsync(CrossAccountRole.In("aws", "222222222222", CrossAccountRole.DefaultName), "MarketplaceGuard", null, 900, CancellationToken.None);

        Assert.DoesNotContain("ExternalId", Assert.Single(handler.Requests).Form.Keys);
    }

    [Fact]
    public async Task TheAssumedConnectionSignsWithTheRolesTemporaryCredentials()
    {
        var handler = new StubAwsHandler(request => request.Form["Action"] == "AssumeRole"
            ? StubAwsHandler.Xml(HttpStatusCode.OK, AssumeRoleReply("ASIAASSUMED000000000", "assumed-secret", "assumed-token"))
            : StubAwsHandler.Xml(HttpStatusCode.OK, "<GetUserResponse><GetUserResult><User/></GetUserResult></GetUserResponse>"));
        using var caller = new IamClient(Connection("http://127.0.0.1:9/"), Fast, handler);
        var assumed = await caller.AssumeRoleAsync(CrossAccountRole.In("aws", "222222222222", CrossAccountRole.DefaultName), "MarketplaceGuard", null, 3600, CancellationToken.None);
        using var member = new IamClient(assumed, Fast, handler);

        await member.CallAsync("GetUser", [], CancellationToken.None);

        var request = handler.Requests.Last();
        SigV4Check.AssertSigned(request.Headers, request.Body, "ASIAASSUMED000000000", "assumed-secret", "us-east-1", "iam");
        Assert.Equal("assumed-token", request.Headers["x-amz-security-token"]);
    }

    [Fact]
    public async Task AReplyWithoutCredentialsIsAnError()
    {
        var handler = new StubAwsHandler(_ => StubAwsHandler.Xml(HttpStatusCode.OK, "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>"));
        using var client = new IamClient(Connection("http://127.0.0.1:9/"), Fast, handler);

        var e = await Assert.ThrowsAsync<IamException>(() => client.AssumeRoleAsync(CrossAccountRole.In("aws", "222222222222", "R"), "MarketplaceGuard", null, 3600, CancellationToken.None));

        Assert.Equal("MalformedResponse", e.Code);
    }

    [Theory]
    [InlineData("aws", "OrganizationAccountAccessRole", "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole", "role OrganizationAccountAccessRole in 222222222222")]
    [InlineData("aws", "audit/Reader", "arn:aws:iam::222222222222:role/audit/Reader", "role audit/Reader in 222222222222")]
    [InlineData("aws", "/org/audit/Reader", "arn:aws:iam::222222222222:role/org/audit/Reader", "role org/audit/Reader in 222222222222")]
    [InlineData("aws-cn", "Reader", "arn:aws-cn:iam::222222222222:role/Reader", "role Reader in 222222222222")]
    [InlineData("aws-us-gov", "a+b=c,d.e@f_g-h", "arn:aws-us-gov:iam::222222222222:role/a+b=c,d.e@f_g-h", "role a+b=c,d.e@f_g-h in 222222222222")]
    public void TheRoleArnHasThePartitionTheAccountThePathAndTheName(string partition, string roleName, string arn, string text)
    {
        var role = CrossAccountRole.In(partition, "222222222222", roleName);

        Assert.Equal(arn, role.Arn);
        Assert.Equal(text, role.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("audit/")]
    [InlineData("has space")]
    [InlineData("Rôle")]
    [InlineData("a/b c/Reader")]
    public void ARoleNameThatIamWouldRefuseIsRefused(string roleName) =>
        Assert.Throws<ArgumentException>(() => CrossAccountRole.Validate(roleName));

    [Fact]
    public void ARoleNameOfSixtyFiveCharactersIsRefused()
    {
        CrossAccountRole.Validate(new string('r', 64));
        Assert.Throws<ArgumentException>(() => CrossAccountRole.Validate(new string('r', 65)));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("has space")]
    [InlineData("slash/not")]
    [InlineData("a-session-name-of-sixty-five-characters-is-one-character-too-long")]
    public void ASessionNameStsWouldRefuseIsRefused(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => new AccountFanOutOptions { RoleSessionName = name }.Validate());

        Assert.Equal("RoleSessionName", e.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void TheThrottleLimitIsOneToSixtyFour(int limit) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AccountFanOutOptions { ThrottleLimit = limit }.Validate());

    [Fact]
    public void TheDefaultsAreValid()
    {
        var options = new AccountFanOutOptions();

        options.Validate();

        Assert.Equal(("OrganizationAccountAccessRole", "MarketplaceGuard", 8, (string?)null), (options.RoleName, options.RoleSessionName, options.ThrottleLimit, options.ExternalId));
        new AccountFanOutOptions { RoleSessionName = "ab", ExternalId = "tenant:42/a=b" }.Validate();
    }

    [Fact]
    public void ABadExternalIdIsRefusedWithoutShowingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new AccountFanOutOptions { ExternalId = "secret value" }.Validate());

        Assert.DoesNotContain("secret value", e.Message, StringComparison.Ordinal);
    }
}
