using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Catalog;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Reports;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Tests.Audit;

/// <summary>
/// Rule 3: each path of DistributeLicenses, ShareThroughServiceCatalog, BedrockAutoSubscribe and the Catalog API paths
/// of ManagePrivateMarketplace, the distribution templates, and the rules MG1006 (governance), MG3001–MG3004.
/// </summary>
public sealed class DistributionAuditTests
{
    private const string AccountId = "111122223333";
    private static readonly DateOnly Today = new(2026, 11, 30);

    private static readonly Capability[] Distribution =
        [Capabilities.DistributeLicenses, Capabilities.ShareThroughServiceCatalog, Capabilities.BedrockAutoSubscribe, Capabilities.ManagePrivateMarketplace];

    [Fact]
    public void TheRule3CapabilitiesFollowRule2InReportOrder()
    {
        Assert.Equal(
            ["Procure", "Cancel", "ViewSubscriptions", "ManagePrivateMarketplace", "LaunchPaidAmi", "ReplicatePaidAmi", "SharePaidAmi", "DistributeLicenses", "ShareThroughServiceCatalog", "BedrockAutoSubscribe"],
            Capabilities.All.Select(c => c.Name));
        Assert.All(Distribution, c => Assert.Equal(3, c.Rule));
        Assert.Equal(["MG3001", "MG3002", "MG3003", "MG3004"], AuditRules.All.Where(r => r.Id.StartsWith("MG3", StringComparison.Ordinal)).Select(r => r.Id));
    }

    /// <summary>Every path, its actions allowed on "*" and nothing else, gives its capability: no path is dead.</summary>
    [Fact]
    public void EachPathAloneGivesItsCapability()
    {
        foreach (var capability in Distribution)
        {
            for (var p = 0; p < capability.RequestPaths.Count; p++)
            {
                var account = Build(User("u", Allow(capability.Paths[p])));
                var entry = new AccessAnalyzer().Analyze(account.Principals[0], capability);
                Assert.True(entry.Decision == AuditDecision.Allowed, $"{capability} path {p} ({string.Join(", ", capability.Paths[p])}): {entry.Decision}");
            }
        }
    }

    /// <summary>A path of several requests needs all of them: any one left out, the path gives nothing.</summary>
    [Fact]
    public void APathWithSeveralRequestsNeedsEachOfThem()
    {
        foreach (var capability in new[] { Capabilities.ShareThroughServiceCatalog, Capabilities.BedrockAutoSubscribe })
        {
            foreach (var path in capability.Paths.Where(p => p.Count > 1))
            {
                foreach (var missing in path)
                {
                    var account = Build(User("u", Allow(path.Where(a => a != missing))));
                    var decision = new AccessAnalyzer().Analyze(account.Principals[0], capability).Decision;
                    Assert.True(decision == AuditDecision.ImplicitDeny, $"{capability} without {missing}: {decision}");
                }
            }
        }
    }

    [Fact]
    public void ALaunchConstraintNeedsThePassRoleOfALaunchRoleToServiceCatalog()
    {
        var toCatalog = """{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"servicecatalog.amazonaws.com"}}}""";
        var toEc2 = """{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}""";
        var account = Build(
            User("catalog", Allow(["servicecatalog:CreateConstraint"]), toCatalog),
            User("ec2", Allow(["servicecatalog:CreateConstraint"]), toEc2),
            User("none", Allow(["servicecatalog:CreateConstraint"])));
        var analyzer = new AccessAnalyzer();

        Assert.Equal(AuditDecision.Allowed, analyzer.Analyze(account.Principals[0], Capabilities.ShareThroughServiceCatalog).Decision);
        Assert.Equal(AuditDecision.ImplicitDeny, analyzer.Analyze(account.Principals[1], Capabilities.ShareThroughServiceCatalog).Decision);
        Assert.Equal(AuditDecision.ImplicitDeny, analyzer.Analyze(account.Principals[2], Capabilities.ShareThroughServiceCatalog).Decision);
    }

