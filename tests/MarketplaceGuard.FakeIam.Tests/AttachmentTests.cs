using System;
using System.Linq;
using System.Threading.Tasks;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>Attach/Detach, the 10-policy quota, listing attachments and entities, groups and their members, tags.</summary>
public sealed class AttachmentTests : IDisposable
{
    private readonly FakeIamServer server = FakeIamServer.Start(TestData.SampleAccount());
    private readonly IamTestClient client;

    public AttachmentTests()
    {
        client = new IamTestClient(server);
    }

    public void Dispose()
    {
        client.Dispose();
        server.Dispose();
    }

    [Theory]
    [InlineData("User", "pat")]
    [InlineData("Group", "Billing")]
    [InlineData("Role", "ci-deploy")]
    public async Task AttachingTwiceIsANoOpAndDetachingWhatIsNotAttachedIsNoSuchEntity(string kind, string name)
    {
        var arn = TestData.CustomerPolicyArn("DevBoundary");
        var nameParameter = kind + "Name";

        (await client.CallAsync($"Attach{kind}Policy", (nameParameter, name), ("PolicyArn", arn))).AssertOk();
        (await client.CallAsync($"Attach{kind}Policy", (nameParameter, name.ToUpperInvariant()), ("PolicyArn", arn))).AssertOk();

        var attached = await client.CallAsync($"ListAttached{kind}Policies", (nameParameter, name));
        Assert.Single(attached.Members("AttachedPolicies"), m => m.Element(m.Name.Namespace + "PolicyArn")!.Value == arn);
        Assert.Equal("1", (await client.CallAsync("GetPolicy", ("PolicyArn", arn))).Value("AttachmentCount"));

        (await client.CallAsync($"Detach{kind}Policy", (nameParameter, name), ("PolicyArn", arn))).AssertOk();
        var again = await client.CallAsync($"Detach{kind}Policy", (nameParameter, name), ("PolicyArn", arn));
        again.AssertError(404, "NoSuchEntity", $"Policy {arn} was not found.");
        Assert.Equal("0", (await client.CallAsync("GetPolicy", ("PolicyArn", arn))).Value("AttachmentCount"));
    }

    [Fact]
    public async Task AttachingToAMissingPrincipalOrAMissingPolicyIsNoSuchEntity()
    {
        var noUser = await client.CallAsync("AttachUserPolicy", ("UserName", "alice"), ("PolicyArn", TestData.CustomerPolicyArn("DevBoundary")));
        var noGroup = await client.CallAsync("AttachGroupPolicy", ("GroupName", "Nobody"), ("PolicyArn", TestData.CustomerPolicyArn("DevBoundary")));
        var noRole = await client.CallAsync("AttachRolePolicy", ("RoleName", "Ghost"), ("PolicyArn", TestData.CustomerPolicyArn("DevBoundary")));
        var noPolicy = await client.CallAsync("AttachUserPolicy", ("UserName", "pat"), ("PolicyArn", TestData.CustomerPolicyArn("Missing")));
        var badArn = await client.CallAsync("AttachUserPolicy", ("UserName", "pat"), ("PolicyArn", "policy/DevBoundary-not-an-arn"));

        noUser.AssertError(404, "NoSuchEntity", "The user with name alice cannot be found.");
        noGroup.AssertError(404, "NoSuchEntity", "The group with name Nobody cannot be found.");
        noRole.AssertError(404, "NoSuchEntity", "The role with name Ghost cannot be found.");
        noPolicy.AssertError(404, "NoSuchEntity", $"Policy {TestData.CustomerPolicyArn("Missing")} does not exist or is not attachable.");
        badArn.AssertError(400, "InvalidInput", "ARN policy/DevBoundary-not-an-arn is not valid.");
    }

    [Theory]
    [InlineData("User", "olga", "PoliciesPerUser")]
    [InlineData("Group", "Billing", "PoliciesPerGroup")]
    [InlineData("Role", "ci-deploy", "PoliciesPerRole")]
    public async Task AnEleventhManagedPolicyIsLimitExceeded(string kind, string name, string quota)
    {
        var account = server.Account;
        var principal = account.RequirePrincipal(Enum.Parse<PrincipalKind>(kind), name);
        for (var i = principal.AttachedPolicies.Count; i < 10; i++)
        {
            account.AttachPolicy(principal, account.CreatePolicy($"Extra{i}", TestData.AllowView).Arn);
        }

        var eleventh = await client.CallAsync($"Attach{kind}Policy", (kind + "Name", name), ("PolicyArn", TestData.CustomerPolicyArn("DevBoundary")));

        eleventh.AssertError(409, "LimitExceeded", $"Cannot exceed quota for {quota}: 10");
        Assert.Equal(10, principal.AttachedPolicies.Count);
        (await client.CallAsync($"Attach{kind}Policy", (kind + "Name", name), ("PolicyArn", principal.AttachedPolicies[^1].PolicyArn))).AssertOk();
    }

