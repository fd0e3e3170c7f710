using System;
using System.Linq;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Procurement;
using static MarketplaceGuard.Tests.Procurement.ProcurementFixture;

namespace MarketplaceGuard.Tests.Procurement;

public sealed class ProcurementInventoryTests
{
    [Fact]
    public void RunningInstancesUnderTheAccountsCancelledAgreementAreABillingLeak()
    {
        var inventory = Build(
            [Agreement("agmt-old", Prod, "CANCELLED"), Agreement("agmt-held", Shared, "ACTIVE", license: "arn:aws:license-manager::222222222222:license:l-1")],
            [Instance("i-run", Prod, "running"), Instance("i-pend", Prod, "pending", region: "eu-west-1"), Instance("i-stop", Prod, "stopped")]);

        var leak = Assert.Single(inventory.Findings, f => f.RuleId == "MG4001");
        Assert.Equal(Severity.High, leak.Severity);
        Assert.Equal(Prod, leak.AccountId);
        Assert.Equal(2, leak.RunningInstances);
        Assert.Equal(["i-pend", "i-run"], leak.ResourceIds.Order().ToArray());
        Assert.Equal(["agmt-old"], leak.AgreementIds);
        Assert.Equal(["eu-west-1", "us-east-1"], leak.Regions.Order().ToArray());
        Assert.Contains("CANCELLED", leak.Reason, StringComparison.Ordinal);
        Assert.Contains(Shared, leak.Reason, StringComparison.Ordinal); // the active agreement elsewhere is named
        Assert.Contains("Remove-EC2Instance -Region us-east-1 -InstanceId 'i-run'", leak.Recommendation, StringComparison.Ordinal);
        Assert.Contains("Remove-EC2Instance -Region eu-west-1 -InstanceId 'i-pend'", leak.Recommendation, StringComparison.Ordinal);
        Assert.DoesNotContain(inventory.Findings, f => f.RuleId == "MG4003" && f.AccountId == Prod);
        Assert.Equal(2, inventory.Accounts.Single(a => a.AccountId == Prod).LeakingInstances);
    }

    [Theory]
    [InlineData("EXPIRED")]
    [InlineData("TERMINATED")]
    public void EveryEndedStatusLeaks(string status)
    {
        var inventory = Build([Agreement("agmt-1", Prod, status)], [Instance("i-1", Prod, "stopping")]);

        Assert.Equal("MG4001", Assert.Single(inventory.Findings).RuleId);
    }

    [Fact]
    public void NoLeakWhenTheAccountHoldsAnActiveAgreementBesideItsEndedOne()
    {
        var inventory = Build([Agreement("agmt-old", Prod, "CANCELLED"), Agreement("agmt-new", Prod, "ACTIVE")], [Instance("i-1", Prod, "running")]);

        Assert.Empty(inventory.Findings);
        Assert.True(inventory.Passed);
    }

    [Fact]
    public void StoppedInstancesOfAnEndedAgreementDoNotLeak()
    {
        var inventory = Build([Agreement("agmt-old", Prod, "CANCELLED")], [Instance("i-1", Prod, "stopped"), Instance("i-2", Prod, "terminated")]);

        Assert.DoesNotContain(inventory.Findings, f => f.RuleId == "MG4001");
        Assert.Equal("CANCELLED", Assert.Single(inventory.Rows).AgreementStatus);
    }

    [Fact]
    public void InstancesWithoutAnAgreementOfTheirOwnRunOnTheHoldersSubscription()
    {
        var arn = "arn:aws:license-manager::222222222222:license:l-0a1b";
        var inventory = Build([Agreement("agmt-held", Shared, "ACTIVE", license: arn), Agreement("agmt-x", Prod, "ACTIVE", OtherProduct)], [Instance("i-1", Prod, "running"), Instance("i-2", Prod, "stopped")]);

        var shared = Assert.Single(inventory.Findings);
        Assert.Equal("MG4003", shared.RuleId);
        Assert.Equal(Severity.Low, shared.Severity);
        Assert.Equal([Shared], shared.HolderAccountIds);
        Assert.Equal([arn], shared.LicenseArns);
        Assert.Contains(Shared, shared.Reason, StringComparison.Ordinal);
        Assert.Contains(arn, shared.Reason, StringComparison.Ordinal);
        Assert.Contains("License Manager", shared.Reason, StringComparison.Ordinal);
        Assert.Contains(arn, shared.Recommendation, StringComparison.Ordinal);
        Assert.Equal(1, shared.RunningInstances);
        Assert.Equal($"none (shared from {Shared})", Assert.Single(inventory.Rows).AgreementStatus);
    }