    /// <summary>A policy scoped to part of a path's resources leaves the capability conditional, never denied.</summary>
    [Theory]
    [InlineData("license-manager:CreateGrant", "arn:aws:license-manager::111122223333:license:l-0abc", "DistributeLicenses")]
    [InlineData("servicecatalog:CreatePortfolioShare", "arn:aws:catalog:us-east-1:444455556666:portfolio/port-hub", "ShareThroughServiceCatalog")]
    [InlineData("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.*", "BedrockAutoSubscribe")]
    [InlineData("aws-marketplace:StartChangeSet", "arn:aws:aws-marketplace:us-east-1:999988887777:AWSMarketplace/Experience/*", "ManagePrivateMarketplace")]
    public void APolicyOnPartOfThePathsResourcesIsConditional(string action, string resource, string capability)
    {
        var scoped = $$"""{"Effect":"Allow","Action":"{{action}}","Resource":"{{resource}}"}""";
        var account = Build(User("u", scoped, Allow(["aws-marketplace:Subscribe", "aws-marketplace:Unsubscribe", "aws-marketplace:ViewSubscriptions"])));
        Assert.Equal(AuditDecision.ConditionallyAllowed, new AccessAnalyzer().Analyze(account.Principals[0], Capabilities.Find(capability)!).Decision);
    }

    [Fact]
    public void ActionsWithoutResourceTypesAreAskedOnTheWildcardResource()
    {
        Assert.Empty(ActionCatalog.Default.Find("license-manager:CreateLicense")!.ResourceTypes);
        Assert.Empty(ActionCatalog.Default.Find("servicecatalog:AssociateProductWithPortfolio")!.ResourceTypes);
        Assert.Equal(["license"], ActionCatalog.Default.Find("license-manager:CreateGrant")!.ResourceTypes);
        Assert.Contains("foundation-model", ActionCatalog.Default.Find("bedrock:InvokeModel")!.ResourceTypes);
        Assert.False(ActionCatalog.Default.IsComplete("servicecatalog"));

        // Scoped to a portfolio, AssociateProductWithPortfolio never matches: IAM asks it on "*" (no resource type).
        var scoped = """{"Effect":"Allow","Action":"servicecatalog:AssociateProductWithPortfolio","Resource":"arn:aws:catalog:*:*:portfolio/*"}""";
        var account = Build(User("u", scoped));
        Assert.Equal(AuditDecision.ImplicitDeny, new AccessAnalyzer().Analyze(account.Principals[0], Capabilities.ShareThroughServiceCatalog).Decision);
    }

    [Fact]
    public void TheDistributionDenyClosesEveryPathOfDistributionAndThePrivateMarketplace()
    {
        var deny = Statements(PolicyTemplateCatalog.DenyMarketplaceDistribution);
        var account = Build(User("admin", ["""{"Effect":"Allow","Action":"*","Resource":"*"}""", .. deny]));
        var admin = account.Principals[0];
        var analyzer = new AccessAnalyzer();
        foreach (var capability in new[] { Capabilities.DistributeLicenses, Capabilities.ShareThroughServiceCatalog, Capabilities.ManagePrivateMarketplace })
        {
            foreach (var path in capability.RequestPaths)
            {
                var decisions = path.Select(r => analyzer.Evaluate(admin, r).Result.Decision).ToList();
                Assert.True(decisions.Contains(AuditDecision.ExplicitDeny), $"{capability}: {string.Join(" + ", path)} is not explicitly denied: {string.Join(", ", decisions)}");
            }

            Assert.Equal(AuditDecision.ExplicitDeny, analyzer.Analyze(admin, capability).Decision);
        }

        // Bedrock's subscription is a purchase: Rule 1's deny stops it, the distribution deny does not.
        Assert.Equal(AuditDecision.Allowed, analyzer.Analyze(admin, Capabilities.BedrockAutoSubscribe).Decision);
        var withRule1 = Build(User("admin", ["""{"Effect":"Allow","Action":"*","Resource":"*"}""", .. Statements(PolicyTemplateCatalog.DenyMarketplace)]));
        Assert.Equal(AuditDecision.ExplicitDeny, analyzer.Analyze(withRule1.Principals[0], Capabilities.BedrockAutoSubscribe).Decision);
    }