    [Fact]
    public async Task ListAttachedPoliciesKeepsSnapshotAttachmentsToPoliciesItDoesNotHold()
    {
        var reply = await client.CallAsync("ListAttachedUserPolicies", ("UserName", "victor"));
        var filtered = await client.CallAsync("ListAttachedUserPolicies", ("UserName", "victor"), ("PathPrefix", "/marketplaceguard/"));

        var member = Assert.Single(reply.Members("AttachedPolicies"));
        Assert.Equal("ViewOnlyAccess", member.Element(member.Name.Namespace + "PolicyName")!.Value);
        Assert.Equal("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", member.Element(member.Name.Namespace + "PolicyArn")!.Value);
        Assert.Empty(filtered.Members("AttachedPolicies"));
    }

    [Fact]
    public async Task ListEntitiesForPolicyReportsAttachmentsAndBoundaries()
    {
        var denyArn = "arn:aws:iam::111122223333:policy/marketplaceguard/MarketplaceGuard-DenyMarketplace";
        server.Account.AttachPolicy(server.Account.RequireRole("ci-deploy"), denyArn);

        var deny = await client.CallAsync("ListEntitiesForPolicy", ("PolicyArn", denyArn));
        var rolesOnly = await client.CallAsync("ListEntitiesForPolicy", ("PolicyArn", denyArn), ("EntityFilter", "Role"));
        var boundary = await client.CallAsync("ListEntitiesForPolicy", ("PolicyArn", TestData.CustomerPolicyArn("DevBoundary")), ("PolicyUsageFilter", "PermissionsBoundary"));
        var boundaryAsPolicy = await client.CallAsync("ListEntitiesForPolicy", ("PolicyArn", TestData.CustomerPolicyArn("DevBoundary")), ("PolicyUsageFilter", "PermissionsPolicy"));

        Assert.Equal("Everyone", Assert.Single(deny.Members("PolicyGroups")).Element(deny.Root.Name.Namespace + "GroupName")!.Value);
        Assert.Equal("AGPAEVERYONEXXXXXXXXX", deny.Members("PolicyGroups")[0].Element(deny.Root.Name.Namespace + "GroupId")!.Value);
        // cfn-deployer holds the deny in the sample account already; ci-deploy just got it.
        Assert.Equal(new[] { "ci-deploy", "cfn-deployer" }, deny.Members("PolicyRoles").Select(r => r.Element(deny.Root.Name.Namespace + "RoleName")!.Value));
        Assert.Empty(rolesOnly.Members("PolicyGroups"));
        Assert.Equal(2, rolesOnly.Members("PolicyRoles").Count);
        Assert.Equal("carol", Assert.Single(boundary.Members("PolicyUsers")).Element(boundary.Root.Name.Namespace + "UserName")!.Value);
        Assert.Empty(boundaryAsPolicy.Members("PolicyUsers"));
    }

    [Fact]
    public async Task GetGroupListsMembersAndListGroupsForUserKeepsTheUsersOrder()
    {
        var group = await client.CallAsync("GetGroup", ("GroupName", "everyone"));
        var groups = await client.CallAsync("ListGroupsForUser", ("UserName", "dana"));

        Assert.Equal("Everyone", group.Value("GroupName"));
        Assert.Equal("arn:aws:iam::111122223333:group/Everyone", group.Value("Arn"));
        Assert.Equal(new[] { "priya", "dana", "lena", "luke", "mia", "sid", "gwen", "gary", "lars" }, group.Members("Users").Select(u => u.Element(u.Name.Namespace + "UserName")!.Value));
        Assert.Equal("false", group.Value("IsTruncated"));
        Assert.Equal(new[] { "Developers", "Everyone", "NoPaidAmis" }, groups.Members("Groups").Select(g => g.Element(g.Name.Namespace + "GroupName")!.Value));
        (await client.CallAsync("GetGroup", ("GroupName", "Nobody"))).AssertError(404, "NoSuchEntity", "The group with name Nobody cannot be found.");
        (await client.CallAsync("ListGroupsForUser", ("UserName", "nobody"))).AssertError(404, "NoSuchEntity", "The user with name nobody cannot be found.");
    }

