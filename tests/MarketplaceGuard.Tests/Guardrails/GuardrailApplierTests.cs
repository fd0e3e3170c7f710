using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Aws.Organizations;
using MarketplaceGuard.Engine.Guardrails;
using static MarketplaceGuard.Tests.Guardrails.GuardrailFixtures;
using FakeIamServer = MarketplaceGuard.FakeIam.FakeIamServer;
using FakeOrganization = MarketplaceGuard.FakeIam.Organizations.FakeOrganization;

namespace MarketplaceGuard.Tests.Guardrails;

/// <summary>Reading a target's guardrail state and applying plans against the fake Organizations endpoint.</summary>
public sealed class GuardrailApplierTests : IDisposable
{
    private static readonly string[] Writes = ["CreatePolicy", "UpdatePolicy", "DeletePolicy", "AttachPolicy", "DetachPolicy", "TagResource", "UntagResource"];
    private readonly FakeOrganization organization;
    private readonly FakeIamServer server;
    private readonly OrganizationsClient client;

    public GuardrailApplierTests()
    {
        organization = new FakeOrganization(Management, "o-a1b2c3d4e5", "root@example.com");
        organization.AddRoot(RootId);
        organization.AddOrganizationalUnit("Sandbox", RootId, SandboxId);
        organization.AddAccount(Management, "management", RootId);
        organization.AddAccount("222222222222", "dev", SandboxId);
        var full = organization.AddFullAwsAccess();
        foreach (var target in new[] { RootId, SandboxId, Management, "222222222222" })
        {
            organization.AttachPolicy(full.Id, target);
        }

        server = FakeIamServer.Start(organization);
        client = new OrganizationsClient(AwsConnection.Resolve(new AwsConnectionRequest
        {
            AccessKey = "AKIAGUARDRAILTEST000",
            SecretKey = "guardrail-secret",
            EndpointUrl = server.Url.ToString(),
            Environment = new Dictionary<string, string?>(),
        }), new IamRetryPolicy { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) });
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    private int WriteCount => server.Requests.Snapshot().Count(r => Writes.Contains(r.Operation));

    private async Task<GuardrailPlan> SetAsync(string targetId, params GuardrailPolicy[] policies)
    {
        var plan = GuardrailPlanner.PlanSet(await GuardrailStateReader.ReadAsync(client, targetId, CancellationToken.None), policies);
        Assert.Empty(plan.Refusals);
        await new GuardrailApplier(client).ApplyAsync(plan.Changes, [], CancellationToken.None);
        return plan;
    }

    private string[] AttachedNames(string targetId) => organization.ServiceControlPoliciesOf(targetId).Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task ReadsTheTargetItsLevelsAndItsPolicies()
    {
        var state = await GuardrailStateReader.ReadAsync(client, "222222222222", CancellationToken.None);

        Assert.Equal("account dev (222222222222)", state.Target.Label);
        Assert.Equal([RootId, SandboxId], state.LevelsAbove.Select(l => l.TargetId).ToArray());
        Assert.Equal("FullAWSAccess", Assert.Single(state.Attached).Name);
        Assert.Equal(Management, state.ManagementAccountId);
    }

    [Fact]
    public async Task AnUnknownTargetAndDisabledScpsAreErrorsNamingTheTarget()
    {
        var missing = await Assert.ThrowsAsync<GuardrailTargetException>(() => GuardrailStateReader.ReadAsync(client, "ou-a1b2-nosuchou", CancellationToken.None));
        var account = await Assert.ThrowsAsync<GuardrailTargetException>(() => GuardrailStateReader.ReadAsync(client, "999999999999", CancellationToken.None));
        var root = await Assert.ThrowsAsync<GuardrailTargetException>(() => GuardrailStateReader.ReadAsync(client, "r-zzzz", CancellationToken.None));
        organization.Roots[0].PolicyTypes.Clear();
        var disabled = await Assert.ThrowsAsync<GuardrailTargetException>(() => GuardrailStateReader.ReadAsync(client, SandboxId, CancellationToken.None));

        Assert.Equal("The organization has no OU ou-a1b2-nosuchou.", missing.Message);
        Assert.Equal("The organization has no account 999999999999.", account.Message);
        Assert.Equal(GuardrailTargetProblem.NotFound, root.Problem);
        Assert.Equal(GuardrailTargetProblem.PolicyTypeNotEnabled, disabled.Problem);
    }

    [Fact]
    public async Task SetAttachesTaggedPoliciesAndASecondRunWritesNothing()
    {
        await SetAsync(SandboxId, Guardrail());
        var writes = WriteCount;

        var second = await SetAsync(SandboxId, Guardrail());

        Assert.Equal(["FullAWSAccess", $"MarketplaceGuard-Rule1-{SandboxId}"], AttachedNames(SandboxId));
        var ours = organization.Policies.Single(p => p.Name.StartsWith("MarketplaceGuard-", StringComparison.Ordinal));
        Assert.Equal("1", organization.TagsOf(ours.Id)[GuardrailNames.RulesTagKey]);
        Assert.Equal(2, writes);
        Assert.Empty(second.Changes);
        Assert.Equal(writes, WriteCount);
    }

