using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Engine.Principals;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Tests.Changes;

/// <summary>
/// The planner on hand-built account states (no endpoint): every Grant, Revoke and Remove decision, Rule 1 and Rule 2.
/// </summary>
public sealed class AccessStatePlanningTests
{
    private static readonly ModulePolicyArns Arns = new("aws", "111122223333");
    private static readonly PrincipalRef Dev = new(PrincipalKind.User, "dev");
    private static readonly PolicyTemplate Buyer = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.Procurement);
    private static readonly PolicyTemplate Viewer = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.BillingViewer);
    private static readonly PolicyTemplate Deny = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyMarketplace);
    private static readonly PolicyTemplate Launcher = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.PaidAmiLauncher);
    private static readonly PolicyTemplate DenyLaunch = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyPaidAmiLaunch);
    private static readonly PolicyTemplate DenyReplication = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyPaidAmiReplication);
    private static readonly PolicyTemplate BuyerCurrent = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.Procurement, PolicyTemplateEdition.Current);
    private static readonly PolicyTemplate ViewerCurrent = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.BillingViewer, PolicyTemplateEdition.Current);
    private static readonly int[] RuleOne = [1];
    private static readonly int[] RuleTwo = [2];
    private static readonly int[] BothRules = [2, 1];

    private static ManagedPolicyState Current(PolicyTemplate t) =>
        new(Arns.Of(t), true, t.Document, [new PolicyVersionState("v1", true, DateTimeOffset.UnixEpoch)], true);

    private static ManagedPolicyState Missing(PolicyTemplate t) => new(Arns.Of(t), false, null, [], false);

    private static AttachedPolicy Attached(PolicyTemplate t) => new(Arns.Of(t), t.PolicyName);

    private static AccessState State(IEnumerable<PolicyTemplate> attached, params ManagedPolicyState[] policies) =>
        new(Arns, Dev, attached.Select(Attached)) { Policies = policies };

    private static string[] Words(AccessPlan plan) => [.. plan.Changes.Select(c => c.Description)];

    [Fact]
    public void AGrantToANewPrincipalCreatesAndAttaches()
    {
        var plan = AccessPlanner.PlanGrant(State([], Missing(Launcher)), Launcher);

        Assert.Equal(
            ["create policy MarketplaceGuard-PaidAmiLauncher at /marketplaceguard/, tagged managed-by=MarketplaceGuard", "attach MarketplaceGuard-PaidAmiLauncher to user dev"],
            Words(plan));
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void ABuyerGrantSwapsRuleOnePoliciesOnlyAndWarnsAboutTheDeny()
    {
        var plan = AccessPlanner.PlanGrant(State([Viewer, Deny, Launcher, DenyLaunch, DenyReplication], Current(Buyer)), Buyer);

        Assert.Equal(
            ["attach MarketplaceGuard-Procurement to user dev", "detach MarketplaceGuard-BillingViewer from user dev", "detach MarketplaceGuard-DenyMarketplace from user dev"],
            Words(plan));
        Assert.Equal(["MarketplaceGuard-DenyMarketplace is attached to user dev and its explicit deny would override the grant, so the grant detaches it."], plan.Warnings);
    }

    [Fact]
    public void ALauncherGrantDetachesBothRuleTwoDeniesAndLeavesRuleOneAlone()
    {
        var plan = AccessPlanner.PlanGrant(State([Buyer, Deny, DenyLaunch, DenyReplication], Current(Launcher)), Launcher);

        Assert.Equal(
            ["attach MarketplaceGuard-PaidAmiLauncher to user dev", "detach MarketplaceGuard-DenyPaidAmiLaunch from user dev", "detach MarketplaceGuard-DenyPaidAmiReplication from user dev"],
            Words(plan));
        Assert.Equal(2, plan.Warnings.Count);
        Assert.All(plan.Changes.Where(c => c.Kind == ChangeKind.DetachPolicy), c => Assert.True(AccessPlanner.DependsOn(c, plan.Changes[0])));
    }

    [Fact]
    public void AGrantAlreadyInPlacePlansNothing()
    {
        Assert.Empty(AccessPlanner.PlanGrant(State([Launcher, Deny], Current(Launcher)), Launcher).Changes);
        Assert.Empty(AccessPlanner.PlanGrant(State([Buyer, DenyLaunch], Current(Buyer)), Buyer).Changes);
    }

    [Fact]
    public void SwitchingEditionIsExactlyANewVersionOfTheSamePolicy()
    {
        Assert.Equal(Arns.Of(Buyer), Arns.Of(BuyerCurrent));

        // Article in place, Current asked: the document changes, nothing is attached or detached.
        var toCurrent = AccessPlanner.PlanGrant(State([Buyer], Current(Buyer)), BuyerCurrent);
        var change = Assert.Single(toCurrent.Changes);
        Assert.Equal(ChangeKind.CreatePolicyVersion, change.Kind);
        Assert.Equal("update MarketplaceGuard-Procurement to the template's document (new default version)", change.Description);
        Assert.Same(BuyerCurrent, change.Template);

        // The same edition again plans nothing; and back to the article is again one new version.
        Assert.Empty(AccessPlanner.PlanGrant(State([BuyerCurrent], Current(BuyerCurrent)), BuyerCurrent).Changes);
        Assert.Equal([ChangeKind.CreatePolicyVersion], AccessPlanner.PlanGrant(State([BuyerCurrent], Current(BuyerCurrent)), Buyer).Changes.Select(c => c.Kind));
    }

    [Fact]
    public void ACurrentViewerGrantReplacesEitherEditionsBuyerGrantByItsName()
    {
        var plan = AccessPlanner.PlanGrant(State([BuyerCurrent], Current(Viewer)), ViewerCurrent);

        Assert.Equal(
            [
                "update MarketplaceGuard-BillingViewer to the template's document (new default version)",
                "attach MarketplaceGuard-BillingViewer to user dev",
                "detach MarketplaceGuard-Procurement from user dev",
            ],
            Words(plan));
    }

    [Fact]
    public void RevokeInEitherEditionAttachesTheSameDenyAndDetachesAGrantOfEitherEdition()
    {
        var state = State([BuyerCurrent, ViewerCurrent], Current(Deny));

        var article = AccessPlanner.PlanRevoke(state, RuleOne);
        var current = AccessPlanner.PlanRevoke(state, RuleOne, PolicyTemplateEdition.Current);

        Assert.Equal(
            ["attach MarketplaceGuard-DenyMarketplace to user dev", "detach MarketplaceGuard-Procurement from user dev", "detach MarketplaceGuard-BillingViewer from user dev"],
            Words(article));
        Assert.Equal(Words(article), Words(current));
        Assert.True(Arns.IsProcurementGrant(Arns.Of(BuyerCurrent)), "the lockout guard knows the grant by its ARN, whichever edition wrote it");
        Assert.False(Arns.IsProcurementGrant(Arns.Of(ViewerCurrent)));
    }

    [Fact]
    public void ACustomNamedGrantReplacesTheDefaultNamedOne()
    {
        var custom = Buyer.WithPolicyName("TeamBuy");

        var plan = AccessPlanner.PlanGrant(State([Buyer], new ManagedPolicyState(Arns.Of(custom), false, null, [], false)), custom);

        Assert.Equal(
            ["create policy TeamBuy at /marketplaceguard/, tagged managed-by=MarketplaceGuard", "attach TeamBuy to user dev", "detach MarketplaceGuard-Procurement from user dev"],
            Words(plan));
    }

    [Fact]
    public void RevokingRuleOneAttachesItsDenyAndDetachesRuleOneGrantsIncludingTaggedCustomOnes()
    {
        var state = new AccessState(Arns, Dev, [Attached(Buyer), Attached(Viewer), Attached(Launcher), new("arn:aws:iam::111122223333:policy/marketplaceguard/TeamBuy", "TeamBuy"), new("arn:aws:iam::111122223333:policy/marketplaceguard/NotOurs", "NotOurs")])
        {
            Policies = [Current(Deny)],
            PathPolicies =
            [
                new("arn:aws:iam::111122223333:policy/marketplaceguard/TeamBuy", "TeamBuy", true, 1),
                new("arn:aws:iam::111122223333:policy/marketplaceguard/NotOurs", "NotOurs", false, 1),
            ],
        };

        var plan = AccessPlanner.PlanRevoke(state, RuleOne);

        Assert.Equal(
            ["attach MarketplaceGuard-DenyMarketplace to user dev", "detach MarketplaceGuard-Procurement from user dev", "detach MarketplaceGuard-BillingViewer from user dev", "detach TeamBuy from user dev"],
            Words(plan));
    }

    [Fact]
    public void RevokingRuleTwoCreatesBothDeniesAndDetachesTheLauncherOnly()
    {
        var plan = AccessPlanner.PlanRevoke(State([Buyer, Launcher], Missing(DenyLaunch), Current(DenyReplication)), RuleTwo);

        Assert.Equal(
            [
                "create policy MarketplaceGuard-DenyPaidAmiLaunch at /marketplaceguard/, tagged managed-by=MarketplaceGuard",
                "attach MarketplaceGuard-DenyPaidAmiLaunch to user dev",
                "attach MarketplaceGuard-DenyPaidAmiReplication to user dev",
                "detach MarketplaceGuard-PaidAmiLauncher from user dev",
            ],
            Words(plan));
    }

    [Fact]
    public void RevokingBothRulesGoesRuleByRuleAndADeclinedDenyKeepsOnlyItsOwnRulesGrants()
    {
        var plan = AccessPlanner.PlanRevoke(State([Buyer, Launcher], Current(Deny), Current(DenyLaunch), Current(DenyReplication)), BothRules);

        Assert.Equal(
            [
                "attach MarketplaceGuard-DenyMarketplace to user dev",
                "attach MarketplaceGuard-DenyPaidAmiLaunch to user dev",
                "attach MarketplaceGuard-DenyPaidAmiReplication to user dev",
                "detach MarketplaceGuard-Procurement from user dev",
                "detach MarketplaceGuard-PaidAmiLauncher from user dev",
            ],
            Words(plan));
        var (denyMarketplace, denyLaunch, detachBuyer, detachLauncher) = (plan.Changes[0], plan.Changes[1], plan.Changes[3], plan.Changes[4]);
        Assert.True(AccessPlanner.DependsOn(detachBuyer, denyMarketplace));
        Assert.False(AccessPlanner.DependsOn(detachLauncher, denyMarketplace));
        Assert.True(AccessPlanner.DependsOn(detachLauncher, denyLaunch));
        Assert.False(AccessPlanner.DependsOn(detachBuyer, denyLaunch));
    }

    [Fact]
    public void ARevokeAlreadyInPlacePlansNothingAndADriftedDenyIsUpdated()
    {
        Assert.Empty(AccessPlanner.PlanRevoke(State([Deny, DenyLaunch, DenyReplication], Current(Deny), Current(DenyLaunch), Current(DenyReplication)), BothRules).Changes);

        var drifted = Current(DenyReplication) with { DefaultDocument = DenyLaunch.Document };
        Assert.Equal(
            ["update MarketplaceGuard-DenyPaidAmiReplication to the template's document (new default version)"],
            Words(AccessPlanner.PlanRevoke(State([DenyLaunch, DenyReplication], Current(DenyLaunch), drifted), RuleTwo)));
    }

    [Fact]
    public void APlanNeverGuessesAPolicyItWasNotGiven()
    {
        var e = Assert.Throws<ArgumentException>(() => AccessPlanner.PlanRevoke(State([], Current(Deny)), BothRules));

        Assert.Contains("MarketplaceGuard-DenyPaidAmiLaunch", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoveDetachesEveryPolicyOfOursAndDeletesTheUnusedOnesAndTaggedOrphans()
    {
        PathPolicyState Path(PolicyTemplate t, int count, bool tagged = true) => new(Arns.Of(t), t.PolicyName, tagged, count);
        var state = new AccessState(Arns, Dev, [Attached(Deny), Attached(Launcher), Attached(DenyLaunch)])
        {
            PathPolicies = [Path(Deny, 3), Path(Launcher, 1), Path(DenyLaunch, 1, tagged: false), Path(Buyer, 0), Path(Viewer, 0, tagged: false)],
        };

        var plan = AccessPlanner.PlanRemove(state);

        Assert.Equal(
            [
                "detach MarketplaceGuard-DenyMarketplace from user dev",
                "detach MarketplaceGuard-PaidAmiLauncher from user dev",
                "delete policy MarketplaceGuard-PaidAmiLauncher (nothing uses it any more)",
                "detach MarketplaceGuard-DenyPaidAmiLaunch from user dev",
                "delete policy MarketplaceGuard-DenyPaidAmiLaunch (nothing uses it any more)",
                "delete policy MarketplaceGuard-Procurement (nothing uses it any more)",
            ],
            Words(plan));
    }

    [Fact]
    public void RemoveNeverDeletesAPolicyTheListingDidNotShow()
    {
        var plan = AccessPlanner.PlanRemove(State([Launcher]));

        Assert.Equal(["detach MarketplaceGuard-PaidAmiLauncher from user dev"], Words(plan));
    }

    [Fact]
    public void TheModulesPoliciesAreToldApart()
    {
        Assert.True(Arns.IsProcurementGrant(Arns.Of(Buyer)));
        Assert.True(Arns.IsProcurementGrant(Arns.PathPrefix + "TeamBuy"));
        Assert.All(new[] { Viewer, Deny, Launcher, DenyLaunch, DenyReplication }, t => Assert.False(Arns.IsProcurementGrant(Arns.Of(t))));
        Assert.False(Arns.IsProcurementGrant("arn:aws:iam::111122223333:policy/TeamBuy"));
        Assert.True(Arns.IsLauncherGrant(Arns.Of(Launcher)));
        Assert.False(Arns.IsLauncherGrant(Arns.PathPrefix + "TeamLaunch"));
        Assert.Equal("arn:aws-cn:iam::111122223333:policy/marketplaceguard/MarketplaceGuard-DenyPaidAmiLaunch", new ModulePolicyArns("aws-cn", "111122223333").Of(DenyLaunch));
    }
}