    [Fact]
    public void TheGovernanceGrantGivesEveryDistributionCapabilityAndNothingOfRules1And2()
    {
        var account = Build(User("gov", Statements(PolicyTemplateCatalog.MarketplaceDistributionAdmin)));
        var analyzer = new AccessAnalyzer();
        var gov = account.Principals[0];

        Assert.Equal(AuditDecision.Allowed, analyzer.Analyze(gov, Capabilities.DistributeLicenses).Decision);
        Assert.Equal(AuditDecision.Allowed, analyzer.Analyze(gov, Capabilities.ShareThroughServiceCatalog).Decision);
        Assert.Equal(AuditDecision.Allowed, analyzer.Analyze(gov, Capabilities.ManagePrivateMarketplace).Decision);
        foreach (var capability in new[] { Capabilities.Procure, Capabilities.Cancel, Capabilities.BedrockAutoSubscribe, Capabilities.LaunchPaidAmi, Capabilities.ReplicatePaidAmi, Capabilities.SharePaidAmi })
        {
            Assert.Equal(AuditDecision.ImplicitDeny, analyzer.Analyze(gov, capability).Decision);
        }
    }

    [Fact]
    public void TheTemplatesNameOnlyActionsTheCatalogKnows()
    {
        foreach (var name in new[] { PolicyTemplateCatalog.MarketplaceDistributionAdmin, PolicyTemplateCatalog.DenyMarketplaceDistribution })
        {
            var template = PolicyTemplateCatalog.Get(name);
            Assert.Equal(3, template.Rule);
            foreach (var action in template.Policy.Statements.SelectMany(s => s.Actions).Where(a => !a.StartsWith("iam:", StringComparison.Ordinal)))
            {
                Assert.True(ActionCatalog.Default.Find(action) is not null, $"{name} names {action}, which the catalog does not know");
            }
        }
    }

    // ---- ManagePrivateMarketplace through the Catalog API (MG1006) ----

    [Theory]
    [InlineData("""{"Effect":"Allow","Action":"aws-marketplace:StartChangeSet","Resource":"*"}""", AuditDecision.Allowed)]
    [InlineData("""{"Effect":"Allow","Action":"aws-marketplace:StartChangeSet","Resource":"*","Condition":{"StringEquals":{"catalog:ChangeType":["AllowProductProcurement","DenyProductProcurement"]}}}""", AuditDecision.Allowed)]
    [InlineData("""{"Effect":"Allow","Action":"aws-marketplace:StartChangeSet","Resource":"*","Condition":{"StringEquals":{"catalog:ChangeType":"CreateAgentTokenContainer"}}}""", AuditDecision.ImplicitDeny)]
    [InlineData("""{"Effect":"Allow","Action":"aws-marketplace:StartChangeSet","Resource":"*","Condition":{"StringEquals":{"aws-marketplace:Intent":"VALIDATE"}}}""", AuditDecision.ConditionallyAllowed)]
    [InlineData("""{"Effect":"Allow","Action":"aws-marketplace:StartChangeSet","Resource":"arn:aws:aws-marketplace:*:*:AWSMarketplace/Experience/*"}""", AuditDecision.ConditionallyAllowed)]
    [InlineData("""{"Effect":"Allow","Action":"aws-marketplace:StartChangeSet","Resource":"arn:aws:aws-marketplace:*:*:AWSMarketplace/Offer/*"}""", AuditDecision.ConditionallyAllowed)]
    [InlineData("""{"Effect":"Allow","Action":"aws-marketplace:StartChangeSet","Resource":"arn:aws:aws-marketplace:us-west-2:*:AWSMarketplace/*"}""", AuditDecision.ImplicitDeny)]
    public void StartChangeSetManagesThePrivateMarketplaceOnlyForItsChangeTypes(string statement, AuditDecision expected)
    {
        var account = Build(User("u", statement));
        Assert.Equal(expected, new AccessAnalyzer().Analyze(account.Principals[0], Capabilities.ManagePrivateMarketplace).Decision);
    }

    /// <summary>The buyers' managed policy allows StartChangeSet only for its own change types: it does not manage the Private Marketplace.</summary>
    [Fact]
    public void AWSMarketplaceManageSubscriptionsDoesNotManageThePrivateMarketplace()
    {
        var account = Build(User("buyer") with { Managed = ["AWSMarketplaceManageSubscriptions"] });
        var buyer = account.Principals[0];
        var analyzer = new AccessAnalyzer();
        Assert.Equal(AuditDecision.ImplicitDeny, analyzer.Analyze(buyer, Capabilities.ManagePrivateMarketplace).Decision);
        Assert.Equal(AuditDecision.Allowed, analyzer.Analyze(buyer, Capabilities.Procure).Decision);

        var admin = Build(User("pmp") with { Managed = ["AWSPrivateMarketplaceAdminFullAccess"] }).Principals[0];
        Assert.Equal(AuditDecision.Allowed, analyzer.Analyze(admin, Capabilities.ManagePrivateMarketplace).Decision);
    }

