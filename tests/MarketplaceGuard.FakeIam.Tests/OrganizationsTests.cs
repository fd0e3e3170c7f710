using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using static MarketplaceGuard.FakeIam.Tests.TestOrganizations;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>Organizations over JSON 1.1: each operation's reply shape, and invalid input and unknown ids.</summary>
public sealed class OrganizationsTests : IDisposable
{
    private static readonly string[] AccountMembers = { "Id", "Arn", "Email", "Name", "Status", "State", "JoinedMethod", "JoinedTimestamp" };
    private readonly FakeIamServer server = FakeIamServer.Start(Build());
    private readonly AwsTestClient client;

    public OrganizationsTests()
    {
        client = new AwsTestClient(server);
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    private static List<string> Members(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToList();

    [Fact]
    public async Task DescribeOrganizationAnswersTheOrganization()
    {
        var reply = await client.OrganizationsAsync("DescribeOrganization");

        reply.AssertOk();
        var organization = reply.Json.GetProperty("Organization");
        Assert.Equal(["Id", "Arn", "FeatureSet", "MasterAccountArn", "MasterAccountId", "MasterAccountEmail", "AvailablePolicyTypes"], Members(organization));
        Assert.Equal(OrganizationId, organization.GetProperty("Id").GetString());
        Assert.Equal($"arn:aws:organizations::{Management}:organization/{OrganizationId}", organization.GetProperty("Arn").GetString());
        Assert.Equal("ALL", organization.GetProperty("FeatureSet").GetString());
        Assert.Equal(Management, organization.GetProperty("MasterAccountId").GetString());
        Assert.Equal($"arn:aws:organizations::{Management}:account/{OrganizationId}/{Management}", organization.GetProperty("MasterAccountArn").GetString());
        Assert.Equal("root@example.com", organization.GetProperty("MasterAccountEmail").GetString());
        Assert.Equal("SERVICE_CONTROL_POLICY", organization.GetProperty("AvailablePolicyTypes")[0].GetProperty("Type").GetString());
        var logged = server.Requests.Single();
        Assert.Equal(("DescribeOrganization", "organizations", Management), (logged.Operation, logged.SigningService, logged.AccountId));
    }

    [Fact]
    public async Task ListRootsAnswersRootsWithTheirPolicyTypes()
    {
        var reply = await client.OrganizationsAsync("ListRoots");

        reply.AssertOk();
        Assert.Equal(["Roots"], Members(reply.Json));
        var root = reply.Json.GetProperty("Roots").EnumerateArray().Single();
        Assert.Equal(["Id", "Arn", "Name", "PolicyTypes"], Members(root));
        Assert.Equal((RootId, $"arn:aws:organizations::{Management}:root/{OrganizationId}/{RootId}", "Root"),
            (root.GetProperty("Id").GetString(), root.GetProperty("Arn").GetString(), root.GetProperty("Name").GetString()));
        var type = root.GetProperty("PolicyTypes").EnumerateArray().Single();
        Assert.Equal(("SERVICE_CONTROL_POLICY", "ENABLED"), (type.GetProperty("Type").GetString(), type.GetProperty("Status").GetString()));
    }

    [Fact]
    public async Task OrganizationalUnitsAndAccountsAreListedForTheirParent()
    {
        var topUnits = await client.OrganizationsAsync("ListOrganizationalUnitsForParent", new { ParentId = RootId });
        var subUnits = await client.OrganizationsAsync("ListOrganizationalUnitsForParent", new { ParentId = Sandbox });
        var rootAccounts = await client.OrganizationsAsync("ListAccountsForParent", new { ParentId = RootId });
        var workloadAccounts = await client.OrganizationsAsync("ListAccountsForParent", new { ParentId = Workloads });

        Assert.Equal([Workloads, Sandbox], topUnits.Ids("OrganizationalUnits"));
        var unit = topUnits.Json.GetProperty("OrganizationalUnits")[0];
        Assert.Equal(["Id", "Arn", "Name"], Members(unit));
        Assert.Equal(($"arn:aws:organizations::{Management}:ou/{OrganizationId}/{Workloads}", "Workloads"), (unit.GetProperty("Arn").GetString(), unit.GetProperty("Name").GetString()));
        Assert.Equal([Experiments], subUnits.Ids("OrganizationalUnits"));
        Assert.Equal([Management], rootAccounts.Ids("Accounts"));
        Assert.Equal([Member(1)], workloadAccounts.Ids("Accounts"));
    }

    [Fact]
    public async Task AccountsHaveTheModelsMembersWithAnEpochSecondsJoinedTimestamp()
    {
        var list = await client.OrganizationsAsync("ListAccounts");
        var described = await client.OrganizationsAsync("DescribeAccount", new { AccountId = Member(2) });

        Assert.Equal([Management, Member(1), Member(2), Member(3)], list.Ids("Accounts"));
        var account = described.Json.GetProperty("Account");
        Assert.Equal(AccountMembers, Members(account));
        Assert.Equal(Member(2), account.GetProperty("Id").GetString());
        Assert.Equal($"arn:aws:organizations::{Management}:account/{OrganizationId}/{Member(2)}", account.GetProperty("Arn").GetString());
        Assert.Equal(($"aws+{Member(2)}@example.com", "member-2"), (account.GetProperty("Email").GetString(), account.GetProperty("Name").GetString()));
        Assert.Equal(("ACTIVE", "ACTIVE", "CREATED"), (account.GetProperty("Status").GetString(), account.GetProperty("State").GetString(), account.GetProperty("JoinedMethod").GetString()));
        Assert.Equal(JsonValueKind.Number, account.GetProperty("JoinedTimestamp").ValueKind);
        Assert.Equal(Joined.ToUnixTimeSeconds(), account.GetProperty("JoinedTimestamp").GetDecimal());
    }

    [Fact]
    public async Task StatusFollowsStateAndIsLeftOutWhenItHasNoValue()
    {
        lock (server.Organizations.Organization!.SyncRoot)
        {
            server.Organizations.Organization.FindAccount(Member(1))!.State = "CLOSED";
            server.Organizations.Organization.FindAccount(Member(2))!.State = "PENDING_ACTIVATION";
        }

        var closed = (await client.OrganizationsAsync("DescribeAccount", new { AccountId = Member(1) })).Json.GetProperty("Account");
        var pending = (await client.OrganizationsAsync("DescribeAccount", new { AccountId = Member(2) })).Json.GetProperty("Account");

        Assert.Equal(("CLOSED", "SUSPENDED"), (closed.GetProperty("State").GetString(), closed.GetProperty("Status").GetString()));
        Assert.False(pending.TryGetProperty("Status", out _));
    }

    [Fact]
    public async Task ParentsAndChildrenAnswerIdsWithTypes()
    {
        var ofAccount = await client.OrganizationsAsync("ListParents", new { ChildId = Member(3) });
        var ofUnit = await client.OrganizationsAsync("ListParents", new { ChildId = Workloads });
        var units = await client.OrganizationsAsync("ListChildren", new { ParentId = RootId, ChildType = "ORGANIZATIONAL_UNIT" });
        var accounts = await client.OrganizationsAsync("ListChildren", new { ParentId = Sandbox, ChildType = "ACCOUNT" });

        var parent = ofAccount.Json.GetProperty("Parents").EnumerateArray().Single();
        Assert.Equal(["Id", "Type"], Members(parent));
        Assert.Equal((Experiments, "ORGANIZATIONAL_UNIT"), (parent.GetProperty("Id").GetString(), parent.GetProperty("Type").GetString()));
        Assert.Equal("ROOT", ofUnit.Json.GetProperty("Parents")[0].GetProperty("Type").GetString());
        Assert.Equal([Workloads, Sandbox], units.Ids("Children"));
        Assert.All(units.Json.GetProperty("Children").EnumerateArray(), c => Assert.Equal("ORGANIZATIONAL_UNIT", c.GetProperty("Type").GetString()));
        Assert.Equal([Member(2)], accounts.Ids("Children"));
        Assert.Equal("ACCOUNT", accounts.Json.GetProperty("Children")[0].GetProperty("Type").GetString());
    }

    [Fact]
    public async Task PoliciesTheirTargetsAndTheirContent()
    {
        var all = await client.OrganizationsAsync("ListPolicies", new { Filter = "SERVICE_CONTROL_POLICY" });
        var tagPolicies = await client.OrganizationsAsync("ListPolicies", new { Filter = "TAG_POLICY" });
        var onSandbox = await client.OrganizationsAsync("ListPoliciesForTarget", new { TargetId = Sandbox, Filter = "SERVICE_CONTROL_POLICY" });
        var onExperiments = await client.OrganizationsAsync("ListPoliciesForTarget", new { TargetId = Experiments, Filter = "SERVICE_CONTROL_POLICY" });
        var targets = await client.OrganizationsAsync("ListTargetsForPolicy", new { PolicyId = "p-FullAWSAccess" });
        var described = await client.OrganizationsAsync("DescribePolicy", new { PolicyId = DenyMarketplaceId });

        Assert.Equal(["p-FullAWSAccess", DenyMarketplaceId], all.Ids("Policies"));
        var summary = all.Json.GetProperty("Policies")[0];
        Assert.Equal(["Id", "Arn", "Name", "Description", "Type", "AwsManaged"], Members(summary));
        Assert.Equal(("arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess", "FullAWSAccess", true),
            (summary.GetProperty("Arn").GetString(), summary.GetProperty("Name").GetString(), summary.GetProperty("AwsManaged").GetBoolean()));
        Assert.Empty(tagPolicies.Ids("Policies"));
        Assert.Equal(["p-FullAWSAccess", DenyMarketplaceId], onSandbox.Ids("Policies"));
        Assert.Equal(["p-FullAWSAccess"], onExperiments.Ids("Policies"));
        Assert.Equal([RootId, Workloads, Sandbox, Experiments, Management, Member(1), Member(2), Member(3)], targets.Ids("Targets", "TargetId"));
        var root = targets.Json.GetProperty("Targets")[0];
        Assert.Equal(["TargetId", "Arn", "Name", "Type"], Members(root));
        Assert.Equal(("Root", "ROOT"), (root.GetProperty("Name").GetString(), root.GetProperty("Type").GetString()));
        Assert.Equal(("member-1", "ACCOUNT"), (targets.Json.GetProperty("Targets")[5].GetProperty("Name").GetString(), targets.Json.GetProperty("Targets")[5].GetProperty("Type").GetString()));
        Assert.Equal("ORGANIZATIONAL_UNIT", targets.Json.GetProperty("Targets")[1].GetProperty("Type").GetString());
        var policy = described.Json.GetProperty("Policy");
        Assert.Equal(["PolicySummary", "Content"], Members(policy));
        Assert.Equal(DenyMarketplaceContent, policy.GetProperty("Content").GetString());
        Assert.Equal(($"arn:aws:organizations::{Management}:policy/{OrganizationId}/service_control_policy/{DenyMarketplaceId}", false, "No Marketplace subscriptions in the sandbox"),
            (policy.GetProperty("PolicySummary").GetProperty("Arn").GetString(), policy.GetProperty("PolicySummary").GetProperty("AwsManaged").GetBoolean(),
             policy.GetProperty("PolicySummary").GetProperty("Description").GetString()));
    }

    [Fact]
    public async Task DelegatedAdministratorsAreListedWithTheirDelegationDate()
    {
        lock (server.Organizations.Organization!.SyncRoot)
        {
            server.Organizations.Organization.AddDelegatedAdministrator(Member(2), "securityhub.amazonaws.com", new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        }

        var all = await client.OrganizationsAsync("ListDelegatedAdministrators");
        var forSecurityHub = await client.OrganizationsAsync("ListDelegatedAdministrators", new { ServicePrincipal = "securityhub.amazonaws.com" });
        var forOther = await client.OrganizationsAsync("ListDelegatedAdministrators", new { ServicePrincipal = "guardduty.amazonaws.com" });

        var delegated = all.Json.GetProperty("DelegatedAdministrators").EnumerateArray().Single();
        Assert.Equal([.. AccountMembers, "DelegationEnabledDate"], Members(delegated));
        Assert.Equal(Member(2), delegated.GetProperty("Id").GetString());
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), delegated.GetProperty("DelegationEnabledDate").GetDecimal());
        Assert.Equal([Member(2)], forSecurityHub.Ids("DelegatedAdministrators"));
        Assert.Empty(forOther.Ids("DelegatedAdministrators"));
    }

    [Theory]
    [InlineData("ListOrganizationalUnitsForParent", "{}", "InvalidInputException", "INPUT_REQUIRED")]
    [InlineData("ListOrganizationalUnitsForParent", """{"ParentId":"root"}""", "InvalidInputException", "INVALID_PATTERN")]
    [InlineData("ListOrganizationalUnitsForParent", """{"ParentId":"ou-a1b2-zzzzzzzz"}""", "ParentNotFoundException", null)]
    [InlineData("ListAccountsForParent", """{"ParentId":"r-zzzz"}""", "ParentNotFoundException", null)]
    [InlineData("ListChildren", """{"ParentId":"r-a1b2","ChildType":"POLICY"}""", "InvalidInputException", "INVALID_ENUM")]
    [InlineData("ListChildren", """{"ParentId":"r-a1b2"}""", "InvalidInputException", "INPUT_REQUIRED")]
    [InlineData("ListParents", """{"ChildId":"999999999999"}""", "ChildNotFoundException", null)]
    [InlineData("ListParents", """{"ChildId":"r-a1b2"}""", "InvalidInputException", "INVALID_PATTERN")]
    [InlineData("DescribeAccount", """{"AccountId":"999999999999"}""", "AccountNotFoundException", null)]
    [InlineData("DescribeAccount", """{"AccountId":"12345"}""", "InvalidInputException", "INVALID_PATTERN")]
    [InlineData("ListPolicies", "{}", "InvalidInputException", "INPUT_REQUIRED")]
    [InlineData("ListPolicies", """{"Filter":"SCP"}""", "InvalidInputException", "INVALID_ENUM_POLICY_TYPE")]
    [InlineData("ListPoliciesForTarget", """{"TargetId":"999999999999","Filter":"SERVICE_CONTROL_POLICY"}""", "TargetNotFoundException", null)]
    [InlineData("ListPoliciesForTarget", """{"TargetId":"p-FullAWSAccess","Filter":"SERVICE_CONTROL_POLICY"}""", "InvalidInputException", "INVALID_PATTERN_TARGET_ID")]
    [InlineData("ListTargetsForPolicy", """{"PolicyId":"p-zzzzzzzz"}""", "PolicyNotFoundException", null)]
    [InlineData("DescribePolicy", """{"PolicyId":"FullAWSAccess"}""", "InvalidInputException", "INVALID_SYNTAX_POLICY_ID")]
    [InlineData("DescribePolicy", "{}", "InvalidInputException", "INPUT_REQUIRED")]
    [InlineData("ListAccounts", """{"MaxResults":0}""", "InvalidInputException", "MIN_VALUE_EXCEEDED")]
    [InlineData("ListAccounts", """{"MaxResults":21}""", "InvalidInputException", "MAX_VALUE_EXCEEDED")]
    [InlineData("ListAccounts", """{"MaxResults":"5"}""", "SerializationException", null)]
    [InlineData("ListAccounts", """{"NextToken":"bm90LWEtdG9rZW4="}""", "InvalidInputException", "INVALID_NEXT_TOKEN")]
    [InlineData("ListAccounts", """[1,2]""", "SerializationException", null)]
    [InlineData("ListAccounts", """{"MaxResults":""", "SerializationException", null)]
    [InlineData("CreateAccount", "{}", "UnknownOperationException", null)]
    public async Task InvalidInputAndUnknownIdsAreRefused(string operation, string body, string code, string? reason)
    {
        var reply = await client.OrganizationsRawAsync("AWSOrganizationsV20161128." + operation, body);

        reply.AssertError(code, reason);
        Assert.Equal(code, server.Requests.Single().ErrorCode);
    }

    [Fact]
    public async Task ATargetOfAnotherServiceOrAnotherContentTypeIsRefused()
    {
        var otherService = await client.OrganizationsRawAsync("AmazonSSM.ListDocuments", "{}");
        var wrongType = await client.OrganizationsRawAsync("AWSOrganizationsV20161128.ListRoots", "{}", "application/json");

        otherService.AssertError("UnknownOperationException");
        wrongType.AssertError("SerializationException");
    }

    [Fact]
    public async Task TheRequestLogKeepsTheJsonMembers()
    {
        await client.OrganizationsAsync("ListAccountsForParent", new { ParentId = Sandbox, MaxResults = 5 });

        var logged = server.Requests.Single();
        Assert.Equal(("ListAccountsForParent", Sandbox, "5"), (logged.Operation, logged.Parameter("ParentId"), logged.Parameter("MaxResults")));
    }
}
