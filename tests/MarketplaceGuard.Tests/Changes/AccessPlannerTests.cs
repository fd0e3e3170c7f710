using System;
using System.Linq;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Engine.Principals;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Tests.Changes;

public sealed class AccessPlannerTests
{
    private static readonly PolicyTemplate Buyer = PolicyTemplateCatalog.Get("Procurement");
    private const string Arn = "arn:aws:iam::111122223333:policy/marketplaceguard/MarketplaceGuard-Procurement";
    private const string Drifted = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"}}""";

    private static PolicyVersionState Version(string id, bool isDefault, int day) => new(id, isDefault, new DateTimeOffset(2026, 1, day, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void AMissingPolicyIsCreated()
    {
        var plan = AccessPlanner.EnsurePolicy(Buyer, new ManagedPolicyState(Arn, false, null, [], false)).ToList();

        Assert.Equal([ChangeKind.CreatePolicy], plan.Select(c => c.Kind));
        Assert.Equal("create policy MarketplaceGuard-Procurement at /marketplaceguard/, tagged managed-by=MarketplaceGuard", plan[0].Description);
    }

    [Fact]
    public void ACurrentTaggedPolicyNeedsNothingEvenWithOtherSidsAndFormatting()
    {
        var reformatted = """{ "Statement": [ { "Resource": "*", "Effect": "Allow", "Action": ["ec2:DescribeAccountAttributes", "aws-marketplace:Subscribe", "AWS-Marketplace:ViewSubscriptions", "aws-marketplace:Unsubscribe", "ec2:DescribeInstances"] } ], "Version": "2012-10-17" }""";

        var plan = AccessPlanner.EnsurePolicy(Buyer, new ManagedPolicyState(Arn, true, reformatted, [Version("v3", true, 3)], true));

        Assert.Empty(plan);
    }

    [Fact]
    public void ADriftedDocumentGetsANewDefaultVersion()
    {
        var plan = AccessPlanner.EnsurePolicy(Buyer, new ManagedPolicyState(Arn, true, Drifted, [Version("v1", true, 1)], true)).ToList();

        Assert.Equal([ChangeKind.CreatePolicyVersion], plan.Select(c => c.Kind));
    }

    [Fact]
    public void AtFiveVersionsTheOldestNonDefaultGoesFirst()
    {
        var versions = new[] { Version("v2", false, 2), Version("v5", true, 5), Version("v3", false, 3), Version("v6", false, 6), Version("v4", false, 4) };

        var plan = AccessPlanner.EnsurePolicy(Buyer, new ManagedPolicyState(Arn, true, Drifted, versions, true)).ToList();

        Assert.Equal([ChangeKind.DeletePolicyVersion, ChangeKind.CreatePolicyVersion], plan.Select(c => c.Kind));
        Assert.Equal("v2", plan[0].VersionId);
    }

    [Fact]
    public void AnUntaggedPolicyIsTagged()
    {
        var plan = AccessPlanner.EnsurePolicy(Buyer, new ManagedPolicyState(Arn, true, Buyer.Document, [Version("v1", true, 1)], false)).ToList();

        Assert.Equal([ChangeKind.TagPolicy], plan.Select(c => c.Kind));
    }

    [Fact]
    public void AnUnreadableDocumentIsNotCurrent()
    {
        Assert.False(AccessPlanner.IsCurrent(Buyer, "{not json"));
        Assert.False(AccessPlanner.IsCurrent(Buyer, null));
        Assert.True(AccessPlanner.IsCurrent(Buyer, Uri.EscapeDataString(Buyer.Document)));
    }

    [Fact]
    public void AttachAndDetachAreDescribedInWords()
    {
        var principal = new PrincipalRef(PrincipalKind.Group, "Procurement");

        Assert.Equal("attach MarketplaceGuard-Procurement to group Procurement", AccessPlanner.Attach(Buyer, Arn, principal).Description);
        Assert.Equal("detach MarketplaceGuard-Procurement from group Procurement", AccessPlanner.Detach(Buyer, Arn, principal).Description);
    }

    [Fact]
    public void ADeclinedChangeTakesTheChangesThatNeedItWithIt()
    {
        var deny = PolicyTemplateCatalog.Get("DenyMarketplace");
        var group = new PrincipalRef(PrincipalKind.Group, "Procurement");
        var other = new PrincipalRef(PrincipalKind.Group, "Billing");
        var create = AccessPlanner.EnsurePolicy(Buyer, new ManagedPolicyState(Arn, false, null, [], false)).Single();
        var rotate = AccessPlanner.EnsurePolicy(Buyer, new ManagedPolicyState(Arn, true, "{}", [.. Enumerable.Range(1, 5).Select(i => Version($"v{i}", i == 5, i))], true)).ToList();
        var attach = AccessPlanner.Attach(Buyer, Arn, group);
        var detachDeny = AccessPlanner.Detach(deny, "arn:aws:iam::111122223333:policy/marketplaceguard/MarketplaceGuard-DenyMarketplace", group);
        var detach = AccessPlanner.Detach(Buyer, Arn, group);
        var delete = AccessPlanner.Delete(Buyer, Arn);

        Assert.True(AccessPlanner.DependsOn(attach, create));
        Assert.True(AccessPlanner.DependsOn(rotate[1], rotate[0]));
        Assert.True(AccessPlanner.DependsOn(attach, rotate[1]));
        Assert.True(AccessPlanner.DependsOn(detachDeny, attach));
        Assert.True(AccessPlanner.DependsOn(delete, detach));

        Assert.False(AccessPlanner.DependsOn(delete, AccessPlanner.Detach(deny, "arn:aws:iam::111122223333:policy/marketplaceguard/MarketplaceGuard-DenyMarketplace", group)));
        Assert.False(AccessPlanner.DependsOn(AccessPlanner.Detach(deny, "arn:x", other), attach));
        Assert.False(AccessPlanner.DependsOn(attach, detach));
    }
}