    [Fact]
    public async Task MembershipChangesShowInGetGroup()
    {
        (await client.CallAsync("AddUserToGroup", ("GroupName", "Everyone"), ("UserName", "pat"))).AssertOk();
        (await client.CallAsync("RemoveUserFromGroup", ("GroupName", "Everyone"), ("UserName", "priya"))).AssertOk();

        var group = await client.CallAsync("GetGroup", ("GroupName", "Everyone"));

        Assert.Equal(new[] { "pat", "dana", "lena", "luke", "mia", "sid", "gwen", "gary", "lars" }, group.Members("Users").Select(u => u.Element(u.Name.Namespace + "UserName")!.Value));
    }

    [Fact]
    public async Task GetUserAndGetRoleReturnBoundariesTagsAndEncodedTrustPolicies()
    {
        var carol = await client.CallAsync("GetUser", ("UserName", "carol"));
        var role = await client.CallAsync("GetRole", ("RoleName", "MarketplaceBuyer"));
        var missing = await client.CallAsync("GetUser", ("UserName", "alice"));

        Assert.Equal("arn:aws:iam::111122223333:policy/DevBoundary", carol.Value("PermissionsBoundaryArn"));
        Assert.Equal("PermissionsBoundaryPolicy", carol.Value("PermissionsBoundaryType"));
        Assert.Equal("platform", carol.Value("Value"));
        Assert.Equal("AROAMARKETPLACEBUYERX", role.Value("RoleId"));
        Assert.StartsWith("%7B%22Version%22", role.Value("AssumeRolePolicyDocument"));
        Assert.Equal("3600", role.Value("MaxSessionDuration"));
        missing.AssertError(404, "NoSuchEntity", "The user with name alice cannot be found.");
    }

    [Fact]
    public async Task PolicyTagsAreAddedOverwrittenListedByKeyAndRemoved()
    {
        var arn = TestData.CustomerPolicyArn("DevBoundary");
        (await client.CallAsync("TagPolicy", ("PolicyArn", arn), ("Tags.member.1.Key", "zeta"), ("Tags.member.1.Value", "1"),
            ("Tags.member.2.Key", "alpha"), ("Tags.member.2.Value", "2"))).AssertOk();
        (await client.CallAsync("TagPolicy", ("PolicyArn", arn), ("Tags.member.1.Key", "zeta"), ("Tags.member.1.Value", "3"))).AssertOk();

        var listed = await client.CallAsync("ListPolicyTags", ("PolicyArn", arn));
        Assert.Equal(new[] { "alpha=2", "zeta=3" },
            listed.Members("Tags").Select(t => t.Element(t.Name.Namespace + "Key")!.Value + "=" + t.Element(t.Name.Namespace + "Value")!.Value));

        (await client.CallAsync("UntagPolicy", ("PolicyArn", arn), ("TagKeys.member.1", "alpha"))).AssertOk();
        Assert.Equal(new[] { new FakeTag("zeta", "3") }, server.Account.FindPolicy(arn)!.Tags);
        Assert.Equal("zeta", (await client.CallAsync("GetPolicy", ("PolicyArn", arn))).Value("Key"));
    }

    [Fact]
    public async Task MoreThanFiftyTagsIsLimitExceeded()
    {
        var arn = TestData.CustomerPolicyArn("DevBoundary");
        var tags = Enumerable.Range(1, 51).SelectMany(i => new[] { ($"Tags.member.{i}.Key", $"k{i}"), ($"Tags.member.{i}.Value", "v") }).ToArray();

        var reply = await client.CallAsync("TagPolicy", new[] { ("PolicyArn", arn) }.Concat(tags).ToArray());

        reply.AssertError(409, "LimitExceeded");
        Assert.Empty(server.Account.FindPolicy(arn)!.Tags);
    }

    [Fact]
    public async Task InlinePoliciesArePutReadListedAndDeleted()
    {
        (await client.CallAsync("PutRolePolicy", ("RoleName", "ci-deploy"), ("PolicyName", "Extra"), ("PolicyDocument", TestData.AllowView))).AssertOk();

        var read = await client.CallAsync("GetRolePolicy", ("RoleName", "ci-deploy"), ("PolicyName", "extra"));
        var names = await client.CallAsync("ListRolePolicies", ("RoleName", "ci-deploy"));
        (await client.CallAsync("DeleteRolePolicy", ("RoleName", "ci-deploy"), ("PolicyName", "Extra"))).AssertOk();
        var gone = await client.CallAsync("GetRolePolicy", ("RoleName", "ci-deploy"), ("PolicyName", "Extra"));

        Assert.Equal(Uri.EscapeDataString(TestData.AllowView), read.Value("PolicyDocument"));
        Assert.Equal(new[] { "Deploy", "Extra" }, names.Members("PolicyNames").Select(m => m.Value));
        gone.AssertError(404, "NoSuchEntity", "The role policy with name Extra cannot be found.");
    }
}
