using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Changes;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Engine.Principals;
using MarketplaceGuard.Engine.Templates;
using FakeIamAccount = MarketplaceGuard.FakeIam.FakeIamAccount;
using FakeIamServer = MarketplaceGuard.FakeIam.FakeIamServer;

namespace MarketplaceGuard.Tests.Changes;

/// <summary>Plans and applies against the fake IAM endpoint, including interruptions at every step.</summary>
public sealed class AccessManagerTests : IDisposable
{
    private static readonly PolicyTemplate Buyer = PolicyTemplateCatalog.Get("Procurement");
    private static readonly PrincipalRef Procurement = new(PrincipalKind.Group, "Procurement");

    private readonly FakeIamServer server;
    private readonly IamClient client;
    private readonly AccessManager manager;

    public AccessManagerTests()
    {
        server = FakeIamServer.Start(FakeIamAccount.LoadAuthorizationDetailsFile(Path.Combine(AppContext.BaseDirectory, "Examples", "sample-account.json")));
        var connection = AwsConnection.Resolve(new AwsConnectionRequest
        {
            AccessKey = "AKIAMANAGERTEST00000",
            SecretKey = "manager-secret",
            EndpointUrl = server.Url.ToString(),
            Environment = new Dictionary<string, string?>(),
        });
        client = new IamClient(connection, new IamRetryPolicy { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) });
        manager = new AccessManager(new IamOperations(client), "aws", "111122223333") { ConsistencyDelay = TimeSpan.FromMilliseconds(10) };
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    private static CancellationToken None => CancellationToken.None;

    [Theory]
    [InlineData("GetAccountAuthorizationDetails")] // not called by a grant: nothing fails, nothing is written twice
    [InlineData("CreatePolicyVersion")]
    [InlineData("AttachGroupPolicy")]
    [InlineData("DetachGroupPolicy")]
    public async Task AnInterruptedGrantConvergesOnTheNextRun(string failingOperation)
    {
        // The sample account's Procurement group already has MarketplaceGuard-Procurement; make it drift and attach
        // the deny too, so that a grant has to update, attach nothing new, and detach.
        const string drifted = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"}}""";
        var ops = new IamOperations(client);
        await ops.CreatePolicyVersionAsync(manager.ArnOf(Buyer), drifted, setAsDefault: true, None);
        await ops.DetachPolicyAsync(IamPrincipalKind.Group, "Procurement", manager.ArnOf(Buyer), None);
        await ops.AttachPolicyAsync(IamPrincipalKind.Group, "Procurement", "arn:aws:iam::111122223333:policy/marketplaceguard/MarketplaceGuard-DenyMarketplace", None);

        var first = await manager.PlanGrantAsync(Procurement, Buyer, None);
        server.Faults.FailNext(10, 500, "ServiceFailure", operation: failingOperation);
        try
        {
            await manager.ApplyAsync(first.Changes, [], None);
        }
        catch (IamException)
        {
            // the interruption
        }

        server.Faults.Clear();
        var second = await manager.PlanGrantAsync(Procurement, Buyer, None);
        await manager.ApplyAsync(second.Changes, [], None);
        var third = await manager.PlanGrantAsync(Procurement, Buyer, None);

        Assert.Empty(third.Changes);
        var attached = await ops.ListAttachedPoliciesAsync(IamPrincipalKind.Group, "Procurement", None);
        Assert.Equal(["MarketplaceGuard-Procurement"], attached.Select(p => p.Name));
        Assert.True(AccessPlanner.IsCurrent(Buyer, (await ops.GetPolicyVersionAsync(manager.ArnOf(Buyer), (await ops.GetPolicyAsync(manager.ArnOf(Buyer), None)).DefaultVersionId, None)).Document));
    }

    [Fact]
    public async Task ASecondRunPlansNoWrite()
    {
        await manager.ApplyAsync((await manager.PlanGrantAsync(new PrincipalRef(PrincipalKind.User, "victor"), Buyer, None)).Changes, [], None);

        Assert.Empty((await manager.PlanGrantAsync(new PrincipalRef(PrincipalKind.User, "victor"), Buyer, None)).Changes);

        // The sample's deny policy predates the tag: the first revoke converges it, the second plans nothing.
        var everyone = new PrincipalRef(PrincipalKind.Group, "Everyone");
        var first = await manager.PlanRevokeAsync(everyone, None);
        Assert.Equal(["tag MarketplaceGuard-DenyMarketplace managed-by=MarketplaceGuard"], first.Changes.Select(c => c.Description));
        await manager.ApplyAsync(first.Changes, [], None);
        Assert.Empty((await manager.PlanRevokeAsync(everyone, None)).Changes);
    }
}
