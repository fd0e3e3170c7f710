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
    private static readonly int[] RuleOne = [1];

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
        var first = await manager.PlanRevokeAsync(everyone, RuleOne, None);
        Assert.Equal(["tag MarketplaceGuard-DenyMarketplace managed-by=MarketplaceGuard"], first.Changes.Select(c => c.Description));
        await manager.ApplyAsync(first.Changes, [], None);
        Assert.Empty((await manager.PlanRevokeAsync(everyone, RuleOne, None)).Changes);
    }

    [Fact]
    public async Task RuleTwoChangesConvergeAndASecondRunPlansNoWrite()
    {
        // The sample account holds the Rule 2 policies already (AmiOperators, NoPaidAmis, cfn-deployer); this test is
        // about an account that has none of them yet, so they are taken out first. The sample account as it is: below.
        WithoutTheSampleRuleTwoPolicies();
        var launcher = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.PaidAmiLauncher);
        var everyone = new PrincipalRef(PrincipalKind.Group, "Everyone");
        int[] ruleTwo = [2];

        var revoke = await manager.PlanRevokeAsync(everyone, ruleTwo, None);
        Assert.Equal(
            [
                "create policy MarketplaceGuard-DenyPaidAmiLaunch at /marketplaceguard/, tagged managed-by=MarketplaceGuard",
                "attach MarketplaceGuard-DenyPaidAmiLaunch to group Everyone",
                "create policy MarketplaceGuard-DenyPaidAmiReplication at /marketplaceguard/, tagged managed-by=MarketplaceGuard",
                "attach MarketplaceGuard-DenyPaidAmiReplication to group Everyone",
            ],
            revoke.Changes.Select(c => c.Description));
        await manager.ApplyAsync(revoke.Changes, [], None);
        Assert.Empty((await manager.PlanRevokeAsync(everyone, ruleTwo, None)).Changes);
        Assert.Equal(["tag MarketplaceGuard-DenyMarketplace managed-by=MarketplaceGuard"], (await manager.PlanRevokeAsync(everyone, [1, 2], None)).Changes.Select(c => c.Description));

        await manager.ApplyAsync((await manager.PlanRevokeAsync(Victor, ruleTwo, None)).Changes, [], None);
        var grant = await manager.PlanGrantAsync(Victor, launcher, None);
        Assert.Equal(
            [
                "create policy MarketplaceGuard-PaidAmiLauncher at /marketplaceguard/, tagged managed-by=MarketplaceGuard",
                "attach MarketplaceGuard-PaidAmiLauncher to user victor",
                "detach MarketplaceGuard-DenyPaidAmiLaunch from user victor",
                "detach MarketplaceGuard-DenyPaidAmiReplication from user victor",
            ],
            grant.Changes.Select(c => c.Description));
        await manager.ApplyAsync(grant.Changes, [], None);
        Assert.Empty((await manager.PlanGrantAsync(Victor, launcher, None)).Changes);

        var remove = await manager.PlanRemoveAsync(Victor, None);
        Assert.Equal(["detach MarketplaceGuard-PaidAmiLauncher from user victor", "delete policy MarketplaceGuard-PaidAmiLauncher (nothing uses it any more)"], remove.Changes.Select(c => c.Description));
        await manager.ApplyAsync(remove.Changes, [], None);
        Assert.Empty((await manager.PlanRemoveAsync(Victor, None)).Changes);
        Assert.Equal(["ViewOnlyAccess"], (await new IamOperations(client).ListAttachedPoliciesAsync(IamPrincipalKind.User, "victor", None)).Select(p => p.Name));
    }

    [Fact]
    public async Task RuleTwoChangesOnTheSampleAccountTagItsPoliciesAndKeepTheLauncherPolicyOthersUse()
    {
        // The sample's Rule 2 policies predate the tag: the first run tags them instead of creating them, and removing
        // victor's launcher access keeps MarketplaceGuard-PaidAmiLauncher, which AmiOperators and cfn-deployer still use.
        var launcher = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.PaidAmiLauncher);
        var everyone = new PrincipalRef(PrincipalKind.Group, "Everyone");
        int[] ruleTwo = [2];

        var revoke = await manager.PlanRevokeAsync(everyone, ruleTwo, None);
        Assert.Equal(
            [
                "tag MarketplaceGuard-DenyPaidAmiLaunch managed-by=MarketplaceGuard",
                "attach MarketplaceGuard-DenyPaidAmiLaunch to group Everyone",
                "tag MarketplaceGuard-DenyPaidAmiReplication managed-by=MarketplaceGuard",
                "attach MarketplaceGuard-DenyPaidAmiReplication to group Everyone",
            ],
            revoke.Changes.Select(c => c.Description));
        await manager.ApplyAsync(revoke.Changes, [], None);
        Assert.Empty((await manager.PlanRevokeAsync(everyone, ruleTwo, None)).Changes);
        Assert.Equal(["tag MarketplaceGuard-DenyMarketplace managed-by=MarketplaceGuard"], (await manager.PlanRevokeAsync(everyone, [1, 2], None)).Changes.Select(c => c.Description));

        await manager.ApplyAsync((await manager.PlanRevokeAsync(Victor, ruleTwo, None)).Changes, [], None);
        var grant = await manager.PlanGrantAsync(Victor, launcher, None);
        Assert.Equal(
            [
                "tag MarketplaceGuard-PaidAmiLauncher managed-by=MarketplaceGuard",
                "attach MarketplaceGuard-PaidAmiLauncher to user victor",
                "detach MarketplaceGuard-DenyPaidAmiLaunch from user victor",
                "detach MarketplaceGuard-DenyPaidAmiReplication from user victor",
            ],
            grant.Changes.Select(c => c.Description));
        await manager.ApplyAsync(grant.Changes, [], None);
        Assert.Empty((await manager.PlanGrantAsync(Victor, launcher, None)).Changes);

        var remove = await manager.PlanRemoveAsync(Victor, None);
        Assert.Equal(["detach MarketplaceGuard-PaidAmiLauncher from user victor"], remove.Changes.Select(c => c.Description));
        await manager.ApplyAsync(remove.Changes, [], None);
        Assert.Empty((await manager.PlanRemoveAsync(Victor, None)).Changes);
        Assert.Equal(["ViewOnlyAccess"], (await new IamOperations(client).ListAttachedPoliciesAsync(IamPrincipalKind.User, "victor", None)).Select(p => p.Name));
        Assert.Contains(await new IamOperations(client).ListLocalPoliciesAsync("/marketplaceguard/", None), p => p.Name == "MarketplaceGuard-PaidAmiLauncher");
    }

    /// <summary>Detaches and deletes the sample account's Rule 2 policies, leaving the account as it was before Rule 2.</summary>
    private void WithoutTheSampleRuleTwoPolicies()
    {
        var account = server.Account;
        foreach (var name in new[] { "MarketplaceGuard-PaidAmiLauncher", "MarketplaceGuard-DenyPaidAmiLaunch", "MarketplaceGuard-DenyPaidAmiReplication" })
        {
            var policy = account.RequirePolicy($"arn:aws:iam::111122223333:policy/marketplaceguard/{name}");
            foreach (var principal in account.Users.Cast<FakeIam.FakePrincipal>().Concat(account.Groups).Concat(account.Roles).Where(p => p.IsAttached(policy.Arn)).ToList())
            {
                account.DetachPolicy(principal, policy.Arn);
            }

            account.DeletePolicy(policy);
        }
    }

    private static readonly Dictionary<string, string> OurTag = new() { [AccessPlanner.TagKey] = AccessPlanner.TagValue };

    private static readonly PrincipalRef Victor = new(PrincipalKind.User, "victor");

    [Fact]
    public async Task AnInterruptedRemoveDeletesTheOrphanOnTheNextRun()
    {
        var solo = Buyer.WithPolicyName("Solo");
        await manager.ApplyAsync((await manager.PlanGrantAsync(Victor, solo, None)).Changes, [], None);

        var first = await manager.PlanRemoveAsync(Victor, None);
        Assert.Equal(["detach Solo from user victor", "delete policy Solo (nothing uses it any more)"], first.Changes.Select(c => c.Description));
        server.Faults.FailNext(10, 500, "ServiceFailure", operation: "DeletePolicy");
        var made = new List<string>();
        var failure = await Assert.ThrowsAsync<IamException>(() => manager.ApplyAsync(first.Changes, made, None, Victor));
        Assert.Equal(["detach Solo from user victor"], made);
        Assert.Equal("ServiceFailure", failure.Code);
        Assert.Contains("(while trying to delete policy Solo (nothing uses it any more) for user victor; already changed in this run: detach Solo from user victor)", failure.Message, StringComparison.Ordinal);
        server.Faults.Clear();

        var second = await manager.PlanRemoveAsync(Victor, None);
        Assert.Equal(["delete policy Solo (nothing uses it any more)"], second.Changes.Select(c => c.Description));
        await manager.ApplyAsync(second.Changes, [], None);
        Assert.Empty((await manager.PlanRemoveAsync(Victor, None)).Changes);
        Assert.DoesNotContain(await new IamOperations(client).ListLocalPoliciesAsync("/marketplaceguard/", None), p => p.Name == "Solo");
    }

    [Fact]
    public async Task AnswersThatSayTheChangeIsAlreadyMadeAreConvergedNotFailures()
    {
        var ops = new IamOperations(client);
        var twin = Buyer.WithPolicyName("Twin");

        // Another run created the policy (ours, the template's document) between this run's plan and its write.
        var grant = await manager.PlanGrantAsync(Victor, twin, None);
        await ops.CreatePolicyAsync("Twin", twin.PolicyPath, twin.Document, null, OurTag, None);
        var made = new List<string>();
        await manager.ApplyAsync(grant.Changes, made, None);
        Assert.Equal(["attach Twin to user victor"], made);

        // ... or deleted it after this run planned to.
        var remove = await manager.PlanRemoveAsync(Victor, None);
        await ops.DetachPolicyAsync(IamPrincipalKind.User, "victor", manager.ArnOf(twin), None);
        await ops.DeletePolicyAsync(manager.ArnOf(twin), None);
        made.Clear();
        await manager.ApplyAsync(remove.Changes, made, None);
        Assert.Empty(made);
    }

    [Fact]
    public async Task AVersionLimitReachedBecauseTheNewDefaultLandedIsConverged()
    {
        const string drifted = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"}}""";
        var ops = new IamOperations(client);
        var arn = manager.ArnOf(Buyer);
        foreach (var _ in Enumerable.Range(0, 4))
        {
            await ops.CreatePolicyVersionAsync(arn, drifted, setAsDefault: true, None);
        }

        var plan = await manager.PlanGrantAsync(Procurement, Buyer, None);
        var rotation = plan.Changes.Where(c => c.Kind is ChangeKind.DeletePolicyVersion or ChangeKind.CreatePolicyVersion).ToList();
        Assert.Equal(2, rotation.Count);

        // A concurrent run (or a retry whose reply was lost) already rotated: the oldest is gone, the new default is in.
        await ops.DeletePolicyVersionAsync(arn, rotation[0].VersionId!, None);
        await ops.CreatePolicyVersionAsync(arn, Buyer.Document, setAsDefault: true, None);

        await manager.ApplyAsync(plan.Changes, [], None);
        Assert.Empty((await manager.PlanGrantAsync(Procurement, Buyer, None)).Changes);
        Assert.Equal(5, (await ops.ListPolicyVersionsAsync(arn, None)).Count);
    }

    [Theory]
    [InlineData("CreatePolicyVersion")]
    [InlineData("CreatePolicy")]
    public async Task ACreationWhoseReplyWasLostAfterItLandedIsNotRepeated(string operation)
    {
        const string drifted = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"}}""";
        var ops = new IamOperations(client);
        var template = operation == "CreatePolicy" ? Buyer.WithPolicyName("Fresh") : Buyer;
        if (operation == "CreatePolicyVersion")
        {
            await ops.CreatePolicyVersionAsync(manager.ArnOf(Buyer), drifted, setAsDefault: true, None);
        }

        var principal = operation == "CreatePolicy" ? Victor : Procurement;
        var before = operation == "CreatePolicy" ? 0 : (await ops.ListPolicyVersionsAsync(manager.ArnOf(Buyer), None)).Count;
        var plan = await manager.PlanGrantAsync(principal, template, None);
        server.Faults.DropNextConnection(1, afterProcessing: true, operation: operation);

        var made = new List<string>();
        await manager.ApplyAsync(plan.Changes, made, None, principal);

        Assert.Equal(plan.Changes.Select(c => c.Description), made);
        Assert.Empty((await manager.PlanGrantAsync(principal, template, None)).Changes);
        var versions = await ops.ListPolicyVersionsAsync(manager.ArnOf(template), None);
        Assert.Equal(operation == "CreatePolicy" ? 1 : before + 1, versions.Count);
    }

    [Fact]
    public async Task TwoRunsThatPlannedTheSameSharedChangeBothConverge()
    {
        const string drifted = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"}}""";
        var ops = new IamOperations(client);
        var everyone = new PrincipalRef(PrincipalKind.Group, "Everyone");
        var developers = new PrincipalRef(PrincipalKind.Group, "Developers");
        var deny = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyMarketplace);
        await ops.CreatePolicyVersionAsync(manager.ArnOf(deny), drifted, setAsDefault: true, None);

        // Both runs read the account before either writes: both plan the same new version of the shared deny.
        var first = await manager.PlanRevokeAsync(everyone, RuleOne, None);
        var second = await manager.PlanRevokeAsync(developers, RuleOne, None);
        Assert.Contains(second.Changes, c => c.Kind == ChangeKind.CreatePolicyVersion);
        await manager.ApplyAsync(first.Changes, [], None);
        await manager.ApplyAsync(second.Changes, [], None);

        Assert.Empty((await manager.PlanRevokeAsync(everyone, RuleOne, None)).Changes);
        Assert.Empty((await manager.PlanRevokeAsync(developers, RuleOne, None)).Changes);
        var versions = await ops.ListPolicyVersionsAsync(manager.ArnOf(deny), None);
        var documents = new List<string?>();
        foreach (var version in versions)
        {
            documents.Add((await ops.GetPolicyVersionAsync(manager.ArnOf(deny), version.VersionId, None)).Document);
        }

        Assert.Single(documents, d => AccessPlanner.IsCurrent(deny, d));

        // Two runs that both planned to create a policy: the second finds it made, ours and current, and attaches.
        var brand = Buyer.WithPolicyName("Brand");
        var a = await manager.PlanGrantAsync(Victor, brand, None);
        var b = await manager.PlanGrantAsync(new PrincipalRef(PrincipalKind.User, "sam"), brand, None);
        await manager.ApplyAsync(a.Changes, [], None);
        await manager.ApplyAsync(b.Changes, [], None);
        Assert.Equal(2, (await ops.ListEntitiesForPolicyAsync(manager.ArnOf(brand), None)).Count);
    }
}