    [Fact]
    public async Task ChangedExceptionsOnlyUpdateTheDocument()
    {
        await SetAsync(SandboxId, Guardrail());
        var before = server.Requests.Snapshot().Count;

        await SetAsync(SandboxId, Guardrail(procurement: [ProcurementRole, "arn:aws:iam::*:role/Buyers"]));

        Assert.Equal(["UpdatePolicy"], server.Requests.Snapshot().Skip(before).Where(r => Writes.Contains(r.Operation)).Select(r => r.Operation).ToArray());
        Assert.Contains("Buyers", organization.Policies.Single(p => p.Name.StartsWith("MarketplaceGuard-", StringComparison.Ordinal)).Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoveRestoresTheOriginalAttachmentsAndDeletesOurPolicies()
    {
        await SetAsync(SandboxId, Guardrail(), Guardrail("MarketplaceGuard-Rule1-Part2"));

        var plan = GuardrailPlanner.PlanRemove(await GuardrailStateReader.ReadAsync(client, SandboxId, CancellationToken.None));
        await new GuardrailApplier(client).ApplyAsync(plan.Changes, [], CancellationToken.None);

        Assert.Equal(["FullAWSAccess"], AttachedNames(SandboxId));
        Assert.DoesNotContain(organization.Policies, p => p.Name.StartsWith("MarketplaceGuard-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFailureMidwayUndoesWhatTheRunDid()
    {
        server.Organizations.FailAfter("AttachPolicy", 1);
        var plan = GuardrailPlanner.PlanSet(await GuardrailStateReader.ReadAsync(client, SandboxId, CancellationToken.None), [Guardrail(), Guardrail("MarketplaceGuard-Rule1-Part2")]);
        var made = new List<string>();

        var failure = await Assert.ThrowsAsync<GuardrailApplyException>(() => new GuardrailApplier(client).ApplyAsync(plan.Changes, made, CancellationToken.None));

        Assert.True(failure.RolledBack);
        Assert.Contains("ConcurrentModificationException", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"Undone: detached SCP MarketplaceGuard-Rule1-{SandboxId} again", failure.Message, StringComparison.Ordinal);
        Assert.Equal(["FullAWSAccess"], AttachedNames(SandboxId));
        Assert.DoesNotContain(organization.Policies, p => p.Name.StartsWith("MarketplaceGuard-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACreationWhoseReplyWasLostIsFoundAndNotRepeated()
    {
        server.Faults.DropNextConnection(1, afterProcessing: true, operation: "CreatePolicy");

        await SetAsync(SandboxId, Guardrail());

        Assert.Single(organization.Policies, p => p.Name.StartsWith("MarketplaceGuard-", StringComparison.Ordinal));
        Assert.Equal(["FullAWSAccess", $"MarketplaceGuard-Rule1-{SandboxId}"], AttachedNames(SandboxId));
    }
}

/// <summary>What a failed guardrail write says, whichever command made it.</summary>
public sealed class GuardrailApplyExceptionTests
{
    private static readonly GuardrailChange FailedDelete = new(GuardrailChangeKind.DeletePolicy, "MarketplaceGuard-Rule1-ou-ex12-workload", "p-1", "delete SCP MarketplaceGuard-Rule1-ou-ex12-workload (p-1), attached nowhere any more");

    [Fact]
    public void AFailedDeleteAfterRemoveDetachedSaysTheAttachmentsAreAsPlannedNotAttached()
    {
        var made = new[] { "detach SCP MarketplaceGuard-Rule1-ou-ex12-workload from OU Workloads (ou-ex12-workload)" };

        var e = new GuardrailApplyException(FailedDelete, new InvalidOperationException("boom"), made, [], []);

        Assert.DoesNotContain("attached as planned", e.Message, StringComparison.Ordinal);
        Assert.Contains("The target's attachments are as planned (detach SCP MarketplaceGuard-Rule1-ou-ex12-workload from OU Workloads (ou-ex12-workload)); the SCP MarketplaceGuard-Rule1-ou-ex12-workload is left, attached nowhere", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedDeleteOfAnSCPLeftByAnEarlierRunListsNoEmptyChanges()
    {
        var e = new GuardrailApplyException(FailedDelete, new InvalidOperationException("boom"), [], [], []);

        Assert.DoesNotContain("()", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("(boom). The SCP MarketplaceGuard-Rule1-ou-ex12-workload is left, attached nowhere: run the command again or Remove-MarketplaceGuardrail to delete it.", e.Message, StringComparison.Ordinal);
    }
}
