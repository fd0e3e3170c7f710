using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using static MarketplaceGuard.FakeIam.Tests.TestOrganizations;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>Who may call Organizations (management account, delegated administrators, members, outsiders), and faults.</summary>
public sealed class OrganizationsAccessTests : IDisposable
{
    private readonly FakeIamServer server = FakeIamServer.Start(Build());
    private readonly AwsTestClient management;

    public OrganizationsAccessTests()
    {
        management = new AwsTestClient(server);
    }

    public void Dispose()
    {
        management.Dispose();
        server.Dispose();
    }

    private AwsTestClient As(string accountId)
    {
        var key = "AKIA" + accountId + "XXXX";
        server.MapAccessKey(key, accountId);
        return new AwsTestClient(server, key);
    }

    [Fact]
    public async Task AMemberAccountMayOnlyDescribeTheOrganization()
    {
        var issued = await management.AssumeRoleAsync(RoleArn(Member(1)));
        using var member = new AwsTestClient(server, issued);

        var describe = await member.OrganizationsAsync("DescribeOrganization");
        var list = await member.OrganizationsAsync("ListAccounts");
        var policy = await member.OrganizationsAsync("DescribePolicy", new { PolicyId = "p-FullAWSAccess" });

        describe.AssertOk();
        list.AssertError("AccessDeniedException");
        Assert.Equal("You don't have permissions to access this resource.", list.Json.GetProperty("Message").GetString());
        policy.AssertError("AccessDeniedException");
    }

    [Fact]
    public async Task ADelegatedAdministratorMayList()
    {
        lock (server.Organizations.Organization!.SyncRoot)
        {
            server.Organizations.Organization.AddDelegatedAdministrator(Member(2));
        }

        using var delegated = As(Member(2));

        var list = await delegated.OrganizationsAsync("ListAccounts");

        list.AssertOk();
        Assert.Equal(4, list.Ids("Accounts").Count);
    }

    [Fact]
    public async Task NotInUseAnswersEveryOperationTheSame()
    {
        server.Organizations.NotInUse = true;

        var describe = await management.OrganizationsAsync("DescribeOrganization");
        var list = await management.OrganizationsAsync("ListRoots");

        describe.AssertError("AWSOrganizationsNotInUseException");
        list.AssertError("AWSOrganizationsNotInUseException");
        Assert.Equal("Your account is not a member of an organization.", list.Json.GetProperty("Message").GetString());
    }

    [Fact]
    public async Task AnAccountOutsideTheOrganizationOrAServerWithoutOneIsNotInUse()
    {
        server.AddAccount(new FakeIamAccount("999999999999"));
        using var outsider = As("999999999999");
        using var plain = FakeIamServer.Start(new FakeIamAccount());
        using var plainClient = new AwsTestClient(plain);

        (await outsider.OrganizationsAsync("DescribeOrganization")).AssertError("AWSOrganizationsNotInUseException");
        (await plainClient.OrganizationsAsync("ListAccounts")).AssertError("AWSOrganizationsNotInUseException");
        (await plainClient.OrganizationsAsync("NoSuchOperation")).AssertError("UnknownOperationException");
    }

    [Fact]
    public async Task DenyRefusesOneOperationToEveryoneOrToOneCaller()
    {
        server.Organizations.Deny("ListPolicies");
        server.Organizations.Deny("ListRoots", Management);

        var policies = await management.OrganizationsAsync("ListPolicies", new { Filter = "SERVICE_CONTROL_POLICY" });
        var roots = await management.OrganizationsAsync("ListRoots");
        var accounts = await management.OrganizationsAsync("ListAccounts");
        server.Organizations.Allow("ListPolicies");
        var allowedAgain = await management.OrganizationsAsync("ListPolicies", new { Filter = "SERVICE_CONTROL_POLICY" });

        policies.AssertError("AccessDeniedException");
        roots.AssertError("AccessDeniedException");
        accounts.AssertOk();
        allowedAgain.AssertOk();
    }

    [Fact]
    public async Task ThrottlesAndFailuresAnswerInOrganizationsJson()
    {
        server.Faults.ThrottleNext(1, operation: "ListAccounts");
        server.Faults.FailNext(1, operation: "ListRoots");

        var roots = await management.OrganizationsAsync("ListRoots");
        var throttled = await management.OrganizationsAsync("ListAccounts");
        var retried = await management.OrganizationsAsync("ListAccounts");

        throttled.AssertError("TooManyRequestsException");
        Assert.Equal(JsonValueKind.String, throttled.Json.GetProperty("Type").ValueKind);
        roots.AssertError("ServiceException", status: 500);
        retried.AssertOk();
        Assert.Equal([FaultKind.Failure, FaultKind.Throttle, FaultKind.None], server.Requests.Select(r => r.Fault));
    }

    [Fact]
    public async Task MalformedDelayedAndDroppedRepliesWorkAsForTheOtherServices()
    {
        server.Faults.MalformedNext(1, "ListAccounts");
        server.Faults.DelayNext(1, TimeSpan.FromMilliseconds(200), "ListRoots");
        server.Faults.DropNextConnection(1, operation: "DescribeOrganization");

        var malformed = await management.OrganizationsAsync("ListAccounts");
        var started = DateTimeOffset.UtcNow;
        var delayed = await management.OrganizationsAsync("ListRoots");
        var elapsed = DateTimeOffset.UtcNow - started;

        Assert.Equal(200, malformed.Status);
        Assert.ThrowsAny<JsonException>(() => malformed.Json);
        delayed.AssertOk();
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(190), $"The reply came after {elapsed}.");
        await Assert.ThrowsAsync<HttpRequestException>(() => management.OrganizationsAsync("DescribeOrganization"));
    }
}
