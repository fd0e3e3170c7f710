using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Changes;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Engine.Principals;
using MarketplaceGuard.Engine.Templates;
using Xunit.Abstractions;
using FakeIamAccount = MarketplaceGuard.FakeIam.FakeIamAccount;
using FakeIamServer = MarketplaceGuard.FakeIam.FakeIamServer;

namespace MarketplaceGuard.Tests.Changes;

/// <summary>
/// Every change, killed after each of its writes (the process dies: the next write never leaves), then run again:
/// the second run converges and a third plans no write. Fresh, and with the policy drifted to IAM's five versions.
/// </summary>
public sealed class KillPointConvergenceTests
{
    private static readonly PolicyTemplate Buyer = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.Procurement);
    private static readonly PolicyTemplate Viewer = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.BillingViewer);
    private static readonly PolicyTemplate Deny = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyMarketplace);
    private static readonly PolicyTemplate Launcher = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.PaidAmiLauncher);
    private static readonly PolicyTemplate DenyReplication = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyPaidAmiReplication);
    private static readonly string[] WriteActions = ["CreatePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "DeletePolicy", "TagPolicy", "AttachUserPolicy", "AttachGroupPolicy", "AttachRolePolicy", "DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy"];
    private const string Drifted = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"}}""";
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly int[] RuleOne = [1];
    private static readonly int[] RuleTwo = [2];
    private static readonly int[] BothRules = [1, 2];

    private readonly ITestOutputHelper output;

    public KillPointConvergenceTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Theory]
    [InlineData("grant user victor", false)]
    [InlineData("grant user victor", true)]
    [InlineData("grant new policy to user victor", false)]
    [InlineData("view group Developers", false)]
    [InlineData("view group Developers", true)]
    [InlineData("revoke user dave", false)]
    [InlineData("revoke user dave", true)]
    [InlineData("remove group Procurement", false)]
    [InlineData("remove group Procurement", true)]
    [InlineData("remove group Everyone", true)]
    [InlineData("launch user victor", false)]
    [InlineData("launch user victor", true)]
    [InlineData("revoke both user dave", false)]
    [InlineData("revoke both user dave", true)]
    [InlineData("remove launcher user victor", false)]
    public async Task ConvergesAfterAKillAtEveryWrite(string change, bool drifted)
    {
        var killPoints = 0;
        for (var kill = 0; ; kill++)
        {
            using var server = FakeIamServer.Start(FakeIamAccount.LoadAuthorizationDetailsFile(Path.Combine(AppContext.BaseDirectory, "Examples", "sample-account.json")));
            await PrepareAsync(server, change, drifted);

            var killer = new KillAfterWrites(kill);
            bool completed;
            using (var dying = Client(server, killer))
            {
                try
                {
                    await RunAsync(dying, change);
                    completed = true;
                }
                catch (IamException)
                {
                    completed = false;
                }
            }

            using var client = Client(server, null);
            await RunAsync(client, change);
            var counter = new KillAfterWrites(int.MaxValue);
            using (var third = Client(server, counter))
            {
                Assert.Empty(await PlanAsync(third, change));
                await RunAsync(third, change);
            }

            Assert.Equal(0, counter.Writes);
            await AssertVersionsSaneAsync(client);
            if (completed)
            {
                output.WriteLine($"{change}{(drifted ? " (5 drifted versions)" : string.Empty)}: {killPoints} kill points, all converged.");
                Assert.True(killPoints > 0);
                return;
            }

            killPoints++;
        }
    }

    [Fact]
    public async Task TwoRunsAtOnceOnDifferentGroupsBothConverge()
    {
        for (var repeat = 0; repeat < 10; repeat++)
        {
            using var server = FakeIamServer.Start(FakeIamAccount.LoadAuthorizationDetailsFile(Path.Combine(AppContext.BaseDirectory, "Examples", "sample-account.json")));
            await PrepareAsync(server, "revoke user dave", drifted: true);
            using var one = Client(server, null);
            using var two = Client(server, null);

            // Each run reads, plans and writes on its own: they race for the shared deny's new version.
            await Task.WhenAll(
                Task.Run(async () => await Manager(one).ApplyAsync((await Manager(one).PlanRevokeAsync(Group("Developers"), RuleOne, None)).Changes, [], None)),
                Task.Run(async () => await Manager(two).ApplyAsync((await Manager(two).PlanRevokeAsync(User("victor"), RuleOne, None)).Changes, [], None)));

            Assert.Empty((await Manager(one).PlanRevokeAsync(Group("Developers"), RuleOne, None)).Changes);
            Assert.Empty((await Manager(one).PlanRevokeAsync(User("victor"), RuleOne, None)).Changes);
            await AssertVersionsSaneAsync(one);
        }
    }

    // The account as the module left it (every policy tagged as ours), then drifted to five versions when asked.
    private static async Task PrepareAsync(FakeIamServer server, string change, bool drifted)
    {
        using var client = Client(server, null);
        var manager = Manager(client);
        foreach (var (principal, template) in new[] { (Group("Procurement"), Buyer), (Group("Billing"), Viewer) })
        {
            await manager.ApplyAsync((await manager.PlanGrantAsync(principal, template, None)).Changes, [], None);
        }

        await manager.ApplyAsync((await manager.PlanRevokeAsync(Group("Everyone"), RuleOne, None)).Changes, [], None);

        // Rule 2: the denies on Everyone and on victor (a launcher grant detaches his), and a launcher to remove.
        if (change.Contains("launch", StringComparison.Ordinal) || change.Contains("both", StringComparison.Ordinal))
        {
            await manager.ApplyAsync((await manager.PlanRevokeAsync(Group("Everyone"), RuleTwo, None)).Changes, [], None);
            await manager.ApplyAsync((await manager.PlanRevokeAsync(User("victor"), RuleTwo, None)).Changes, [], None);
            if (drifted || change.StartsWith("remove launcher", StringComparison.Ordinal))
            {
                await manager.ApplyAsync((await manager.PlanGrantAsync(User("sam"), Launcher, None)).Changes, [], None);
            }
        }

        if (change.StartsWith("remove launcher", StringComparison.Ordinal))
        {
            await manager.ApplyAsync((await manager.PlanGrantAsync(User("victor"), Launcher, None)).Changes, [], None);
            await manager.ApplyAsync((await manager.PlanRemoveAsync(User("sam"), None)).Changes, [], None);
        }

        if (drifted)
        {
            var template = change switch
            {
                _ when change.StartsWith("view", StringComparison.Ordinal) => Viewer,
                _ when change.StartsWith("launch", StringComparison.Ordinal) => Launcher,
                _ when change.Contains("both", StringComparison.Ordinal) => DenyReplication,
                _ when change.Contains("Everyone", StringComparison.Ordinal) || change.StartsWith("revoke", StringComparison.Ordinal) => Deny,
                _ => Buyer,
            };
            var ops = new IamOperations(client);
            for (var i = 0; i < 4; i++)
            {
                await ops.CreatePolicyVersionAsync(manager.ArnOf(template), Drifted.Replace("*\"}", $"*\",\"Sid\":\"d{i}\"}}", StringComparison.Ordinal), setAsDefault: true, None);
            }
        }
    }

    private static async Task<IReadOnlyList<PlannedChange>> PlanAsync(IamClient client, string change)
    {
        var manager = Manager(client);
        return change switch
        {
            "grant user victor" => (await manager.PlanGrantAsync(User("victor"), Buyer, None)).Changes,
            "grant new policy to user victor" => (await manager.PlanGrantAsync(User("victor"), Buyer.WithPolicyName("Brand"), None)).Changes,
            "view group Developers" => (await manager.PlanGrantAsync(Group("Developers"), Viewer, None)).Changes,
            "revoke user dave" => (await manager.PlanRevokeAsync(User("dave"), RuleOne, None)).Changes,
            "launch user victor" => (await manager.PlanGrantAsync(User("victor"), Launcher, None)).Changes,
            "revoke both user dave" => (await manager.PlanRevokeAsync(User("dave"), BothRules, None)).Changes,
            "remove launcher user victor" => (await manager.PlanRemoveAsync(User("victor"), None)).Changes,
            "remove group Procurement" => (await manager.PlanRemoveAsync(Group("Procurement"), None)).Changes,
            _ => (await manager.PlanRemoveAsync(Group("Everyone"), None)).Changes,
        };
    }

    private static async Task RunAsync(IamClient client, string change) =>
        await Manager(client).ApplyAsync(await PlanAsync(client, change), [], None);

    // Never more than IAM's five versions, never two with the same document, and no policy of ours left unused.
    private static async Task AssertVersionsSaneAsync(IamClient client)
    {
        var ops = new IamOperations(client);
        foreach (var policy in await ops.ListLocalPoliciesAsync("/marketplaceguard/", None))
        {
            Assert.True(policy.AttachmentCount > 0, $"{policy.Name} is left behind, attached to nothing");
            var versions = await ops.ListPolicyVersionsAsync(policy.Arn, None);
            Assert.InRange(versions.Count, 1, 5);
            var documents = new List<string>();
            foreach (var version in versions)
            {
                documents.Add((await ops.GetPolicyVersionAsync(policy.Arn, version.VersionId, None)).Document ?? string.Empty);
            }

            Assert.Equal(documents.Count, documents.Distinct(StringComparer.Ordinal).Count());
        }
    }

    private static AccessManager Manager(IamClient client) =>
        new(new IamOperations(client), "aws", "111122223333") { ConsistencyDelay = TimeSpan.FromMilliseconds(1) };

    private static IamClient Client(FakeIamServer server, KillAfterWrites? killer)
    {
        var connection = AwsConnection.Resolve(new AwsConnectionRequest
        {
            AccessKey = "AKIAKILLPOINTS000000",
            SecretKey = "kill-secret",
            EndpointUrl = server.Url.ToString(),
            Environment = new Dictionary<string, string?>(),
        });
        var retry = new IamRetryPolicy { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) };
        return killer is null ? new IamClient(connection, retry) : new IamClient(connection, retry, killer);
    }

    private static PrincipalRef User(string name) => new(PrincipalKind.User, name);

    private static PrincipalRef Group(string name) => new(PrincipalKind.Group, name);

    /// <summary>Lets <c>limit</c> writes through, then no more (the process died); counts the writes it let through.</summary>
    private sealed class KillAfterWrites : DelegatingHandler
    {
        private readonly int limit;

        public KillAfterWrites(int limit)
            : base(new HttpClientHandler())
        {
            this.limit = limit;
        }

        public int Writes { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var action = body.Split('&').Select(p => p.Split('=')).FirstOrDefault(p => p[0] == "Action")?[1];
            if (action is not null && WriteActions.Contains(action))
            {
                if (Writes >= limit)
                {
                    throw new HttpRequestException("killed: the process ended before this write");
                }

                Writes++;
            }

            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
