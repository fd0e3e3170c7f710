using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Accounts;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Aws.Organizations;
using MarketplaceGuard.Aws.Snapshots;
using MarketplaceGuard.Engine.Organizations;
using FakeIamAccount = MarketplaceGuard.FakeIam.FakeIamAccount;
using FakeIamServer = MarketplaceGuard.FakeIam.FakeIamServer;
using FakeOrganization = MarketplaceGuard.FakeIam.Organizations.FakeOrganization;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>
/// Reading an organization and fanning out over its accounts against the fake endpoint, which speaks Organizations'
/// JSON 1.1, STS AssumeRole with trust policies and IAM for several accounts in one process.
/// </summary>
public sealed class OrganizationFakeEndpointTests
{
    private const string Management = "111111111111";
    private const string Root = "r-a1b2";
    private const string Workloads = "ou-a1b2-workload";
    private const string Sandbox = "ou-a1b2-sandbox1";
    private const string Experiments = "ou-a1b2-experim1";
    private const string AccessRole = "OrganizationAccountAccessRole";
    private const string DenyMarketplace = """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"aws-marketplace:Subscribe","Resource":"*"}]}""";

    private static readonly IamRetryPolicy Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxAttempts = 3 };

    private static string Member(int i) => (200000000000L + i).ToString(CultureInfo.InvariantCulture);

    private static string Trust(string accountId, string? externalId = null) => externalId is null
        ? $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{accountId}}:root"},"Action":"sts:AssumeRole"}]}"""
        : """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"EXTERNAL"}}}]}"""
            .Replace("ACCOUNT", accountId, StringComparison.Ordinal).Replace("EXTERNAL", externalId, StringComparison.Ordinal);

    /// <summary>
    /// Root → Workloads (30 accounts), Sandbox (10) → Experiments (10); the management account under the root. Each
    /// member has an OrganizationAccountAccessRole trusting the management account (but <paramref name="withoutRole"/>,
    /// an invited account) and a user. FullAWSAccess everywhere, DenyMarketplaceSubscribe on Sandbox.
    /// </summary>
    private static FakeOrganization Organization(int members = 50, string? withoutRole = null, Func<string, string>? trust = null)
    {
        var org = new FakeOrganization(Management, "o-a1b2c3d4e5", "root@example.com");
        org.AddRoot(Root);
        org.AddOrganizationalUnit("Workloads", Root, Workloads);
        org.AddOrganizationalUnit("Sandbox", Root, Sandbox);
        org.AddOrganizationalUnit("Experiments", Sandbox, Experiments);
        org.AddAccount(Management, "management", Root, "root@example.com");
        for (var i = 1; i <= members; i++)
        {
            var id = Member(i);
            var iam = new FakeIamAccount(id);
            if (id != withoutRole)
            {
                iam.AddRole(AccessRole, trust?.Invoke(id) ?? Trust(Management));
            }

            iam.AddUser($"user-of-{id}");
            org.AddAccount(id, $"member-{i:D2}", i <= 30 ? Workloads : i <= 40 ? Sandbox : Experiments, iam: iam);
        }

        var full = org.AddFullAwsAccess();
        foreach (var target in new[] { Root, Workloads, Sandbox, Experiments }.Concat(org.Accounts.Select(a => a.Id)))
        {
            org.AttachPolicy(full.Id, target);
        }

        org.AddPolicy("DenyMarketplaceSubscribe", DenyMarketplace, "p-denymarket", "No Marketplace subscriptions in the sandbox");
        org.AttachPolicy("p-denymarket", Sandbox);
        return org;
    }

    private static AwsConnection Connection(FakeIamServer server) => AwsConnection.Resolve(new AwsConnectionRequest
    {
        AccessKey = "AKIAFAKEORGCALLER000",
        SecretKey = "fake-org-secret",
        EndpointUrl = server.Url.ToString(),
        Environment = new Dictionary<string, string?>(),
    });

    private static async Task<Organization> ReadAsync(FakeIamServer server)
    {
        using var client = new OrganizationsClient(Connection(server), Fast);
        return await OrganizationReader.ReadAsync(client, CancellationToken.None);
    }

    [Fact]
    public async Task ReadsAnOrganizationOfFiftyOneAccountsPageByPage()
    {
        using var server = FakeIamServer.Start(Organization());
        server.Organizations.EmptyPagesFirst = true;

        var organization = await ReadAsync(server);

        Assert.Equal("o-a1b2c3d4e5", organization.Id);
        Assert.Equal(Management, organization.ManagementAccountId);
        Assert.True(organization.ServiceControlPoliciesEnabled);
        Assert.Equal(51, organization.Accounts.Count);
        Assert.Equal(30, organization.Accounts.Count(a => a.ParentId == Workloads));
        Assert.Equal([Workloads, Sandbox, Experiments], organization.OrganizationalUnits.Select(u => u.Id));
        Assert.Equal(Sandbox, organization.OrganizationalUnits.Single(u => u.Id == Experiments).ParentId);
        Assert.Empty(organization.Validate());
        Assert.All(organization.Accounts, a => Assert.Equal(OrganizationAccountState.Active, a.State));
        Assert.Equal("member-45", organization.FindAccount(Member(45))!.Name);

        var deny = organization.Policies.Single(p => p.Id == "p-denymarket");
        Assert.Equal(DenyMarketplace, deny.Content);
        Assert.Equal([Sandbox], deny.Targets);
        Assert.Equal(55, organization.Policies.Single(p => p.Id == "p-FullAWSAccess").Targets.Count);
        var levels = organization.ServiceControlPolicyLevelsFor(Member(45));
        Assert.Equal(["root r-a1b2", $"OU Sandbox ({Sandbox})", $"OU Experiments ({Experiments})", $"account member-45 ({Member(45)})"], levels.Select(l => l.Label));
        Assert.Contains(levels, l => l.Policies.Any(p => p.Name == "DenyMarketplaceSubscribe"));
        Assert.Empty(organization.ServiceControlPolicyLevelsFor(Management));

        var workloadPages = server.Requests.ForOperation("ListAccountsForParent").Where(r => r.Parameter("ParentId") == Workloads).ToList();
        Assert.Equal(3, workloadPages.Count); // the empty first page, then 20 and 10 accounts
        Assert.All(server.Requests.Where(r => r.Operation!.StartsWith("List", StringComparison.Ordinal)), r => Assert.Equal("20", r.Parameter("MaxResults")));
    }

    [Fact]
    public async Task AMemberAccountThatIsNoDelegatedAdministratorIsDenied()
    {
        using var server = FakeIamServer.Start(Organization(members: 3), callerAccountId: Member(1));

        var e = await Assert.ThrowsAsync<OrganizationNotReadableException>(() => ReadAsync(server));

        Assert.Equal(OrganizationNotReadableReason.AccessDenied, e.Reason);
        Assert.Equal("ListRoots", e.Error.Operation);
        Assert.Contains("management account or a delegated administrator", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADelegatedAdministratorReadsTheOrganization()
    {
        var org = Organization(members: 3);
        org.AddDelegatedAdministrator(Member(2));
        using var server = FakeIamServer.Start(org, callerAccountId: Member(2));

        var organization = await ReadAsync(server);

        Assert.Equal(4, organization.Accounts.Count);
    }

    [Fact]
    public async Task AnAccountOutsideAnyOrganizationIsToldSo()
    {
        using var server = FakeIamServer.Start(Organization(members: 1));
        server.Organizations.NotInUse = true;

        var e = await Assert.ThrowsAsync<OrganizationNotReadableException>(() => ReadAsync(server));

        Assert.Equal(OrganizationNotReadableReason.NotInOrganization, e.Reason);
        Assert.Equal("DescribeOrganization", e.Error.Operation);
    }

    [Fact]
    public async Task ReadsEveryAccountWithItsOwnRoleAndAnAccountWithoutTheRoleFailsAlone()
    {
        using var server = FakeIamServer.Start(Organization(members: 12, withoutRole: Member(7)));
        var caller = Connection(server);
        var organization = await ReadAsync(server);
        var targets = organization.Accounts.Select(a => new AccountTarget(a.Id, a.Name)).ToList();
        var fanOut = new AccountFanOut(caller, Management, new AccountFanOutOptions { ThrottleLimit = 4 }) { Retry = Fast };

        var events = new List<AccountFanOutEvent>();
        await foreach (var item in fanOut.RunAsync(targets, async work =>
        {
            using var iam = new IamClient(work.Connection, Fast) { CallCompleted = work.CallCompleted };
            var (account, arn) = await iam.GetCallerIdentityAsync(work.Cancellation);
            var snapshot = await AuthorizationDetailsExporter.ReadAsync(iam, account, AuthorizationDetailsExporter.PrincipalsOnly, work.Cancellation);
            return (account, arn, Users: snapshot.Users.Select(u => u.Name).ToList());
        }, CancellationToken.None))
        {
            events.Add(item);
        }

        var outcomes = events.OfType<AccountOutcome<(string Account, string Arn, List<string> Users)>>().ToDictionary(o => o.Account.AccountId);
        Assert.Equal(13, outcomes.Count);
        var failed = Assert.Single(outcomes.Values, o => !o.Succeeded);
        Assert.Equal(Member(7), failed.Account.AccountId);
        Assert.Equal(AccountFailureKind.AssumeRoleDenied, failed.Failure!.Kind);
        Assert.StartsWith($"Account member-07 ({Member(7)}): AssumeRole of arn:aws:iam::{Member(7)}:role/OrganizationAccountAccessRole was denied", failed.Failure.Reason, StringComparison.Ordinal);
        foreach (var outcome in outcomes.Values.Where(o => o.Succeeded && o.Account.AccountId != Management))
        {
            var id = outcome.Account.AccountId;
            Assert.Equal(id, outcome.Result.Account);
            Assert.Equal($"arn:aws:sts::{id}:assumed-role/OrganizationAccountAccessRole/MarketplaceGuard", outcome.Result.Arn);
            Assert.Equal([$"user-of-{id}"], outcome.Result.Users);
        }

        Assert.Equal(Management, outcomes[Management].Result.Account);
        Assert.Equal(12, server.Sessions.Count + 1); // every member but the one without the role; none for the management account
        Assert.DoesNotContain(server.Sessions, s => s.AccountId == Management);
        Assert.Contains(events.OfType<AccountCall>(), c => c.Account.AccountId == Member(3) && c.Record.Operation == "GetAccountAuthorizationDetails");
    }

    [Fact]
    public async Task AWrongRoleNameFailsEveryAccountButTheCallersOwn()
    {
        using var server = FakeIamServer.Start(Organization(members: 3));
        var fanOut = new AccountFanOut(Connection(server), Management, new AccountFanOutOptions { RoleName = "audit/NoSuchRole" }) { Retry = Fast };
        var targets = new[] { Management, Member(1), Member(2), Member(3) }.Select(id => new AccountTarget(id)).ToList();

        var outcomes = await OutcomesAsync(fanOut, targets);

        Assert.True(outcomes[Management].Succeeded);
        Assert.All(targets.Skip(1), t => Assert.Equal(AccountFailureKind.AssumeRoleDenied, outcomes[t.AccountId].Failure!.Kind));
        Assert.Contains($"arn:aws:iam::{Member(2)}:role/audit/NoSuchRole was denied", outcomes[Member(2)].Failure!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheExternalIdIsSentAndHonoured()
    {
        using var server = FakeIamServer.Start(Organization(members: 3, trust: id => id == Member(2) ? Trust(Management, "tenant-42") : Trust(Management)));
        var targets = new[] { Member(1), Member(2), Member(3) }.Select(id => new AccountTarget(id)).ToList();

        var without = await OutcomesAsync(new AccountFanOut(Connection(server), Management) { Retry = Fast }, targets);
        var wrong = await OutcomesAsync(new AccountFanOut(Connection(server), Management, new AccountFanOutOptions { ExternalId = "tenant-41" }) { Retry = Fast }, targets);
        var right = await OutcomesAsync(new AccountFanOut(Connection(server), Management, new AccountFanOutOptions { ExternalId = "tenant-42" }) { Retry = Fast }, targets);

        Assert.Equal([true, false, true], targets.Select(t => without[t.AccountId].Succeeded));
        Assert.Contains("or may require an ExternalId", without[Member(2)].Failure!.Reason, StringComparison.Ordinal);
        Assert.Equal([true, false, true], targets.Select(t => wrong[t.AccountId].Succeeded));
        Assert.Contains("or may expect another ExternalId than the one given", wrong[Member(2)].Failure!.Reason, StringComparison.Ordinal);
        Assert.All(targets, t => Assert.True(right[t.AccountId].Succeeded));
        Assert.Equal("tenant-42", server.Requests.ForOperation("AssumeRole").Last().Parameter("ExternalId"));
    }

    [Fact]
    public async Task AnAccountStillThrottledAfterEveryRetryFailsAlone()
    {
        using var server = FakeIamServer.Start(Organization(members: 3));
        server.Faults.ThrottleNext(Fast.MaxAttempts, operation: "AssumeRole");
        var fanOut = new AccountFanOut(Connection(server), Management, new AccountFanOutOptions { ThrottleLimit = 1 }) { Retry = Fast };
        var targets = new[] { Member(1), Member(2), Member(3) }.Select(id => new AccountTarget(id)).ToList();

        var outcomes = await OutcomesAsync(fanOut, targets);

        Assert.Equal(AccountFailureKind.Throttled, outcomes[Member(1)].Failure!.Kind);
        Assert.Equal($"Account {Member(1)}: AssumeRole was still throttled after 3 attempts (Throttling: Rate exceeded).", outcomes[Member(1)].Failure!.Reason);
        Assert.True(outcomes[Member(2)].Succeeded);
        Assert.True(outcomes[Member(3)].Succeeded);
    }

    private static async Task<Dictionary<string, AccountOutcome<string>>> OutcomesAsync(AccountFanOut fanOut, IReadOnlyList<AccountTarget> targets)
    {
        var outcomes = new Dictionary<string, AccountOutcome<string>>();
        await foreach (var item in fanOut.RunAsync(targets, async work =>
        {
            using var iam = new IamClient(work.Connection, Fast);
            return (await iam.GetCallerIdentityAsync(work.Cancellation)).Account;
        }, CancellationToken.None))
        {
            if (item is AccountOutcome<string> outcome)
            {
                outcomes[outcome.Account.AccountId] = outcome;
            }
        }

        return outcomes;
    }
}
