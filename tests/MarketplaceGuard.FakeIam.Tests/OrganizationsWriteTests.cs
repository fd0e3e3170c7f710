using System;
using System.Linq;
using System.Threading.Tasks;
using MarketplaceGuard.FakeIam.Organizations;
using static MarketplaceGuard.FakeIam.Tests.TestOrganizations;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>Organizations' policy writes and tags: each operation's effect, as the reads then see it, and its errors.</summary>
public sealed class OrganizationsWriteTests : IDisposable
{
    private const string Scp = """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"aws-marketplace:Subscribe","Resource":"*"}]}""";
    private readonly FakeIamServer server = FakeIamServer.Start(Build());
    private readonly AwsTestClient client;

    public OrganizationsWriteTests()
    {
        client = new AwsTestClient(server);
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    private async Task<string> CreateAsync(string name = "MarketplaceGuard-Rule1", string content = Scp)
    {
        var reply = await client.OrganizationsAsync("CreatePolicy", new
        {
            Content = content,
            Description = "Only procurement subscribes",
            Name = name,
            Type = "SERVICE_CONTROL_POLICY",
            Tags = new[] { new { Key = "managed-by", Value = "MarketplaceGuard" } },
        });
        reply.AssertOk();
        return reply.Json.GetProperty("Policy").GetProperty("PolicySummary").GetProperty("Id").GetString()!;
    }

    [Fact]
    public async Task CreatePolicyIsListedDescribedAndTagged()
    {
        var id = await CreateAsync();

        var listed = await client.OrganizationsAsync("ListPolicies", new { Filter = "SERVICE_CONTROL_POLICY" });
        Assert.Contains(id, listed.Ids("Policies"));
        var described = await client.OrganizationsAsync("DescribePolicy", new { PolicyId = id });
        Assert.Equal(Scp, described.Json.GetProperty("Policy").GetProperty("Content").GetString());
        Assert.Equal("Only procurement subscribes", described.Json.GetProperty("Policy").GetProperty("PolicySummary").GetProperty("Description").GetString());
        var tags = await client.OrganizationsAsync("ListTagsForResource", new { ResourceId = id });
        var tag = tags.Json.GetProperty("Tags").EnumerateArray().Single();
        Assert.Equal(("managed-by", "MarketplaceGuard"), (tag.GetProperty("Key").GetString(), tag.GetProperty("Value").GetString()));
    }

    [Fact]
    public async Task CreatePolicyRefusesADuplicateNameATooLongDocumentAndAMalformedOne()
    {
        await CreateAsync();

        var duplicate = await client.OrganizationsAsync("CreatePolicy", new { Content = Scp, Description = "", Name = "MarketplaceGuard-Rule1", Type = "SERVICE_CONTROL_POLICY" });
        var tooLong = await client.OrganizationsAsync("CreatePolicy", new { Content = Scp.Replace("\"*\"", "\"*\"" + new string(' ', 5200), StringComparison.Ordinal), Description = "", Name = "Big", Type = "SERVICE_CONTROL_POLICY" });
        var malformed = await client.OrganizationsAsync("CreatePolicy", new { Content = "{not json", Description = "", Name = "Bad", Type = "SERVICE_CONTROL_POLICY" });
        var noDescription = await client.OrganizationsAsync("CreatePolicy", new { Content = Scp, Name = "NoDescription", Type = "SERVICE_CONTROL_POLICY" });

        duplicate.AssertError("DuplicatePolicyException");
        tooLong.AssertError("ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED");
        malformed.AssertError("MalformedPolicyDocumentException");
        noDescription.AssertError("InvalidInputException", "INPUT_REQUIRED");
    }

    [Fact]
    public async Task UpdatePolicyChangesContentAndDescriptionOnly()
    {
        var id = await CreateAsync();
        var changed = Scp.Replace("Subscribe", "Unsubscribe", StringComparison.Ordinal);

        (await client.OrganizationsAsync("UpdatePolicy", new { PolicyId = id, Content = changed })).AssertOk();
        (await client.OrganizationsAsync("UpdatePolicy", new { PolicyId = id, Description = "new words" })).AssertOk();

        var policy = server.Organizations.Organization!.FindPolicy(id)!;
        Assert.Equal((changed, "new words", "MarketplaceGuard-Rule1"), (policy.Content, policy.Description, policy.Name));
        (await client.OrganizationsAsync("UpdatePolicy", new { PolicyId = "p-nosuchpolicy" })).AssertError("PolicyNotFoundException");
        (await client.OrganizationsAsync("UpdatePolicy", new { PolicyId = FakeOrganization.FullAwsAccessId, Content = Scp })).AssertError("AccessDeniedException");
    }

    [Fact]
    public async Task AttachAndDetachChangeWhatTheReadsSee()
    {
        var id = await CreateAsync();

        (await client.OrganizationsAsync("AttachPolicy", new { PolicyId = id, TargetId = Workloads })).AssertOk();
        var attached = await client.OrganizationsAsync("ListPoliciesForTarget", new { TargetId = Workloads, Filter = "SERVICE_CONTROL_POLICY" });
        Assert.Contains(id, attached.Ids("Policies"));
        var targets = await client.OrganizationsAsync("ListTargetsForPolicy", new { PolicyId = id });
        Assert.Equal([Workloads], targets.Ids("Targets", "TargetId"));

        (await client.OrganizationsAsync("AttachPolicy", new { PolicyId = id, TargetId = Workloads })).AssertError("DuplicatePolicyAttachmentException");
        (await client.OrganizationsAsync("DeletePolicy", new { PolicyId = id })).AssertError("PolicyInUseException");
        (await client.OrganizationsAsync("DetachPolicy", new { PolicyId = id, TargetId = Workloads })).AssertOk();
        (await client.OrganizationsAsync("DetachPolicy", new { PolicyId = id, TargetId = Workloads })).AssertError("PolicyNotAttachedException");
        (await client.OrganizationsAsync("DeletePolicy", new { PolicyId = id })).AssertOk();
        (await client.OrganizationsAsync("DescribePolicy", new { PolicyId = id })).AssertError("PolicyNotFoundException");
    }

    [Fact]
    public async Task AttachPolicyKeepsAtMostFiveAndDetachAtLeastOnePerTarget()
    {
        for (var i = 0; i < 4; i++)
        {
            (await client.OrganizationsAsync("AttachPolicy", new { PolicyId = await CreateAsync($"Extra{i}"), TargetId = Workloads })).AssertOk();
        }

        var sixth = await client.OrganizationsAsync("AttachPolicy", new { PolicyId = await CreateAsync("Sixth"), TargetId = Workloads });
        var last = await client.OrganizationsAsync("DetachPolicy", new { PolicyId = FakeOrganization.FullAwsAccessId, TargetId = RootId });

        sixth.AssertError("ConstraintViolationException", "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
        last.AssertError("ConstraintViolationException", "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
        Assert.Equal(5, server.Organizations.Organization!.ServiceControlPoliciesOf(Workloads).Count);
    }

    [Fact]
    public async Task AttachPolicyNeedsAnExistingTargetAndTheTypeEnabled()
    {
        var id = await CreateAsync();

        (await client.OrganizationsAsync("AttachPolicy", new { PolicyId = id, TargetId = "ou-a1b2-nosuchou" })).AssertError("TargetNotFoundException");
        (await client.OrganizationsAsync("AttachPolicy", new { PolicyId = id, TargetId = "not-a-target" })).AssertError("InvalidInputException", "INVALID_PATTERN_TARGET_ID");
        server.Organizations.Organization!.Roots[0].PolicyTypes.Clear();
        (await client.OrganizationsAsync("AttachPolicy", new { PolicyId = id, TargetId = Workloads })).AssertError("PolicyTypeNotEnabledException");
    }

    [Fact]
    public async Task TagAndUntagResource()
    {
        var id = await CreateAsync();

        (await client.OrganizationsAsync("TagResource", new { ResourceId = id, Tags = new[] { new { Key = "team", Value = "buyers" } } })).AssertOk();
        (await client.OrganizationsAsync("UntagResource", new { ResourceId = id, TagKeys = new[] { "managed-by" } })).AssertOk();

        var tags = await client.OrganizationsAsync("ListTagsForResource", new { ResourceId = id });
        Assert.Equal(["team"], tags.Json.GetProperty("Tags").EnumerateArray().Select(t => t.GetProperty("Key").GetString()).ToList());
        (await client.OrganizationsAsync("TagResource", new { ResourceId = "p-nosuchpolicy", Tags = new[] { new { Key = "a", Value = "b" } } })).AssertError("TargetNotFoundException");
        (await client.OrganizationsAsync("TagResource", new { ResourceId = id, Tags = new[] { new { Key = "bad<key>", Value = "b" } } })).AssertError("InvalidInputException", "INVALID_PATTERN");
    }

    [Fact]
    public async Task DescribeOrganizationalUnitAnswersTheOuOrNotFound()
    {
        var found = await client.OrganizationsAsync("DescribeOrganizationalUnit", new { OrganizationalUnitId = Sandbox });
        var missing = await client.OrganizationsAsync("DescribeOrganizationalUnit", new { OrganizationalUnitId = "ou-a1b2-nosuchou" });

        Assert.Equal("Sandbox", found.Json.GetProperty("OrganizationalUnit").GetProperty("Name").GetString());
        missing.AssertError("OrganizationalUnitNotFoundException");
    }

    [Fact]
    public async Task OnlyTheManagementAccountWrites()
    {
        server.Organizations.Organization!.AddDelegatedAdministrator(Member(1));
        server.MapAccessKey("AKIAMEMBER0000000001", Member(1));
        using var member = new AwsTestClient(server, "AKIAMEMBER0000000001");

        var write = await member.OrganizationsAsync("CreatePolicy", new { Content = Scp, Description = "", Name = "X", Type = "SERVICE_CONTROL_POLICY" });
        var read = await member.OrganizationsAsync("ListPolicies", new { Filter = "SERVICE_CONTROL_POLICY" });

        write.AssertError("AccessDeniedException");
        read.AssertOk();
    }

    [Fact]
    public async Task FailAfterLetsAnOperationSucceedThenRefusesIt()
    {
        var first = await CreateAsync("First");
        var second = await CreateAsync("Second");
        server.Organizations.FailAfter("AttachPolicy", 1);

        (await client.OrganizationsAsync("AttachPolicy", new { PolicyId = first, TargetId = Workloads })).AssertOk();
        (await client.OrganizationsAsync("AttachPolicy", new { PolicyId = second, TargetId = Workloads })).AssertError("ConcurrentModificationException");

        Assert.DoesNotContain(Workloads, server.Organizations.Organization!.FindPolicy(second)!.Targets);
    }
}
