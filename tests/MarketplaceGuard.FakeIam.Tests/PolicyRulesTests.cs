using System;
using System.Linq;
using System.Threading.Tasks;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>Managed policy rules: unique names, the 5-version limit, default versions, deleting, size and grammar.</summary>
public sealed class PolicyRulesTests : IDisposable
{
    private readonly FakeIamServer server = FakeIamServer.Start(new FakeIamAccount());
    private readonly IamTestClient client;

    public PolicyRulesTests()
    {
        client = new IamTestClient(server);
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    [Fact]
    public async Task CreatePolicyReturnsThePolicyWithVersionOneAsDefault()
    {
        var reply = await client.CallAsync("CreatePolicy", ("PolicyName", "Procurement"), ("Path", "/marketplaceguard/"),
            ("PolicyDocument", TestData.AllowView), ("Description", "Buyers"), ("Tags.member.1.Key", "owner"), ("Tags.member.1.Value", "procurement"));

        reply.AssertOk();
        Assert.Equal("arn:aws:iam::111122223333:policy/marketplaceguard/Procurement", reply.Value("Arn"));
        Assert.Matches("^ANPA[A-Z2-7]{17}$", reply.Value("PolicyId"));
        Assert.Equal("v1", reply.Value("DefaultVersionId"));
        Assert.Equal("0", reply.Value("AttachmentCount"));
        Assert.Equal("true", reply.Value("IsAttachable"));
        Assert.Equal("Buyers", reply.Value("Description"));
        Assert.Equal("procurement", reply.Value("Value"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", reply.Value("CreateDate"));
        var policy = Assert.Single(server.Account.Policies);
        Assert.Equal(TestData.AllowView, policy.DefaultVersion.Document);
    }

    [Theory]
    [InlineData("procurement")]
    [InlineData("PROCUREMENT")]
    [InlineData("Procurement")]
    public async Task PolicyNamesAreUniqueCaseInsensitivelyAcrossPaths(string secondName)
    {
        (await client.CallAsync("CreatePolicy", ("PolicyName", "Procurement"), ("PolicyDocument", TestData.AllowView))).AssertOk();

        var reply = await client.CallAsync("CreatePolicy", ("PolicyName", secondName), ("Path", "/other/"), ("PolicyDocument", TestData.AllowView));

        reply.AssertError(409, "EntityAlreadyExists", $"A policy called {secondName} already exists. Duplicate names are not allowed.");
        Assert.Single(server.Account.Policies);
    }

    [Fact]
    public async Task UserGroupAndRoleNamesAreUniqueAndFoundCaseInsensitively()
    {
        var account = server.Account;
        account.AddUser("alice");
        account.AddGroup("Procurement");
        account.AddRole("Buyer", "{}");

        var user = await client.CallAsync("GetUser", ("UserName", "ALICE"));
        var role = await client.CallAsync("GetRole", ("RoleName", "buyer"));
        var group = await client.CallAsync("CreateGroup", ("GroupName", "procurement"));

        Assert.Equal("alice", user.Value("UserName"));
        Assert.Equal("Buyer", role.Value("RoleName"));
        group.AssertError(409, "EntityAlreadyExists", "Group with name procurement already exists.");
        Assert.Equal("EntityAlreadyExists", Assert.Throws<IamException>(() => account.AddUser("Alice")).Code);
        Assert.Equal("EntityAlreadyExists", Assert.Throws<IamException>(() => account.AddRole("BUYER", "{}")).Code);
        account.AddGroup("alice"); // names are unique per entity type only
    }

    [Fact]
    public void IdsAndArnsAreFormedLikeIams()
    {
        var account = new FakeIamAccount();
        var user = account.AddUser("alice", "/staff/");
        var group = account.AddGroup("buyers");
        var role = account.AddRole("deploy", "{}");
        var policy = account.CreatePolicy("p", TestData.AllowView);
        var aws = account.AddAwsManagedPolicy("ViewOnlyAccess", TestData.AllowView, "/job-function/");

        Assert.Matches("^AIDA[A-Z2-7]{17}$", user.Id);
        Assert.Matches("^AGPA[A-Z2-7]{17}$", group.Id);
        Assert.Matches("^AROA[A-Z2-7]{17}$", role.Id);
        Assert.Matches("^ANPA[A-Z2-7]{17}$", policy.Id);
        Assert.Equal("arn:aws:iam::111122223333:user/staff/alice", user.Arn);
        Assert.Equal("arn:aws:iam::111122223333:group/buyers", group.Arn);
        Assert.Equal("arn:aws:iam::111122223333:role/deploy", role.Arn);
        Assert.Equal("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", aws.Arn);
        Assert.Equal(user.Id, new FakeIamAccount().AddUser("alice", "/staff/").Id); // seeded: the same on every run
    }

    [Fact]
    public async Task AManagedPolicyHasAtMostFiveVersions()
    {
        var arn = await CreatePolicyAsync("Versions");
        for (var i = 2; i <= 5; i++)
        {
            var created = await client.CallAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", TestData.Document($"V{i}")));
            created.AssertOk();
            Assert.Equal($"v{i}", created.Value("VersionId"));
            Assert.Equal("false", created.Value("IsDefaultVersion"));
            Assert.Null(created.Value("Document"));
        }

        var sixth = await client.CallAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", TestData.Document("V6")));

        sixth.AssertError(409, "LimitExceeded",
            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.");
        Assert.Equal(5, server.Account.FindPolicy(arn)!.Versions.Count);

        (await client.CallAsync("DeletePolicyVersion", ("PolicyArn", arn), ("VersionId", "v2"))).AssertOk();
        var next = await client.CallAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", TestData.Document("V6")));
        Assert.Equal("v6", next.Value("VersionId")); // version ids are never reused
    }

    [Fact]
    public async Task TheDefaultVersionCannotBeDeletedUntilAnotherIsDefault()
    {
        var arn = await CreatePolicyAsync("Defaults");
        var v2 = await client.CallAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", TestData.Document("Two")), ("SetAsDefault", "true"));
        Assert.Equal("true", v2.Value("IsDefaultVersion"));

        var deleteDefault = await client.CallAsync("DeletePolicyVersion", ("PolicyArn", arn), ("VersionId", "v2"));
        deleteDefault.AssertError(409, "DeleteConflict", "Cannot delete the default version of a policy.");

        (await client.CallAsync("SetDefaultPolicyVersion", ("PolicyArn", arn), ("VersionId", "v1"))).AssertOk();
        var policy = await client.CallAsync("GetPolicy", ("PolicyArn", arn));
        Assert.Equal("v1", policy.Value("DefaultVersionId"));
        var versions = await client.CallAsync("ListPolicyVersions", ("PolicyArn", arn));
        Assert.Equal(new[] { "false", "true" }, versions.Members("Versions").Select(v => v.Element(v.Name.Namespace + "IsDefaultVersion")!.Value));

        (await client.CallAsync("DeletePolicyVersion", ("PolicyArn", arn), ("VersionId", "v2"))).AssertOk();
        var missing = await client.CallAsync("GetPolicyVersion", ("PolicyArn", arn), ("VersionId", "v2"));
        missing.AssertError(404, "NoSuchEntity", $"Policy {arn} version v2 does not exist or is not attachable.");
        var setMissing = await client.CallAsync("SetDefaultPolicyVersion", ("PolicyArn", arn), ("VersionId", "v9"));
        setMissing.AssertError(404, "NoSuchEntity");
        var badId = await client.CallAsync("GetPolicyVersion", ("PolicyArn", arn), ("VersionId", "2"));
        badId.AssertError(400, "ValidationError");
    }

    [Fact]
    public async Task DeletePolicyConflictsWhileAttachedOrWithOtherVersions()
    {
        var arn = await CreatePolicyAsync("Doomed");
        server.Account.AddGroup("Buyers");
        (await client.CallAsync("AttachGroupPolicy", ("GroupName", "Buyers"), ("PolicyArn", arn))).AssertOk();
        (await client.CallAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", TestData.Document("Two")))).AssertOk();

        var attached = await client.CallAsync("DeletePolicy", ("PolicyArn", arn));
        attached.AssertError(409, "DeleteConflict", "Cannot delete a policy attached to entities.");

        (await client.CallAsync("DetachGroupPolicy", ("GroupName", "Buyers"), ("PolicyArn", arn))).AssertOk();
        var versions = await client.CallAsync("DeletePolicy", ("PolicyArn", arn));
        versions.AssertError(409, "DeleteConflict");

        (await client.CallAsync("DeletePolicyVersion", ("PolicyArn", arn), ("VersionId", "v2"))).AssertOk();
        (await client.CallAsync("DeletePolicy", ("PolicyArn", arn))).AssertOk();
        (await client.CallAsync("GetPolicy", ("PolicyArn", arn))).AssertError(404, "NoSuchEntity", $"Policy {arn} was not found.");
    }

    [Fact]
    public async Task ABoundaryUseAlsoBlocksDeletePolicy()
    {
        var arn = await CreatePolicyAsync("Boundary");
        server.Account.AddUser("carol").PermissionsBoundaryArn = arn;

        (await client.CallAsync("DeletePolicy", ("PolicyArn", arn))).AssertError(409, "DeleteConflict");
        Assert.Equal("1", (await client.CallAsync("GetPolicy", ("PolicyArn", arn))).Value("PermissionsBoundaryUsageCount"));
    }

    [Fact]
    public async Task ADocumentOverTheSizeQuotaIsLimitExceededAndWhitespaceDoesNotCount()
    {
        string DocumentOfSize(int size, string padding)
        {
            var prefix = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:ViewSubscriptions","Resource":"*","Sid":" """.TrimEnd();
            var suffix = "\"}]}";
            return prefix + new string('A', size - prefix.Length - suffix.Length) + suffix + padding;
        }

        var exact = DocumentOfSize(6144, new string(' ', 500));
        var over = DocumentOfSize(6145, string.Empty);

        (await client.CallAsync("CreatePolicy", ("PolicyName", "Exact"), ("PolicyDocument", exact))).AssertOk();
        var tooBig = await client.CallAsync("CreatePolicy", ("PolicyName", "Over"), ("PolicyDocument", over));
        tooBig.AssertError(409, "LimitExceeded", "Cannot exceed quota for PolicySize: 6144");
        var tooBigVersion = await client.CallAsync("CreatePolicyVersion", ("PolicyArn", TestData.CustomerPolicyArn("Exact")), ("PolicyDocument", over));
        tooBigVersion.AssertError(409, "LimitExceeded", "Cannot exceed quota for PolicySize: 6144");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"Version":"2012-10-17"}""")]
    [InlineData("""{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Action":"*","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}],"Extra":1}""")]
    public async Task AMalformedDocumentIsRejected(string document)
    {
        var create = await client.CallAsync("CreatePolicy", ("PolicyName", "Bad"), ("PolicyDocument", document));

        create.AssertError(400, "MalformedPolicyDocument");
        Assert.Empty(server.Account.Policies);
    }

    [Theory]
    [InlineData("""{"Statement":{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:s3:::x"}}""")]
    [InlineData("""{"Version":"2008-10-17","Id":"x","Statement":[{"Effect":"Allow","Action":["a:b"],"Resource":["*"]}]}""")]
    public async Task WellFormedDocumentsAreAccepted(string document)
    {
        (await client.CallAsync("CreatePolicy", ("PolicyName", "Good"), ("PolicyDocument", document))).AssertOk();
    }

    [Fact]
    public async Task AwsManagedPoliciesCannotBeChanged()
    {
        var aws = server.Account.AddAwsManagedPolicy("ViewOnlyAccess", TestData.AllowView, "/job-function/");

        var version = await client.CallAsync("CreatePolicyVersion", ("PolicyArn", aws.Arn), ("PolicyDocument", TestData.AllowView));
        var delete = await client.CallAsync("DeletePolicy", ("PolicyArn", aws.Arn));

        version.AssertError(403, "AccessDenied");
        delete.AssertError(403, "AccessDenied");
        Assert.Contains(aws, server.Account.Policies);
    }

    [Fact]
    public async Task ListPoliciesFiltersByScopePathAndAttachment()
    {
        var account = server.Account;
        account.AddAwsManagedPolicy("ViewOnlyAccess", TestData.AllowView, "/job-function/");
        account.CreatePolicy("A", TestData.AllowView, "/marketplaceguard/");
        var b = account.CreatePolicy("B", TestData.AllowView);
        account.AttachPolicy(account.AddUser("u"), b.Arn);

        async Task<string[]> NamesAsync(params (string, string)[] parameters) =>
            (await client.CallAsync("ListPolicies", parameters)).Members("Policies").Select(p => p.Element(p.Name.Namespace + "PolicyName")!.Value).ToArray();

        Assert.Equal(new[] { "ViewOnlyAccess", "A", "B" }, await NamesAsync());
        Assert.Equal(new[] { "ViewOnlyAccess" }, await NamesAsync(("Scope", "AWS")));
        Assert.Equal(new[] { "A", "B" }, await NamesAsync(("Scope", "Local")));
        Assert.Equal(new[] { "A" }, await NamesAsync(("PathPrefix", "/marketplaceguard/")));
        Assert.Equal(new[] { "B" }, await NamesAsync(("OnlyAttached", "true")));
        (await client.CallAsync("ListPolicies", ("Scope", "Mine"))).AssertError(400, "ValidationError");
    }

    private async Task<string> CreatePolicyAsync(string name)
    {
        var reply = await client.CallAsync("CreatePolicy", ("PolicyName", name), ("PolicyDocument", TestData.Document("V1")));
        reply.AssertOk();
        return reply.Value("Arn")!;
    }
}