    [Fact]
    public void ACuratorThroughTheCatalogApiIsMG1006UnlessProcurementOrGovernance()
    {
        var curator = """{"Effect":"Allow","Action":"aws-marketplace:StartChangeSet","Resource":"*","Condition":{"StringEquals":{"catalog:ChangeType":"AllowProductProcurement"}}}""";
        var account = Build(User("cora", curator), User("gwen", curator), User("pat", curator));
        var run = new LeastPrivilegeAudit().Run(account, [account.Principals[2]], [], [], Today, governance: [account.Principals[1]]);

        var finding = Assert.Single(run.Findings, f => f.RuleId == "MG1006");
        Assert.Equal(("user/cora", Severity.Medium), (finding.Principal, finding.Severity));
        Assert.Equal("ManagePrivateMarketplace", finding.Capability);
        Assert.StartsWith("user/cora is outside the procurement team and the governance principals but can always manage the Private Marketplace", finding.Reason, StringComparison.Ordinal);
        Assert.Equal("Revoke-MarketplaceAccess -UserName 'cora' -Rule 1", finding.Recommendation);
        Assert.Equal("Governance", run.RoleOf(account.Principals[1]));
        Assert.Equal("Procurement", run.RoleOf(account.Principals[2]));
    }

    // ---- MG3001, MG3002 ----

    [Fact]
    public void DistributingLicensesOutsideGovernanceIsMG3001AndAGovernancePrincipalIsExempt()
    {
        var grants = Allow(["license-manager:CreateGrant", "license-manager:CreateGrantVersion"]);
        var account = Build(User("lars", grants), User("gwen", grants));
        var run = new LeastPrivilegeAudit().Run(account, [], [], [], Today, governance: [account.Principals[1]]);

        var finding = Assert.Single(run.Findings, f => f.RuleId.StartsWith("MG3", StringComparison.Ordinal));
        Assert.Equal(("MG3001", Severity.High, "user/lars"), (finding.RuleId, finding.Severity, finding.Principal));
        Assert.Equal("DistributeLicenses", finding.Capability);
        Assert.StartsWith("user/lars is not a governance principal but can always distribute Marketplace licenses", finding.Reason, StringComparison.Ordinal);
        Assert.Equal("Revoke-MarketplaceAccess -UserName 'lars' -Rule 3", finding.Recommendation);
    }