    [Fact]
    public void WhenNoAccountHoldsAnActiveAgreementTheSharedFindingSaysSoPlainly()
    {
        var inventory = Build([Agreement("agmt-gone", Shared, "EXPIRED")], [Instance("i-1", Dev, "running")]);

        var shared = Assert.Single(inventory.Findings);
        Assert.Equal("MG4003", shared.RuleId);
        Assert.Equal(Severity.Medium, shared.Severity);
        Assert.Empty(shared.HolderAccountIds);
        Assert.Contains("no account of the inventory holds an ACTIVE agreement", shared.Reason, StringComparison.Ordinal);
        Assert.Contains("no agreement of account 333333333333 at all", shared.Reason, StringComparison.Ordinal);
        Assert.Contains("Stop-EC2Instance -Region us-east-1 -InstanceId 'i-1'", shared.Recommendation, StringComparison.Ordinal);
    }

    [Fact]
    public void AnActiveAgreementEndingWithinTheWindowIsFlaggedWithItsDependentInstances()
    {
        var inventory = Build([Agreement("agmt-soon", Prod, "ACTIVE", endsInDays: 10)], [Instance("i-1", Prod, "running"), Instance("i-2", Dev, "running")]);

        var expiring = Assert.Single(inventory.Findings, f => f.RuleId == "MG4002");
        Assert.Equal(Severity.Medium, expiring.Severity);
        Assert.Equal(10, expiring.DaysLeft);
        Assert.Equal(2, expiring.RunningInstances);
        Assert.Contains("1 running instance of the account depend", expiring.Reason, StringComparison.Ordinal);
        Assert.Contains("1 in accounts with no agreement of their own", expiring.Reason, StringComparison.Ordinal);
        Assert.Equal(["agmt-soon"], expiring.AgreementIds);
    }

    [Fact]
    public void AnExpiringAgreementNothingRunsOnIsLow()
    {
        var inventory = Build([Agreement("agmt-soon", Prod, "ACTIVE", endsInDays: 5)], [Instance("i-1", Prod, "stopped")]);

        Assert.Equal(Severity.Low, Assert.Single(inventory.Findings, f => f.RuleId == "MG4002").Severity);
    }

