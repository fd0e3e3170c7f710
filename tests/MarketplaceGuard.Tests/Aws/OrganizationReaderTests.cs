using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Aws.Organizations;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>Reading an organization from scripted Organizations replies: the tree, the SCPs, paging, concurrency, the errors that mean "cannot read".</summary>
public sealed class OrganizationReaderTests
{
    private const string FullAccess = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";
    private const string DenyMarketplace = """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"aws-marketplace:Subscribe","Resource":"*"}]}""";

    private static readonly IamRetryPolicy Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxAttempts = 3 };

    private static AwsConnection Connection() => AwsConnection.Resolve(new AwsConnectionRequest
    {
        AccessKey = "AKIATESTORGREADER000",
        SecretKey = "reader-secret",
        EndpointUrl = "http://127.0.0.1:9/",
        Environment = new Dictionary<string, string?>(),
    });

    /// <summary>Root → Workloads → {Prod, Sandbox}; 45 accounts: the management account under the root, 20 in Workloads, 12 in Prod, 12 in Sandbox.</summary>
    private static ScriptedOrganization LargeOrganization()
    {
        var organization = new ScriptedOrganization();
        organization.Units.Add(("ou-a1b2-workload", "Workloads", ScriptedOrganization.RootId));
        organization.Units.Add(("ou-a1b2-prod0001", "Prod", "ou-a1b2-workload"));
        organization.Units.Add(("ou-a1b2-sandbox1", "Sandbox", "ou-a1b2-workload"));
        organization.AddAccount(ScriptedOrganization.ManagementAccountId, "management", ScriptedOrganization.RootId);
        for (var i = 0; i < 44; i++)
        {
            var parent = i < 20 ? "ou-a1b2-workload" : i < 32 ? "ou-a1b2-prod0001" : "ou-a1b2-sandbox1";
            organization.AddAccount((200000000000L + i).ToString(CultureInfo.InvariantCulture), $"account-{i:D2}", parent);
        }

        var everyone = new[] { ScriptedOrganization.RootId }.Concat(organization.Units.Select(u => u.Id)).Concat(organization.Accounts.Select(a => a.Account["Id"]!.GetValue<string>())).ToArray();
        organization.Policies.Add(("p-FullAWSAccess", "FullAWSAccess", FullAccess, everyone));
        organization.Policies.Add(("p-denymkt1", "DenyMarketplace", DenyMarketplace, ["ou-a1b2-sandbox1"]));
        return organization;
    }

    private static async Task<(Organization Organization, StubAwsHandler Handler, OrganizationsClient Client)> ReadAsync(ScriptedOrganization scripted)
    {
        // The first call of the tree waits (a while at most) for a second one: calls that run at once overlap.
        var second = new TaskCompletionSource();
        var treeCalls = 0;
        var handler = new StubAwsHandler(async request =>
        {
            if (request.Target.EndsWith("ForParent", StringComparison.Ordinal) && Interlocked.Increment(ref treeCalls) is var n)
            {
                if (n == 1)
                {
                    await Task.WhenAny(second.Task, Task.Delay(TimeSpan.FromSeconds(2)));
                }
                else
                {
                    second.TrySetResult();
                }
            }

            return scripted.Answer(request);
        });
        var client = new OrganizationsClient(Connection(), Fast, handler);
        return (await OrganizationReader.ReadAsync(client, CancellationToken.None), handler, client);
    }

    [Theory]
    [InlineData("1700000000.123", "2023-11-14T22:13:20.1230000+00:00")]
    [InlineData("\"2024-05-06T07:08:09Z\"", "2024-05-06T07:08:09.0000000+00:00")]
    [InlineData("1e20", null)] // past the calendar: unknown, not an ArgumentOutOfRangeException
    [InlineData("-1e400", null)]
    [InlineData("\"soon\"", null)]
    [InlineData("true", null)]
    public void AnAccountsJoinDateIsReadOrLeftUnknown(string value, string? expected)
    {
        using var json = System.Text.Json.JsonDocument.Parse("{\"JoinedTimestamp\": " + value + "}");

        var timestamp = OrganizationReader.Timestamp(json.RootElement, "JoinedTimestamp");

        Assert.Equal(expected, timestamp?.ToString("O", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ReadsTheTreeTheAccountsAndTheScpsOfALargeOrganization()
    {
        var (organization, handler, client) = await ReadAsync(LargeOrganization());
        using var _ = client;

        Assert.Equal("o-a1b2c3d4e5", organization.Id);
        Assert.Equal(ScriptedOrganization.ManagementAccountId, organization.ManagementAccountId);
        Assert.Equal("ALL", organization.FeatureSet);
        Assert.True(organization.ServiceControlPoliciesEnabled);
        Assert.Equal(["Workloads", "Prod", "Sandbox"], organization.OrganizationalUnits.Select(u => u.Name));
        Assert.Equal(45, organization.Accounts.Count);
        Assert.Equal(12, organization.Accounts.Count(a => a.ParentId == "ou-a1b2-sandbox1"));
        Assert.Empty(organization.Validate());

        var sandboxAccount = organization.FindAccount("200000000040")!;
        Assert.Equal("account-40", sandboxAccount.Name);
        Assert.Equal(OrganizationAccountState.Active, sandboxAccount.State);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), sandboxAccount.JoinedTimestamp);
        Assert.Equal("Root / Workloads / Sandbox", organization.PathOf(sandboxAccount.Id));
        var levels = organization.ServiceControlPolicyLevelsFor(sandboxAccount.Id);
        Assert.Equal(["root r-a1b2", "OU Workloads (ou-a1b2-workload)", "OU Sandbox (ou-a1b2-sandbox1)", "account account-40 (200000000040)"], levels.Select(l => l.Label));
        Assert.Equal(["FullAWSAccess", "DenyMarketplace"], levels[2].Policies.Select(p => p.Name));
        var deny = organization.Policies.Single(p => p.Name == "DenyMarketplace");
        Assert.Equal(DenyMarketplace, deny.Content);
        Assert.Equal(["ou-a1b2-sandbox1"], deny.Targets);
        Assert.False(deny.AwsManaged);
        Assert.True(organization.Policies.Single(p => p.Name == "FullAWSAccess").AwsManaged);
        Assert.Equal(49, organization.Policies.Single(p => p.Name == "FullAWSAccess").Targets.Count); // 1 root, 3 OUs, 45 accounts: three pages

        Assert.All(handler.Requests.Where(r => r.Target.StartsWith("List", StringComparison.Ordinal)), r => Assert.Equal(20, r.Json.GetProperty("MaxResults").GetInt32()));
        Assert.Contains(handler.Requests, r => r.Json.TryGetProperty("NextToken", out var token) && token.GetString()!.StartsWith('e'));
        Assert.InRange(handler.MaxInFlight, 2, OrganizationsClient.MaxConcurrentRequests);
        Assert.Equal(handler.Requests.Count, client.RequestCount);
    }

    [Fact]
    public async Task TheStateComesFromTheRetiringStatusWhenStateIsMissing()
    {
        var scripted = new ScriptedOrganization();
        scripted.AddAccount(ScriptedOrganization.ManagementAccountId, "management", ScriptedOrganization.RootId);
        scripted.AddAccount("222222222222", "old", ScriptedOrganization.RootId, state: "SUSPENDED");
        scripted.Accounts[1].Account.Remove("State");
        scripted.AddAccount("333333333333", "closing", ScriptedOrganization.RootId, state: "PENDING_CLOSURE");
        scripted.Policies.Add(("p-FullAWSAccess", "FullAWSAccess", FullAccess, [ScriptedOrganization.RootId, ScriptedOrganization.ManagementAccountId, "222222222222", "333333333333"]));

        var (organization, _, client) = await ReadAsync(scripted);
        using var _ = client;

        Assert.Equal(OrganizationAccountState.Suspended, organization.FindAccount("222222222222")!.State);
        Assert.Equal(OrganizationAccountState.PendingClosure, organization.FindAccount("333333333333")!.State);
    }

    [Fact]
    public async Task WithoutScpsNoPolicyIsRead()
    {
        var scripted = new ScriptedOrganization { ServiceControlPoliciesEnabled = false };
        scripted.AddAccount(ScriptedOrganization.ManagementAccountId, "management", ScriptedOrganization.RootId);

        var (organization, handler, client) = await ReadAsync(scripted);
        using var _ = client;

        Assert.False(organization.ServiceControlPoliciesEnabled);
        Assert.Empty(organization.Policies);
        Assert.DoesNotContain(handler.Requests, r => r.Target is "ListPolicies" or "DescribePolicy" or "ListTargetsForPolicy");
    }

    [Theory]
    [InlineData("ListRoots")]
    [InlineData("ListAccountsForParent")]
    [InlineData("ListTargetsForPolicy")]
    public async Task AccessDeniedMeansTheOrganizationCannotBeRead(string deniedOperation)
    {
        var scripted = LargeOrganization();
        scripted.Errors[deniedOperation] = "com.amazonaws.organizations.model#AccessDeniedException";

        var e = await Assert.ThrowsAsync<OrganizationNotReadableException>(() => ReadAsync(scripted));

        Assert.Equal(OrganizationNotReadableReason.AccessDenied, e.Reason);
        Assert.Equal(deniedOperation, e.Error.Operation);
        Assert.Contains($"{deniedOperation} was denied", e.Message, StringComparison.Ordinal);
        Assert.Contains("the management account or a delegated administrator", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAccountOutsideAnyOrganizationIsSaidSo()
    {
        var scripted = new ScriptedOrganization();
        scripted.Errors["DescribeOrganization"] = "AWSOrganizationsNotInUseException";

        var e = await Assert.ThrowsAsync<OrganizationNotReadableException>(() => ReadAsync(scripted));

        Assert.Equal(OrganizationNotReadableReason.NotInOrganization, e.Reason);
        Assert.StartsWith("The account is not in an organization", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailureStopsTheCallsStillWaiting()
    {
        var scripted = new ScriptedOrganization();
        for (var i = 0; i < 10; i++)
        {
            scripted.Units.Add(($"ou-a1b2-unit00{i:D2}", $"Unit{i}", ScriptedOrganization.RootId));
        }

        // Level 2 asks 20 calls (OUs and accounts of 10 OUs); the first fails at once while the others take their time.
        var handler = new StubAwsHandler(async request =>
        {
            if (request.Target == "ListOrganizationalUnitsForParent" && request.Json.GetProperty("ParentId").GetString() == "ou-a1b2-unit0000")
            {
                return StubAwsHandler.JsonError(System.Net.HttpStatusCode.BadRequest, "InvalidInputException", "no");
            }

            await Task.Delay(50);
            return scripted.Answer(request);
        });
        using var client = new OrganizationsClient(Connection(), Fast, handler);

        var e = await Assert.ThrowsAsync<OrganizationsException>(() => OrganizationReader.ReadAsync(client, CancellationToken.None));

        Assert.Equal("InvalidInputException", e.Code);
        Assert.InRange(handler.Requests.Count, 5, 4 + OrganizationsClient.MaxConcurrentRequests);
    }

    [Fact]
    public async Task ATreeThatLeadsBackToAUnitIsRefusedInsteadOfWalkedForever()
    {
        var scripted = new ScriptedOrganization();
        scripted.Units.Add(("ou-a1b2-loop", "Loop", ScriptedOrganization.RootId));
        scripted.Units.Add(("ou-a1b2-loop", "Loop", "ou-a1b2-loop")); // listed as its own child
        using var client = new OrganizationsClient(Connection(), Fast, new StubAwsHandler(scripted.Answer));

        var e = await Assert.ThrowsAsync<OrganizationsException>(() => OrganizationReader.ReadAsync(client, CancellationToken.None));

        Assert.Equal("MalformedResponse", e.Code);
        Assert.Contains("ou-a1b2-loop appears twice in the tree", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ListAccountsForParent", """{"NextToken":null}""", "the reply has no Accounts list")]
    [InlineData("ListAccountsForParent", """{"Accounts":{"Id":"222222222222"}}""", "the reply has no Accounts list")]
    [InlineData("ListAccountsForParent", """{"Accounts":[5]}""", "an item of the reply has no Id")]
    [InlineData("ListRoots", """{"Roots":null}""", "the reply has no Roots list")]
    public async Task AListingWithoutItsListIsAnErrorNotAnEmptyList(string operation, string reply, string problem)
    {
        // An account or a policy target dropped from the listing would escape the audit or the SCPs.
        var scripted = LargeOrganization();
        var handler = new StubAwsHandler(request => request.Target == operation
            ? StubAwsHandler.Json(System.Net.HttpStatusCode.OK, reply)
            : scripted.Answer(request));
        using var client = new OrganizationsClient(Connection(), Fast, handler);

        var e = await Assert.ThrowsAsync<OrganizationsException>(() => OrganizationReader.ReadAsync(client, CancellationToken.None));

        Assert.Equal("MalformedResponse", e.Code);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }
}
