using System;
using System.IO;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Tests.Audit;

/// <summary>
/// The bundled sample account (examples/sample-account.json): every finding it should produce, and none more.
/// The expectations were worked out by hand from the article's rules; examples/README.md explains each.
/// </summary>
public sealed class SampleAccountAuditTests
{
    private static readonly string Examples = Path.Combine(AppContext.BaseDirectory, "Examples");
    private static readonly DateOnly Today = new(2026, 11, 27);

    private static (Account Account, AuditRun Run) Audit()
    {
        var account = Account.Build(SnapshotLoader.Load(Path.Combine(Examples, "sample-account.json")));
        var procurement = account.Resolve(["Procurement"], out _);
        var viewers = account.Resolve(["Billing"], out _);
        var launchers = account.Resolve(["AmiOperators", "cfn-deployer"], out _);
        var governance = account.Resolve(["DistributionAdmins"], out _);
        var suppressions = SuppressionFile.Load(Path.Combine(Examples, "suppressions.json"));
        return (account, new LeastPrivilegeAudit().Run(account, procurement, viewers, suppressions, Today, launchers: launchers, governance: governance));
    }

    [Fact]
    public void ProducesExactlyTheExpectedFindings()
    {
        var (_, run) = Audit();

        var actual = run.Findings
            .Select(f => $"{f.RuleId} {f.Severity} {f.Principal} {f.Capability ?? "-"}{(f.Suppressed ? " suppressed" : string.Empty)}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "MG1001 High role/OrganizationAdmin Procure",
                "MG1001 High role/ml-research Procure",
                "MG1001 High user/dave Procure",
                "MG1001 High user/sam Procure",
                "MG1001 Medium role/MarketplaceBuyer Procure",
                "MG1002 High role/OrganizationAdmin Cancel",
                "MG1002 High role/ml-research Cancel",
                "MG1002 High user/dave Cancel",
                "MG1003 High user/priya Procure",
                "MG1005 Low role/catalog-admin Procure",
                "MG1005 Low role/ci-deploy Procure suppressed",
                "MG1005 Low user/bill Procure",
                "MG1005 Low user/carol Procure",
                "MG1005 Low user/cora Procure",
                "MG1005 Low user/victor Procure",
                "MG1006 Low user/cora ManagePrivateMarketplace",
                "MG1006 Medium role/OrganizationAdmin ManagePrivateMarketplace",
                "MG1006 Medium user/dave ManagePrivateMarketplace",
                "MG1007 Medium user/olga -",
                "MG2001 High role/OrganizationAdmin LaunchPaidAmi",
                "MG2001 High role/ci-deploy LaunchPaidAmi",
                "MG2001 High user/carol LaunchPaidAmi",
                "MG2001 High user/dave LaunchPaidAmi",
                "MG2001 Medium user/mia LaunchPaidAmi",
                "MG2002 High role/OrganizationAdmin ReplicatePaidAmi",
                "MG2002 High role/ci-deploy ReplicatePaidAmi",
                "MG2002 High user/carol ReplicatePaidAmi",
                "MG2002 High user/dave ReplicatePaidAmi",
                "MG2003 High role/OrganizationAdmin SharePaidAmi",
                "MG2003 High role/ci-deploy SharePaidAmi",
                "MG2003 High user/carol SharePaidAmi",
                "MG2003 High user/dave SharePaidAmi",
                "MG2003 High user/sid SharePaidAmi",
                "MG2004 High user/dana LaunchPaidAmi",
                "MG2005 High user/luke LaunchPaidAmi",
                "MG3001 High role/OrganizationAdmin DistributeLicenses",
                "MG3001 High user/dana DistributeLicenses",
                "MG3001 High user/dave DistributeLicenses",
                "MG3001 High user/lars DistributeLicenses",
                "MG3002 High role/OrganizationAdmin ShareThroughServiceCatalog",
                "MG3002 High role/catalog-admin ShareThroughServiceCatalog",
                "MG3002 High user/dana ShareThroughServiceCatalog",
                "MG3002 High user/dave ShareThroughServiceCatalog",
                "MG3003 High role/OrganizationAdmin BedrockAutoSubscribe",
                "MG3003 High role/ml-research BedrockAutoSubscribe",
                "MG3003 High user/dave BedrockAutoSubscribe",
                "MG3004 High user/gary DistributeLicenses",
            ],
            actual);
        Assert.False(run.Passed);
    }

    [Fact]
    public void FindingsSayTheSameWhetherReadOneByOneExplainedOnEveryCoreOrReleased()
    {
        // A finding works out its words when first read (a -Quiet check reads none); ExplainFindings does it on every
        // core, and Release keeps them once the account model is gone. All three must say the same, word for word.
        static string Words(Finding f) => $"{f.RuleId}|{f.Principal}|{f.Reason}|{f.Recommendation}|{f.Cause}|{string.Join(";", f.Conditions)}|{f.Evidence}";
        var oneByOne = Audit().Run.Findings.Select(Words).ToList();

        var (_, explained) = Audit();
        explained.ExplainFindings();
        var released = Audit().Run;
        released.Release();

        Assert.Equal(oneByOne, explained.Findings.Select(Words));
        Assert.Equal(oneByOne, released.Findings.Select(Words));
        Assert.All(released.Findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Reason) || string.IsNullOrWhiteSpace(f.Recommendation) || string.IsNullOrWhiteSpace(f.Cause)));
        Assert.Contains(oneByOne, w => w.StartsWith("MG1001|user/dave|user/dave is not authorized to procure but can always procure (", StringComparison.Ordinal));
    }

    [Fact]
    public void LockedOutProcurementMemberIsExplainedWithTheGroupAndTheFix()
    {
        var (_, run) = Audit();

        var finding = run.Findings.Single(f => f.RuleId == "MG1003");

        Assert.Equal("user/priya is authorized to procure but cannot: explicitly denied by Deny MarketplaceGuard-DenyMarketplace statement 0 (Sid DenyAWSMarketplaceAccess) via group Everyone", finding.Reason);
        Assert.Equal("Remove-IAMUserFromGroup -GroupName 'Everyone' -UserName 'priya'", finding.Recommendation);
        Assert.Equal(AuditDecision.ExplicitDeny, finding.Decision);
        Assert.Equal("group Everyone", Assert.Single(finding.Evidence).Via);
    }

    [Fact]
    public void PowerUserAccessGrantsSubscribeThroughNotAction()
    {
        var (_, run) = Audit();

        var finding = run.Findings.Single(f => f.RuleId == "MG1001" && f.PrincipalName == "dave");

        Assert.Equal(AuditDecision.Allowed, finding.Decision);
        Assert.Contains("Allow PowerUserAccess statement 0 via group Developers", finding.Reason, StringComparison.Ordinal);

        // The access arrives through the group, which holds nobody authorized: the fix is one deny at the group.
        Assert.Equal("group/Developers", finding.Cause);
        Assert.Equal("Revoke-MarketplaceAccess -GroupName 'Developers' -Rule 1", finding.Recommendation);
        Assert.Equal("user/dave", finding.Principal);
    }

    [Fact]
    public void MfaGatedRoleIsAMediumFindingNamingTheCondition()
    {
        var (_, run) = Audit();

        var finding = run.Findings.Single(f => f.PrincipalName == "MarketplaceBuyer");

        Assert.Equal(AuditDecision.ConditionallyAllowed, finding.Decision);
        Assert.Equal(["only if aws:MultiFactorAuthPresent is true"], finding.Conditions);
        Assert.Equal("Revoke-MarketplaceAccess -RoleName 'MarketplaceBuyer' -Rule 1", finding.Recommendation);
        Assert.False(finding.Suppressed, "its suppression expired on 2026-09-30");
        Assert.Equal("MG1001", Assert.Single(run.ExpiredSuppressions).RuleId);
    }

    [Fact]
    public void TheArticlesBillingViewerLeavesTheAgreementApiOnlyImplicitlyDeniedAndTheFixIsTheCurrentEdition()
    {
        var (_, run) = Audit();

        var finding = run.Findings.Single(f => f.PrincipalName == "bill");

        Assert.Equal("MG1005", finding.RuleId);
        Assert.Equal(AuditDecision.ImplicitDeny, finding.Decision);
        Assert.Equal(
            "user/bill cannot procure only because nothing allows it; no explicit deny protects aws-marketplace:CreateAgreementRequest, aws-marketplace:AcceptAgreementRequest",
            finding.Reason);
        Assert.Equal("Grant-MarketplaceProcurement -UserName 'bill' -AccessLevel Viewer -Edition Current", finding.Recommendation);
    }

    [Fact]
    public void UnknownManagedPolicyMakesThePrincipalUnjudgedNotSafe()
    {
        var (account, run) = Audit();

        var olga = account.Principals.Single(p => p.Name == "olga");
        Assert.False(olga.CanBeJudged);
        Assert.Contains(run.Matrix, e => e.Principal == olga && e.CapabilityDefinition == Capabilities.Procure && e.Decision == AuditDecision.Unknown);
        Assert.Contains("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess is not in the snapshot", run.Findings.Single(f => f.RuleId == "MG1007").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedAwsManagedPoliciesFillInWhatTheSnapshotLacks()
    {
        var (account, _) = Audit();

        var victor = account.Principals.Single(p => p.Name == "victor");
        Assert.True(victor.CanBeJudged);
        var view = new AccessAnalyzer().Analyze(victor, Capabilities.ViewSubscriptions);
        Assert.Equal(AuditDecision.Allowed, view.Decision);
        Assert.Equal("ViewOnlyAccess", view.Evidence[0].PolicyName);
    }

    [Fact]
    public void PermissionsBoundaryBlocksTheDeveloperGrant()
    {
        var (account, _) = Audit();

        var carol = new AccessAnalyzer().Analyze(account.Principals.Single(p => p.Name == "carol"), Capabilities.Procure);

        Assert.Equal(AuditDecision.ImplicitDeny, carol.Decision);
        Assert.Contains("the permissions boundary DevBoundary does not allow it", carol.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceLinkedRolesAreNotAskedForAnExplicitDeny()
    {
        var (_, run) = Audit();

        Assert.DoesNotContain(run.Findings, f => f.PrincipalName.StartsWith("AWSServiceRole", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryPrincipalHasOneEntryPerCapability()
    {
        var (account, run) = Audit();

        Assert.Equal(24, account.Principals.Count);
        Assert.Equal(24 * Capabilities.All.Count, run.Matrix.Count);
        Assert.Equal(AuditDecision.Allowed, run.Matrix.Single(e => e.PrincipalName == "pat" && e.CapabilityDefinition == Capabilities.Procure).Decision);

        // The article's BillingViewer denies Subscribe but not the Agreement API's purchase: nothing allows bill to
        // accept an agreement request, and nothing denies it.
        Assert.Equal(AuditDecision.ImplicitDeny, run.Matrix.Single(e => e.PrincipalName == "bill" && e.CapabilityDefinition == Capabilities.Procure).Decision);
    }

    [Fact]
    public void SelectorsResolveNamesArnsWildcardsAndGroups()
    {
        var (account, _) = Audit();

        Assert.Equal(["pat", "priya"], account.Resolve(["Procurement"], out _).Select(p => p.Name));
        Assert.Equal(["dave", "dana"], account.Resolve(["da*"], out _).Select(p => p.Name));
        Assert.Equal(["ci-deploy"], account.Resolve(["arn:aws:iam::111122223333:role/ci-deploy"], out _).Select(p => p.Name));
        Assert.Equal(["bill"], account.Resolve(["user/BILL"], out _).Select(p => p.Name));
        account.Resolve(["nobody", "pat"], out var resolution);
        Assert.Equal(["nobody"], resolution.Unmatched.Select(u => u.Value));
    }
}
