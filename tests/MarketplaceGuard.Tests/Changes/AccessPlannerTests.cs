using System;
using System.Linq;
using MarketplaceGuard.Engine.Changes;
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
}
