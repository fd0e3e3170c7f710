using System;
using System.Linq;
using System.Threading.Tasks;
using System.Xml.Linq;
using static MarketplaceGuard.FakeIam.Tests.TestOrganizations;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>STS AssumeRole: issued credentials acting in the target account, refusals, validation, session tokens, chaining.</summary>
public sealed class AssumeRoleTests : IDisposable
{
    private const string Sts = "https://sts.amazonaws.com/doc/2011-06-15/";
    private const string CallerArn = "arn:aws:iam::111111111111:user/fake-iam-caller";
    private readonly FakeIamServer server = FakeIamServer.Start(Build());
    private readonly AwsTestClient management;

    public AssumeRoleTests()
    {
        management = new AwsTestClient(server);
    }

    public void Dispose()
    {
        management.Dispose();
        server.Dispose();
    }

    [Fact]
    public async Task AssumeRoleIssuesCredentialsThatActInTheTargetAccount()
    {
        var before = DateTimeOffset.UtcNow;
        var reply = await management.StsAsync("AssumeRole", ("RoleArn", RoleArn(Member(1))), ("RoleSessionName", "audit"));

        reply.AssertOk();
        var result = reply.Root.Element(XName.Get("AssumeRoleResult", Sts))!;
        Assert.Equal(["Credentials", "AssumedRoleUser"], result.Elements().Select(e => e.Name.LocalName));
        var credentials = result.Element(XName.Get("Credentials", Sts))!;
        Assert.Equal(["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"], credentials.Elements().Select(e => e.Name.LocalName));
        var issued = await management.AssumeRoleAsync(RoleArn(Member(1)));
        Assert.Matches("^ASIA[A-Z2-7]{16}$", issued.AccessKeyId);
        Assert.NotEmpty(issued.SecretAccessKey);
        Assert.NotEmpty(issued.SessionToken);
        Assert.InRange(issued.Expiration, before.AddSeconds(3600 - 5), DateTimeOffset.UtcNow.AddSeconds(3600 + 5));
        var role = server.IamAccount(Member(1)).FindRole(AccessRole)!;
        Assert.Equal($"arn:aws:sts::{Member(1)}:assumed-role/{AccessRole}/audit", issued.Arn);
        Assert.Equal($"{role.Id}:audit", issued.AssumedRoleId);

        using var member = new AwsTestClient(server, issued);
        var identity = await member.StsAsync("GetCallerIdentity");
        var users = await member.IamAsync("ListUsers");

        identity.AssertOk();
        Assert.Equal(Member(1), identity.Value("Account"));
        Assert.Equal(issued.Arn, identity.Value("Arn"));
        Assert.Equal(issued.AssumedRoleId, identity.Value("UserId"));
        Assert.Equal([$"user-of-{Member(1)}"], users.Members("Users").Select(u => u.Elements().Single(e => e.Name.LocalName == "UserName").Value));
        Assert.Equal(2, server.Sessions.Count);
        Assert.Equal((issued.AccessKeyId, Member(1), role.Arn, "audit"), (server.Sessions[1].AccessKeyId, server.Sessions[1].AccountId, server.Sessions[1].RoleArn, server.Sessions[1].RoleSessionName));
        var listUsers = server.Requests.ForOperation("ListUsers").Single();
        Assert.Equal((Member(1), true), (listUsers.AccountId, listUsers.HasSessionToken));
        Assert.Equal(Management, server.Requests.ForOperation("AssumeRole")[0].AccountId);
    }

