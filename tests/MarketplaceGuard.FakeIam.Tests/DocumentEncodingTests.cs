using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>Policy documents go out URL-encoded (RFC 3986), as IAM returns them, and come back to the same text.</summary>
public sealed class DocumentEncodingTests : IDisposable
{
    private const string Document =
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Sid\": \"Café+1\", \"Effect\": \"Allow\", \"Action\": \"aws-marketplace:View*\"," +
        " \"Resource\": \"*\", \"Condition\": {\"StringLike\": {\"aws:PrincipalTag/team\": \"a&b=c ~'!()\"}}}]\n}";

    private readonly FakeIamServer server = FakeIamServer.Start(new FakeIamAccount());
    private readonly IamTestClient client;

    public DocumentEncodingTests()
    {
        client = new IamTestClient(server);
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    [Fact]
    public async Task GetPolicyVersionReturnsTheDocumentUrlEncodedPerRfc3986()
    {
        var created = await client.CallAsync("CreatePolicy", ("PolicyName", "Encoded"), ("PolicyDocument", Document));
        created.AssertOk();

        var version = await client.CallAsync("GetPolicyVersion", ("PolicyArn", created.Value("Arn")!), ("VersionId", "v1"));

        var encoded = version.Value("Document")!;
        Assert.Equal(Uri.EscapeDataString(Document), encoded);
        Assert.Contains("%2A", encoded);
        Assert.Contains("%20", encoded);
        Assert.Contains("%2B", encoded);
        Assert.Contains("%0A", encoded);
        Assert.Contains("%C3%A9", encoded); // é as UTF-8
        Assert.Contains("~", encoded); // unreserved characters stay
        Assert.DoesNotContain("*", encoded);
        Assert.DoesNotContain("'", encoded);
        Assert.DoesNotContain("(", encoded);
        Assert.Equal(Document, Uri.UnescapeDataString(encoded));
        Assert.Equal("true", version.Value("IsDefaultVersion"));
    }

    [Fact]
    public async Task AuthorizationDetailsEncodeManagedInlineAndTrustDocuments()
    {
        var account = server.Account;
        account.CreatePolicy("Managed", Document);
        var role = account.AddRole("Buyer", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""");
        account.PutInlinePolicy(role, "Inline", Document);

        var reply = await client.CallAsync("GetAccountAuthorizationDetails");

        Assert.Equal(Document, Uri.UnescapeDataString(reply.Value("Document")!));
        Assert.Equal(Document, Uri.UnescapeDataString(reply.Value("PolicyDocument")!));
        Assert.Equal(role.AssumeRolePolicyDocument, Uri.UnescapeDataString(reply.Value("AssumeRolePolicyDocument")!));
        Assert.DoesNotContain("{", reply.Value("AssumeRolePolicyDocument"));
    }

    [Fact]
    public async Task FormValuesAreDecodedWithPlusAsSpace()
    {
        var body = "Action=CreatePolicy&Version=2010-05-08&PolicyName=Plus&Description=two+words%2Bplus&PolicyDocument="
            + Uri.EscapeDataString(TestData.AllowView);
        using var request = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Post, "/")
        {
            Content = new System.Net.Http.StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };

        (await client.SendAsync(request)).AssertOk();

        Assert.Equal("two words+plus", server.Account.Policies.Single().Description);
        Assert.Equal(TestData.AllowView, server.Account.Policies.Single().DefaultVersion.Document);
    }

    [Fact]
    public void SnapshotDocumentsLoadFromObjectsAndFromUrlEncodedStrings()
    {
        var account = TestData.SampleAccount();

        var fromString = account.Policies.Single(p => p.Name == "MarketplaceGuard-BillingViewer").DefaultVersion.Document;
        var fromObject = account.Policies.Single(p => p.Name == "DevBoundary").DefaultVersion.Document;

        Assert.Equal("ViewMarketplaceSubscriptions", JsonNode.Parse(fromString)!["Statement"]![0]!["Sid"]!.GetValue<string>());
        Assert.Equal("DeveloperServices", JsonNode.Parse(fromObject)!["Statement"]![0]!["Sid"]!.GetValue<string>());
        Assert.DoesNotContain("\n", fromObject); // objects are kept as compact JSON
    }
}