    [Fact]
    public void AnExpiringAgreementOfAnUnmappedProductIsMediumBecauseItsInstancesCannotBeCounted()
    {
        var inventory = Build([Agreement("agmt-soon", Prod, "ACTIVE", "prod-zzzzzzzzzzzzz", endsInDays: 5)], []);

        var expiring = Assert.Single(inventory.Findings);
        Assert.Equal(Severity.Medium, expiring.Severity);
        Assert.Contains("cannot be counted", expiring.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ACTIVE", 31, 30, false)] // outside the window
    [InlineData("ACTIVE", 30, 30, true)] // on its edge
    [InlineData("ACTIVE", 45, 60, true)] // a wider window
    [InlineData("EXPIRED", 5, 30, false)] // already expired: not "expiring" (a running instance would be a leak)
    [InlineData("ACTIVE", -3, 30, true)] // ended, still ACTIVE
    public void ExpiryFollowsTheWindowAndTheStatus(string status, int endsInDays, int window, bool flagged)
    {
        var inventory = Build([Agreement("agmt-1", Prod, status, endsInDays: endsInDays)], [], windowDays: window);

        Assert.Equal(flagged, inventory.Findings.Any(f => f.RuleId == "MG4002"));
    }

    [Fact]
    public void AnAgreementEndedButStillActiveSaysSo()
    {
        var expiring = Assert.Single(Build([Agreement("agmt-1", Prod, "ACTIVE", endsInDays: -3)], []).Findings);

        Assert.Equal(-3, expiring.DaysLeft);
        Assert.Contains("3 days ago", expiring.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NoExpiryWhenAnotherActiveAgreementOfTheAccountOutlastsIt()
    {
        var inventory = Build([Agreement("agmt-soon", Prod, "ACTIVE", endsInDays: 5), Agreement("agmt-renewed", Prod, "ACTIVE", endsInDays: 400)], []);

        Assert.Empty(inventory.Findings);
    }

    [Fact]
    public void AnAgreementWithoutAnEndNeverExpires()
    {
        Assert.Empty(Build([Agreement("agmt-payg", Prod, "ACTIVE")], [], windowDays: 3650).Findings);
    }

    [Fact]
    public void OnlyAccountOwnedImagesWithoutTheGuardTagAreUnprotected()
    {
        var inventory = Build(
            [Agreement("agmt-1", Prod, "ACTIVE")],
            [Image("ami-bare", Prod, guarded: false), Image("ami-tagged", Prod, guarded: true), Image("ami-marketplace", Prod, guarded: false, owned: false), Image("ami-west", Prod, guarded: false, region: "us-west-2")]);

        var unprotected = Assert.Single(inventory.Findings);
        Assert.Equal("MG4004", unprotected.RuleId);
        Assert.Equal(["ami-bare", "ami-west"], unprotected.ResourceIds.Order().ToArray());
        Assert.Contains("Get-MarketplacePaidResource -Region us-east-1 -ResourceType Image | Where-Object ImageId -in 'ami-bare' | Protect-MarketplacePaidResource", unprotected.Recommendation, StringComparison.Ordinal);
        Assert.Contains("-Region us-west-2", unprotected.Recommendation, StringComparison.Ordinal);
    }

    [Fact]
    public void AProtectedImageIsNoFinding()
    {
        Assert.Empty(Build([Agreement("agmt-1", Prod, "ACTIVE")], [Image("ami-tagged", Prod, guarded: true)]).Findings);
    }

    [Fact]
    public void AnUnmappedCodeCannotBeJoinedAndIsNeverASilentPass()
    {
        var inventory = Build([Agreement("agmt-old", Prod, "CANCELLED")], [Instance("i-1", Prod, "running", UnmappedCode)]);

        var notJoined = Assert.Single(inventory.Findings);
        Assert.Equal("MG4005", notJoined.RuleId);
        Assert.Equal(UnmappedCode, notJoined.ProductCode);
        Assert.Contains("no AWS API maps product codes to product ids", notJoined.Reason, StringComparison.Ordinal);
        Assert.False(inventory.Complete);
        Assert.False(inventory.Passed);
        Assert.Contains(inventory.Gaps, g => g.Kind == InventoryGapKind.ProductCodeNotMapped && g.Subject == UnmappedCode);
        Assert.Equal("not mapped", Assert.Single(inventory.Rows).AgreementStatus);
    }

    [Fact]
    public void WithoutAMapEveryCodeIsNotJoined()
    {
        var inventory = ProcurementInventory.Build([Agreement("agmt-1", Prod, "CANCELLED")], [Instance("i-1", Prod, "running")], null, null, Now, TimeSpan.FromDays(30));

        Assert.Equal(["MG4005"], inventory.Findings.Select(f => f.RuleId).ToArray());
    }

    [Fact]
    public void AnAccountNotReadIsNeverJudgedCleanNorLeaking()
    {
        var inventory = Build([], [Instance("i-1", Dev, "running")], [new AccountNotRead(Dev, "dev", "AccessDeniedException from the Agreement API")]);

        Assert.DoesNotContain(inventory.Findings, f => f.AccountId == Dev && f.RuleId is "MG4001" or "MG4003");
        Assert.False(inventory.Complete);
        var gap = Assert.Single(inventory.Gaps);
        Assert.Equal(InventoryGapKind.AccountNotRead, gap.Kind);
        Assert.Contains("AccessDeniedException", gap.Detail, StringComparison.Ordinal);
        Assert.Equal("AccessDeniedException from the Agreement API", inventory.Accounts.Single().NotReadReason);
        Assert.Equal("not read", Assert.Single(inventory.Rows).AgreementStatus);
    }

    [Fact]
    public void AnAgreementWithoutAProductIsAGap()
    {
        var inventory = Build([Agreement("agmt-anon", Prod, "ACTIVE", product: null)], []);

        Assert.Equal(InventoryGapKind.AgreementWithoutProduct, Assert.Single(inventory.Gaps).Kind);
        Assert.False(inventory.Passed);
    }

    [Fact]
    public void AnAgreementsOtherResourcesJoinToo()
    {
        var agreement = new Agreement("agmt-multi", Prod) { Status = "CANCELLED", Resources = [new AgreementResource(Product, "AmiProduct")] };

        Assert.Equal("MG4001", Assert.Single(Build([agreement], [Instance("i-1", Prod, "running")]).Findings).RuleId);
    }

    [Fact]
    public void EmptyInputIsAnErrorNotACleanInventory()
    {
        Assert.Throws<ArgumentException>(() => ProcurementInventory.Build([], [], Map, [], Now, TimeSpan.FromDays(30)));
    }

    [Fact]
    public void AnAccountReadWholeWithNothingInItIsACleanAnswerAndListed()
    {
        // The live form read the account's agreements and every region: nothing procured and nothing running is its
        // answer, not an empty input. An account not read beside it still fails the inventory.
        var clean = ProcurementInventory.Build([], [], Map, [], Now, TimeSpan.FromDays(30), [new AccountRead("111111111111", "empty")]);
        var partial = ProcurementInventory.Build([], [], Map, [new AccountNotRead("222222222222", null, "SearchAgreements failed: AccessDeniedException")], Now, TimeSpan.FromDays(30), [new AccountRead("111111111111", "empty")]);

        Assert.True(clean.Passed);
        Assert.Equal("111111111111", Assert.Single(clean.Accounts).AccountId);
        Assert.False(partial.Passed);
        Assert.Equal(["111111111111", "222222222222"], partial.Accounts.Select(a => a.AccountId));
    }

    [Fact]
    public void AHugeWindowDoesNotOverflow()
    {
        var inventory = ProcurementInventory.Build([Agreement("agmt-1", Prod, "ACTIVE", endsInDays: 9000)], [], Map, null, Now, TimeSpan.MaxValue);

        Assert.Equal("MG4002", Assert.Single(inventory.Findings).RuleId);
    }

    [Fact]
    public void RowsAreOnePerCodeAccountAndRegionWithTheirRules()
    {
        var inventory = Build(
            [Agreement("agmt-old", Prod, "CANCELLED")],
            [Instance("i-1", Prod, "running"), Instance("i-2", Prod, "running", region: "eu-west-1"), Image("ami-1", Prod, guarded: false), Instance("i-3", Prod, "running", OtherCode)]);

        Assert.Equal(3, inventory.Rows.Count);
        var east = inventory.Rows.Single(r => r.ProductCode == Code && r.Region == "us-east-1");
        Assert.Equal((1, 1, 1, "MG4001,MG4004", "agmt-old"), (east.RunningInstances, east.Images, east.UnprotectedImages, east.RuleIds, east.AgreementIds));
        Assert.Equal("MG4003", inventory.Rows.Single(r => r.ProductCode == OtherCode).RuleIds);
        Assert.Equal(3, inventory.Accounts.Single().RunningInstances);
    }

    [Fact]
    public void RuleIdsAreStableAndApartFromTheAudit()
    {
        Assert.Equal(["MG4001", "MG4002", "MG4003", "MG4004", "MG4005"], ProcurementRules.All.Select(r => r.Id).ToArray());
        Assert.DoesNotContain(AuditRules.All, r => r.Id.StartsWith("MG4", StringComparison.Ordinal));
    }
}
