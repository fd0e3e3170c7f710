using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Aws.Snapshots;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using FakeIamAccount = MarketplaceGuard.FakeIam.FakeIamAccount;
using FakeIamServer = MarketplaceGuard.FakeIam.FakeIamServer;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>The typed IAM operations and the export, against the fake IAM endpoint on 127.0.0.1.</summary>
public sealed class IamOperationsTests : IDisposable
{
    private const string Document = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:ViewSubscriptions","Resource":"*"}]}""";
    private static readonly IamRetryPolicy Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };

    private readonly FakeIamServer server;
    private readonly IamClient client;
    private readonly IamOperations iam;

    public IamOperationsTests()
    {
        var account = FakeIamAccount.LoadAuthorizationDetailsFile(Path.Combine(AppContext.BaseDirectory, "Examples", "sample-account.json"));
        server = FakeIamServer.Start(account);
        var connection = AwsConnection.Resolve(new AwsConnectionRequest
        {
            AccessKey = "AKIAOPERATIONSTEST00",
            SecretKey = "operations-secret",
            EndpointUrl = server.Url.ToString(),
            Environment = new Dictionary<string, string?>(),
        });
        client = new IamClient(connection, Fast);
        iam = new IamOperations(client);
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task CreatesAPolicyAndReadsItBack()
    {
        var created = await iam.CreatePolicyAsync("MarketplaceGuard-BillingViewer2", "/marketplaceguard/", Document, "view only", new Dictionary<string, string> { ["managed-by"] = "MarketplaceGuard" }, None);

        Assert.Equal("arn:aws:iam::111122223333:policy/marketplaceguard/MarketplaceGuard-BillingViewer2", created.Arn);
        Assert.Equal("v1", created.DefaultVersionId);
        var version = await iam.GetPolicyVersionAsync(created.Arn, "v1", None);
        Assert.True(version.IsDefault);
        Assert.Equal(Document, version.Document);
        Assert.Equal("MarketplaceGuard", (await iam.GetPolicyAsync(created.Arn, None)).Tags["managed-by"]);
        Assert.Contains(await iam.ListLocalPoliciesAsync("/marketplaceguard/", None), p => p.Arn == created.Arn);
    }

    [Fact]
    public async Task TheSixthVersionIsALimitErrorThatIsNotRetried()
    {
        var policy = await iam.CreatePolicyAsync("Rotating", "/", Document, null, new Dictionary<string, string>(), None);
        for (var i = 0; i < 4; i++)
        {
            await iam.CreatePolicyVersionAsync(policy.Arn, Document, setAsDefault: true, None);
        }

        server.Requests.Clear();
        var e = await Assert.ThrowsAsync<IamException>(() => iam.CreatePolicyVersionAsync(policy.Arn, Document, setAsDefault: true, None));

        Assert.Equal("LimitExceeded", e.Code);
        Assert.Equal(409, e.StatusCode);
        Assert.Single(server.Requests.ForOperation("CreatePolicyVersion"));
        Assert.Equal(5, (await iam.ListPolicyVersionsAsync(policy.Arn, None)).Count);
    }

    [Fact]
    public async Task AttachesListsAndDetaches()
    {
        const string arn = "arn:aws:iam::111122223333:policy/marketplaceguard/MarketplaceGuard-BillingViewer";

        await iam.AttachPolicyAsync(IamPrincipalKind.User, "victor", arn, None);

        Assert.Contains(await iam.ListAttachedPoliciesAsync(IamPrincipalKind.User, "victor", None), p => p.Arn == arn);
        var entities = await iam.ListEntitiesForPolicyAsync(arn, None);
        Assert.Contains(entities, e => e.Kind == IamPrincipalKind.User && e.Name == "victor");
        Assert.Contains(entities, e => e.Kind == IamPrincipalKind.Group && e.Name == "Billing");
        await iam.DetachPolicyAsync(IamPrincipalKind.User, "victor", arn, None);
        Assert.DoesNotContain(await iam.ListAttachedPoliciesAsync(IamPrincipalKind.User, "victor", None), p => p.Arn == arn);
    }

    [Fact]
    public async Task ExportThroughThrottlingGivesTheAccountsExactFindings()
    {
        server.Faults.ThrottleNext(2, operation: "GetAccountAuthorizationDetails");
        using var exported = new MemoryStream();

        await AuthorizationDetailsExporter.ExportAsync(client, exported, None);

        exported.Position = 0;
        var live = Audit(SnapshotLoader.Load(exported, "live", isFile: false));
        var offline = Audit(SnapshotLoader.Load(Path.Combine(AppContext.BaseDirectory, "Examples", "sample-account.json")));
        Assert.Equal(offline, live);
        Assert.Equal(3, server.Requests.ForOperation("GetAccountAuthorizationDetails").Count);
    }

    [Fact]
    public async Task SignsWithTheGivenAccessKey()
    {
        await iam.ListAttachedPoliciesAsync(IamPrincipalKind.User, "pat", None);

        Assert.All(server.Requests.Snapshot(), r => Assert.Equal("AKIAOPERATIONSTEST00", r.AccessKeyId));
    }

    private static string[] Audit(AuthorizationSnapshot snapshot)
    {
        var account = Account.Build(snapshot);
        var run = new LeastPrivilegeAudit().Run(account, account.Resolve(["Procurement"], out _), account.Resolve(["Billing"], out _), [], new DateOnly(2026, 11, 27));
        return run.Findings.Select(f => $"{f.RuleId} {f.PrincipalArn} {f.Reason}").Order(StringComparer.Ordinal).ToArray();
    }
}