    [Fact]
    public void SharingThroughServiceCatalogOutsideGovernanceIsMG3002AndConditionalIsMedium()
    {
        var mfa = """{"Effect":"Allow","Action":"servicecatalog:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}""";
        var account = Build(User("admin", Allow(["servicecatalog:*"])), User("mfa", mfa), Role("catalog") with { Managed = ["AWSServiceCatalogAdminFullAccess"] });
        var run = new LeastPrivilegeAudit().Run(account, [], [], [], Today);

        var findings = run.Findings.Where(f => f.RuleId == "MG3002").ToDictionary(f => f.Principal, f => f.Severity);
        Assert.Equal(Severity.High, findings["user/admin"]);
        Assert.Equal(Severity.Medium, findings["user/mfa"]);
        Assert.Equal(Severity.High, findings["role/catalog"]);
        Assert.Contains("only if aws:MultiFactorAuthPresent is true", run.Findings.Single(f => f.RuleId == "MG3002" && f.Principal == "user/mfa").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUndeclaredHolderOfTheGovernanceGrantIsToldToForce()
    {
        var run = new LeastPrivilegeAudit().Run(SampleAccount(), [], [], [], Today);
        string Fix(string rule, string principal) => run.Findings.Single(f => f.RuleId == rule && f.Principal == principal).Recommendation;

        Assert.Equal("Revoke-MarketplaceAccess -GroupName 'DistributionAdmins' -Rule 3 -Force", Fix("MG3001", "user/gwen"));
        Assert.Equal("Revoke-MarketplaceAccess -GroupName 'Developers' -Rule 3", Fix("MG3001", "user/dave"));
        Assert.Equal("Revoke-MarketplaceAccess -RoleName 'catalog-admin' -Rule 3", Fix("MG3002", "role/catalog-admin"));
        Assert.DoesNotContain(run.Findings, f => f.RuleId == "MG3004");
    }

    [Fact]
    public void Rule3FindingsAreSuppressedLikeAnyOther()
    {
        var account = Build(User("lars", Allow(["license-manager:CreateGrant"])));
        var suppression = new Suppression("MG3001", "user/lars", "the license desk, until the governance group exists", new DateOnly(2027, 6, 30));
        var run = new LeastPrivilegeAudit().Run(account, [], [], [suppression], Today);

        var finding = Assert.Single(run.Findings, f => f.RuleId == "MG3001");
        Assert.True(finding.Suppressed);
        Assert.False(new LeastPrivilegeAudit().Run(account, [], [], [new Suppression("MG3002", "user/lars", "another rule", new DateOnly(2027, 6, 30))], Today).Findings.Single(f => f.RuleId == "MG3001").Suppressed);
    }

    // ---- MG3003 ----

    [Fact]
    public void InvokingBedrockWithTheSubscriptionRightsIsMG3003HighOutsideProcurementLowInside()
    {
        var both = Allow(["bedrock:InvokeModel", "aws-marketplace:Subscribe", "aws-marketplace:Unsubscribe", "aws-marketplace:ViewSubscriptions"]);
        var account = Build(User("ds", both), User("pat", both), User("reader", Allow(["bedrock:InvokeModel", "aws-marketplace:ViewSubscriptions"])));
        var run = new LeastPrivilegeAudit().Run(account, [account.Principals[1]], [], [], Today);

        var findings = run.Findings.Where(f => f.RuleId == "MG3003").ToDictionary(f => f.Principal);
        Assert.Equal(2, findings.Count);
        Assert.Equal(Severity.High, findings["user/ds"].Severity);
        Assert.Equal("Revoke-MarketplaceAccess -UserName 'ds' -Rule 1", findings["user/ds"].Recommendation);
        Assert.Equal(Severity.Low, findings["user/pat"].Severity);
        Assert.Contains("separate role", findings["user/pat"].Recommendation, StringComparison.Ordinal);
        Assert.Contains("without a purchase decision", findings["user/pat"].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ASubscribeScopedToProductIdsIsAConditionalMG3003()
    {
        var scoped = """{"Effect":"Allow","Action":["aws-marketplace:Subscribe","aws-marketplace:Unsubscribe","aws-marketplace:ViewSubscriptions"],"Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws-marketplace:ProductId":["prod-4pmewlybdftbs"]}}}""";
        var account = Build(User("ds", Allow(["bedrock:InvokeModelWithResponseStream"]), scoped));
        var run = new LeastPrivilegeAudit().Run(account, [], [], [], Today);

        var finding = Assert.Single(run.Findings, f => f.RuleId == "MG3003");
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Contains("aws-marketplace:ProductId", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceLinkedRolesGetNoDistributionFinding()
    {
        var everything = Allow(["license-manager:*", "servicecatalog:*", "bedrock:*", "aws-marketplace:*"]);
        var account = Build(Role("AWSServiceRoleForMarketplaceLicenseManagement", everything) with { Path = "/aws-service-role/license-management.marketplace.amazonaws.com/" });
        var run = new LeastPrivilegeAudit().Run(account, [], [], [], Today);
        Assert.DoesNotContain(run.Findings, f => f.RuleId.StartsWith("MG3", StringComparison.Ordinal));
    }

    // ---- MG3004 ----

    [Fact]
    public void AGovernancePrincipalThatCanDoNoneOfItIsLockedOut()
    {
        var grant = Statements(PolicyTemplateCatalog.MarketplaceDistributionAdmin);
        var deny = Statements(PolicyTemplateCatalog.DenyMarketplaceDistribution);
        var account = Build(User("gary", [.. grant, .. deny]), User("gwen", grant), User("nobody"));
        var run = new LeastPrivilegeAudit().Run(account, [], [], [], Today, governance: account.Principals);

        var lockouts = run.Findings.Where(f => f.RuleId == "MG3004").ToList();
        Assert.Equal(["user/gary", "user/nobody"], lockouts.Select(f => f.Principal));
        var gary = lockouts[0];
        Assert.Equal(Severity.High, gary.Severity);
        Assert.Equal(AuditDecision.ExplicitDeny, gary.Decision);
        Assert.StartsWith("user/gary is authorized to administer distribution but can do none of it: distribute licenses: explicitly denied by", gary.Reason, StringComparison.Ordinal);
        Assert.Equal("Grant-MarketplaceProcurement -UserName 'nobody' -AccessLevel Governance", lockouts[1].Recommendation);
    }

    [Fact]
    public void AGovernancePrincipalThatCanDoSomeOfItIsNotLockedOut()
    {
        var account = Build(User("lm", Allow(["license-manager:CreateGrant"])), User("pmp", Allow(["aws-marketplace:AssociateProductsWithPrivateMarketplace"])));
        var run = new LeastPrivilegeAudit().Run(account, [], [], [], Today, governance: account.Principals);
        Assert.DoesNotContain(run.Findings, f => f.RuleId is "MG3004" or "MG3001" or "MG1006");
    }

    [Fact]
    public void ALockoutFixThatLeavesTheDenyingGroupAlsoGrantsWhenNothingElseAllows()
    {
        // sid and priya are in Everyone, whose deny covers every aws-marketplace action. Named procurement, sid holds no
        // procurement grant: out of Everyone he would still be (implicitly) denied. Named governance, priya needs only
        // the grant: the Rule 1 deny stops the Private Marketplace, not License Manager nor Service Catalog.
        var account = SampleAccount();
        var run = new LeastPrivilegeAudit().Run(account, account.Resolve(["Procurement", "sid"], out _), [], [], Today, governance: account.Resolve(["DistributionAdmins", "priya"], out _));

        string Fix(string rule, string principal) => run.Findings.Single(f => f.RuleId == rule && f.Principal == principal).Recommendation;
        Assert.Equal("Remove-IAMUserFromGroup -GroupName 'Everyone' -UserName 'sid'; Grant-MarketplaceProcurement -UserName 'sid'", Fix("MG1003", "user/sid"));
        Assert.Equal("Remove-IAMUserFromGroup -GroupName 'Everyone' -UserName 'priya'", Fix("MG1003", "user/priya"));
        Assert.Equal("Grant-MarketplaceProcurement -UserName 'priya' -AccessLevel Governance", Fix("MG3004", "user/priya"));
        Assert.Equal("Remove-IAMUserFromGroup -GroupName 'NoDistribution' -UserName 'gary'", Fix("MG3004", "user/gary"));
    }

    [Fact]
    public void TheSampleAccountsLockedOutGovernanceUserLeavesTheGroupThatDeniesHim()
    {
        var account = SampleAccount();
        var run = new LeastPrivilegeAudit().Run(account, account.Resolve(["Procurement"], out _), [], [], Today, governance: account.Resolve(["DistributionAdmins"], out _));

        var finding = Assert.Single(run.Findings, f => f.RuleId == "MG3004");
        Assert.Equal("user/gary", finding.Principal);
        Assert.Equal("Remove-IAMUserFromGroup -GroupName 'NoDistribution' -UserName 'gary'", finding.Recommendation);
        Assert.Equal("group/NoDistribution", finding.Cause);
        Assert.DoesNotContain(run.Findings, f => f.Principal == "user/gwen");
        Assert.Equal(["user/gwen", "user/gary"], run.GovernancePrincipals);
    }

    // ---- Reports ----

    [Theory]
    [InlineData(ReportFormat.Json)]
    [InlineData(ReportFormat.Sarif)]
    [InlineData(ReportFormat.JUnit)]
    [InlineData(ReportFormat.Markdown)]
    [InlineData(ReportFormat.Html)]
    public void ReportsCarryTheGovernancePrincipalsAndRule3Findings(ReportFormat format)
    {
        var account = SampleAccount();
        var declaration = new AuditDeclaration(["Procurement"], governancePrincipals: ["DistributionAdmins"]);
        var run = new LeastPrivilegeAudit().Run(account, account.Resolve(["Procurement"], out _), [], [], Today, declaration: declaration, governance: account.Resolve(["DistributionAdmins"], out _));

        var text = Write(run, format);

        Assert.Contains("DistributionAdmins", text, StringComparison.Ordinal);
        Assert.Contains("MG3004", text, StringComparison.Ordinal);
        Assert.Contains("MG3001", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AJsonReportReadBackKeepsTheGovernancePrincipalsAndEveryRule3Finding()
    {
        var account = SampleAccount();
        var declaration = new AuditDeclaration(["Procurement"], governancePrincipals: ["DistributionAdmins"]);
        var run = new LeastPrivilegeAudit().Run(account, account.Resolve(["Procurement"], out _), [], [], Today, declaration: declaration, governance: account.Resolve(["DistributionAdmins"], out _));
        run.Release();
        var json = Write(run, ReportFormat.Json);

        var restored = Assert.Single(JsonReportReader.Parse(Encoding.UTF8.GetBytes(json), "report.json").Runs);

        Assert.Equal(["DistributionAdmins"], restored.DeclaredGovernancePrincipals);
        Assert.Equal(["user/gwen", "user/gary"], restored.GovernancePrincipals);
        Assert.Equal(
            run.Findings.Where(f => f.RuleId.StartsWith("MG3", StringComparison.Ordinal)).Select(f => (f.RuleId, f.Severity, f.Principal, f.Reason, f.Recommendation)),
            restored.Findings.Where(f => f.RuleId.StartsWith("MG3", StringComparison.Ordinal)).Select(f => (f.RuleId, f.Severity, f.Principal, f.Reason, f.Recommendation)));
        Assert.Equal(json, Write(restored, ReportFormat.Json));
    }

    [Fact]
    public void AJsonReportOfTheFormatBeforeRule3IsRefused()
    {
        var account = SampleAccount();
        var run = new LeastPrivilegeAudit().Run(account, account.Resolve(["Procurement"], out _), [], [], Today);
        var json = Write(run, ReportFormat.Json).Replace("\"formatVersion\": 2", "\"formatVersion\": 1", StringComparison.Ordinal);

        var error = Assert.Throws<ReportFileException>(() => JsonReportReader.Parse(Encoding.UTF8.GetBytes(json), "old.json"));
        Assert.Equal(ReportFileProblem.UnsupportedVersion, error.Kind);
    }

    // ---- Helpers ----

    private sealed record TestPrincipal(string Kind, string Name, string[] Statements)
    {
        public string[] Managed { get; init; } = [];

        public string Path { get; init; } = "/";
    }

    private static TestPrincipal User(string name, params string[] statements) => new("user", name, statements);

    private static TestPrincipal Role(string name, params string[] statements) => new("role", name, statements);

    private static string Allow(IEnumerable<string> actions) =>
        $$"""{"Effect":"Allow","Action":{{JsonSerializer.Serialize(actions)}},"Resource":"*"}""";

    /// <summary>A template's statements, to put in an inline policy.</summary>
    private static string[] Statements(string template)
    {
        using var document = JsonDocument.Parse(PolicyTemplateCatalog.Get(template).Document);
        return document.RootElement.GetProperty("Statement").EnumerateArray().Select(s => s.GetRawText()).ToArray();
    }

    private static Account Build(params TestPrincipal[] principals)
    {
        string Entity(TestPrincipal p)
        {
            var policy = p.Statements.Length == 0 ? "[]" : "[{\"PolicyName\":\"inline\",\"PolicyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":[" + string.Join(",", p.Statements) + "]}}]";
            var managed = "[" + string.Join(",", p.Managed.Select(m => "{\"PolicyName\":\"" + m + "\",\"PolicyArn\":\"arn:aws:iam::aws:policy/" + m + "\"}")) + "]";
            var arn = $"arn:aws:iam::{AccountId}:{p.Kind}{p.Path}{p.Name}";
            var trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
            return p.Kind == "user"
                ? "{\"UserName\":\"" + p.Name + "\",\"Path\":\"" + p.Path + "\",\"Arn\":\"" + arn + "\",\"UserPolicyList\":" + policy + ",\"AttachedManagedPolicies\":" + managed + "}"
                : "{\"RoleName\":\"" + p.Name + "\",\"Path\":\"" + p.Path + "\",\"Arn\":\"" + arn + "\",\"RolePolicyList\":" + policy + ",\"AttachedManagedPolicies\":" + managed + ",\"AssumeRolePolicyDocument\":" + trust + "}";
        }

        var json = $$"""
            {"UserDetailList":[{{string.Join(",", principals.Where(p => p.Kind == "user").Select(Entity))}}],
             "GroupDetailList":[],
             "RoleDetailList":[{{string.Join(",", principals.Where(p => p.Kind == "role").Select(Entity))}}],
             "Policies":[]}
            """;
        return Account.Build(SnapshotLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "account.json"));
    }

    private static Account SampleAccount() =>
        Account.Build(SnapshotLoader.Load(System.IO.Path.Combine(AppContext.BaseDirectory, "Examples", "sample-account.json")));

    private static string Write(AuditRun run, ReportFormat format)
    {
        using var writer = new StringWriter();
        AuditReportWriter.Write(run, format, writer, new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        return writer.ToString();
    }
}