    [Fact]
    public async Task TheLogNeverHoldsTheSecretOrTheSessionToken()
    {
        var issued = await management.AssumeRoleAsync(RoleArn(Member(1)));
        using var member = new AwsTestClient(server, issued);
        await member.IamAsync("ListUsers");
        using var withTokenInQuery = new AwsTestClient(server);
        await withTokenInQuery.IamAsync("ListUsers", ("X-Amz-Security-Token", issued.SessionToken));

        var logged = string.Join("\n", server.Requests.Select(r => string.Join(" ", r.Parameters.Values) + " " + r.AccessKeyId));
        Assert.DoesNotContain(issued.SecretAccessKey, logged, StringComparison.Ordinal);
        Assert.DoesNotContain(issued.SessionToken, logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRoleNameIsLookedUpCaseInsensitively()
    {
        var issued = await management.AssumeRoleAsync($"arn:aws:iam::{Member(2)}:role/organizationaccountaccessrole");

        Assert.Equal($"arn:aws:sts::{Member(2)}:assumed-role/{AccessRole}/audit", issued.Arn);
    }

    [Theory]
    [InlineData("arn:aws:iam::200000000001:role/NoSuchRole")]
    [InlineData("arn:aws:iam::999999999999:role/OrganizationAccountAccessRole")]
    [InlineData("arn:aws-cn:iam::200000000001:role/OrganizationAccountAccessRole")]
    public async Task AnUnknownAccountOrRoleIsAccessDeniedLikeAnyRefusal(string roleArn)
    {
        var reply = await management.StsAsync("AssumeRole", ("RoleArn", roleArn), ("RoleSessionName", "audit"));

        reply.AssertError(403, "AccessDenied", $"User: {CallerArn} is not authorized to perform: sts:AssumeRole on resource: {roleArn}", Sts);
        Assert.Empty(server.Sessions);
    }

    [Fact]
    public async Task ATrustPolicyThatDoesNotNameTheCallerIsAccessDenied()
    {
        server.IamAccount(Member(1)).AddRole("TrustsSomeoneElse", TrustAccount("333333333333"));
        var arn = RoleArn(Member(1), "TrustsSomeoneElse");

        var reply = await management.StsAsync("AssumeRole", ("RoleArn", arn), ("RoleSessionName", "audit"));

        reply.AssertError(403, "AccessDenied", $"User: {CallerArn} is not authorized to perform: sts:AssumeRole on resource: {arn}", Sts);
    }

    [Theory]
    [InlineData("StringEquals", "ext-123", null, false)]
    [InlineData("StringEquals", "ext-123", "ext-124", false)]
    [InlineData("StringEquals", "ext-123", "ext-123", true)]
    [InlineData("StringLike", "ext-*", "ext-999", true)]
    [InlineData("StringLike", "ext-*", "other", false)]
    public async Task AnExternalIdConditionMustBeMet(string conditionOperator, string expected, string? given, bool allowed)
    {
        server.IamAccount(Member(1)).AddRole("ThirdParty",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{Management}}"},"Action":"sts:AssumeRole","Condition":{"{{conditionOperator}}":{"sts:ExternalId":"{{expected}}"} } }]}""");
        var parameters = new[] { ("RoleArn", RoleArn(Member(1), "ThirdParty")), ("RoleSessionName", "audit") };

        var reply = await management.StsAsync("AssumeRole", given is null ? parameters : [.. parameters, ("ExternalId", given)]);

        if (allowed)
        {
            reply.AssertOk();
        }
        else
        {
            reply.AssertError(403, "AccessDenied", xmlNamespace: Sts);
        }
    }

    [Theory]
    [InlineData("RoleSessionName", "a", "Member must have length greater than or equal to 2")]
    [InlineData("RoleSessionName", "no spaces", @"Member must satisfy regular expression pattern: [\w+=,.@-]*")]
    [InlineData("RoleSessionName", "s2345678901234567890123456789012345678901234567890123456789012345", "Member must have length less than or equal to 64")]
    [InlineData("DurationSeconds", "899", "Member must have value greater than or equal to 900")]
    [InlineData("DurationSeconds", "43201", "Member must have value less than or equal to 43200")]
    [InlineData("ExternalId", "x", "Member must have length greater than or equal to 2")]
    [InlineData("ExternalId", "not allowed!", @"Member must satisfy regular expression pattern: [\w+=,.@:\/-]*")]
    [InlineData("RoleArn", "arn:aws:iam::1:role", "Member must have length greater than or equal to 20")]
    public async Task ParametersOutsideTheModelAreValidationErrors(string parameter, string value, string constraint)
    {
        var parameters = new[] { ("RoleArn", RoleArn(Member(1))), ("RoleSessionName", "audit") }
            .Where(p => p.Item1 != parameter)
            .Append((parameter, value))
            .ToArray();

        var reply = await management.StsAsync("AssumeRole", parameters);

        var camel = char.ToLowerInvariant(parameter[0]) + parameter[1..];
        reply.AssertError(400, "ValidationError", $"1 validation error detected: Value '{value}' at '{camel}' failed to satisfy constraint: {constraint}", Sts);
    }

    [Fact]
    public async Task AMissingRoleArnAnArnOfAnotherKindAndATooLongSessionAreValidationErrors()
    {
        var missing = await management.StsAsync("AssumeRole", ("RoleSessionName", "audit"));
        var user = await management.StsAsync("AssumeRole", ("RoleArn", $"arn:aws:iam::{Member(1)}:user/alice"), ("RoleSessionName", "audit"));
        var tooLong = await management.StsAsync("AssumeRole", ("RoleArn", RoleArn(Member(1))), ("RoleSessionName", "audit"), ("DurationSeconds", "7200"));
        server.IamAccount(Member(1)).FindRole(AccessRole)!.MaxSessionDuration = 43200;
        var twelveHours = await management.AssumeRoleAsync(RoleArn(Member(1)), "audit", ("DurationSeconds", "43200"));

        missing.AssertError(400, "ValidationError", "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null", Sts);
        user.AssertError(400, "ValidationError", "Request ARN is invalid", Sts);
        tooLong.AssertError(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", Sts);
        Assert.InRange(twelveHours.Expiration, DateTimeOffset.UtcNow.AddHours(12).AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(12).AddMinutes(1));
    }

    [Fact]
    public async Task IssuedKeysNeedTheirSessionToken()
    {
        var issued = await management.AssumeRoleAsync(RoleArn(Member(1)));
        using var noToken = new AwsTestClient(server, issued.AccessKeyId);
        using var wrongToken = new AwsTestClient(server, issued.AccessKeyId, issued.SessionToken + "x");

        var iam = await noToken.IamAsync("ListUsers");
        var sts = await wrongToken.StsAsync("GetCallerIdentity");
        var ec2 = await noToken.QueryAsync("ec2", "2016-11-15", "DescribeInstances");
        var organizations = await noToken.OrganizationsAsync("DescribeOrganization");

        iam.AssertError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        sts.AssertError(403, "InvalidClientTokenId", "The security token included in the request is invalid.", Sts);
        Assert.Equal(401, ec2.Status);
        Assert.Equal("AuthFailure", ec2.Value("Code"));
        organizations.AssertError("UnrecognizedClientException");
        Assert.All(server.Requests.Skip(1), r => Assert.Null(r.AccountId));
    }

    [Fact]
    public async Task ExpiredCredentialsAreRefused()
    {
        var issued = await management.AssumeRoleAsync(RoleArn(Member(1)), "audit", ("DurationSeconds", "900"));
        server.Clock = () => DateTimeOffset.UtcNow.AddMinutes(16);
        using var member = new AwsTestClient(server, issued);

        var reply = await member.IamAsync("ListUsers");

        reply.AssertError(403, "ExpiredToken", "The security token included in the request is expired");
    }

    [Fact]
    public async Task ChainedSessionsAssumeOnwardsAndAreLimitedToOneHour()
    {
        var hub = server.IamAccount(Member(2));
        hub.AddRole("Spoke", $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["{{RoleArn(Member(1))}}"]},"Action":"sts:*"}]}""").MaxSessionDuration = 43200;
        var first = await management.AssumeRoleAsync(RoleArn(Member(1)));
        using var firstHop = new AwsTestClient(server, first);

        var second = await firstHop.AssumeRoleAsync(RoleArn(Member(2), "Spoke"), "hop2");
        var tooLong = await firstHop.StsAsync("AssumeRole", ("RoleArn", RoleArn(Member(2), "Spoke")), ("RoleSessionName", "hop2"), ("DurationSeconds", "7200"));
        var notTrusted = await firstHop.StsAsync("AssumeRole", ("RoleArn", RoleArn(Member(3))), ("RoleSessionName", "hop2"));
        using var secondHop = new AwsTestClient(server, second);
        var identity = await secondHop.StsAsync("GetCallerIdentity");

        Assert.Equal(Member(2), identity.Value("Account"));
        Assert.Equal($"arn:aws:sts::{Member(2)}:assumed-role/Spoke/hop2", identity.Value("Arn"));
        tooLong.AssertError(400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", Sts);
        notTrusted.AssertError(403, "AccessDenied", $"User: {first.Arn} is not authorized to perform: sts:AssumeRole on resource: {RoleArn(Member(3))}", Sts);
    }

    [Fact]
    public async Task IssuedKeysActAsTheTargetAccountInEc2()
    {
        lock (server.Ec2.SyncRoot)
        {
            var region = server.Ec2.Account(Member(1)).Region("us-east-1");
            region.RunInstance(region.AddImage(name: "golden").Id);
        }

        var issued = await management.AssumeRoleAsync(RoleArn(Member(1)));
        using var member = new AwsTestClient(server, issued);

        var mine = await member.QueryAsync("ec2", "2016-11-15", "DescribeInstances");
        var managements = await management.QueryAsync("ec2", "2016-11-15", "DescribeInstances");

        Assert.Equal(200, mine.Status);
        Assert.Single(mine.Root.Descendants(), e => e.Name.LocalName == "instanceId");
        Assert.DoesNotContain(managements.Root.Descendants(), e => e.Name.LocalName == "instanceId");
    }

    [Fact]
    public async Task AMappedAccessKeyActsAsItsAccount()
    {
        server.MapAccessKey("AKIAMEMBERONE0000000", Member(1));
        using var member = new AwsTestClient(server, "AKIAMEMBERONE0000000");

        var identity = await member.StsAsync("GetCallerIdentity");
        var users = await member.IamAsync("ListUsers");

        Assert.Equal(Member(1), identity.Value("Account"));
        Assert.Equal($"arn:aws:iam::{Member(1)}:user/fake-iam-caller", identity.Value("Arn"));
        Assert.Single(users.Members("Users"));
        Assert.Equal(Member(1), server.Ec2.AccountFor("AKIAMEMBERONE0000000").AccountId);
    }

    [Fact]
    public void AccountsAreKeptById()
    {
        Assert.Equal(Management, server.Account.AccountId);
        Assert.Equal(4, server.Accounts.Count);
        Assert.Throws<ArgumentException>(() => server.AddAccount(new FakeIamAccount(Member(1))));
        Assert.Throws<ArgumentException>(() => server.IamAccount("999999999999"));
        Assert.Throws<ArgumentException>(() => server.MapAccessKey("AKIANOWHERE000000000", "999999999999"));
        Assert.Null(server.FindAccount("999999999999"));
        Assert.Same(server.AddAccount(new FakeIamAccount("999999999999")), server.IamAccount("999999999999"));
    }
}
