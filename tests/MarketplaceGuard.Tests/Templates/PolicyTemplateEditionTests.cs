using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Catalog;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Policies;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Tests.Templates;

/// <summary>
/// The Article and Current editions of the Rule 1 templates: what each edition holds, and, with the module's
/// evaluator, that the Current documents cover every path of the Rule 1 capabilities (the Agreement API included).
/// </summary>
public sealed class PolicyTemplateEditionTests
{
    private static readonly PolicyTemplate ProcurementCurrent = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.Procurement, PolicyTemplateEdition.Current);
    private static readonly PolicyTemplate ViewerCurrent = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.BillingViewer, PolicyTemplateEdition.Current);
    private static readonly PolicyTemplate ViewerArticle = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.BillingViewer, PolicyTemplateEdition.Article);
    private static readonly RequestContext AsAcceptor = Evaluation.Eval.Audit(("aws-marketplace:PartyType", "Acceptor"));

    private static NamedPolicy Policy(PolicyTemplate template) => new(template.PolicyName, PolicyCompiler.Compile(template.Policy));

    private static NamedPolicy AwsManaged(string name) =>
        new(name, PolicyCompiler.Compile(PolicyParser.Parse(AwsManagedPolicyLibrary.Default.Find("arn:aws:iam::aws:policy/" + name)!)));

    private static AuditDecision Audit(PolicySet set, string action, RequestContext? context = null) =>
        PolicyEvaluator.Default.Audit(set, action, "*", context ?? RequestContext.Unknown).Decision;

    /// <summary>Every action of every path of Procure and Cancel: what a billing viewer must never do.</summary>
    public static TheoryData<string> PurchaseAndCancellationActions() =>
        [.. new[] { Capabilities.Procure, Capabilities.Cancel }.SelectMany(c => c.Actions).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Every action of every path of the three Rule 1 capabilities.</summary>
    public static TheoryData<string> RuleOneActions() =>
        [.. new[] { Capabilities.Procure, Capabilities.Cancel, Capabilities.ViewSubscriptions }.SelectMany(c => c.Actions).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>AWS managed policies that let their holder buy or cancel: none may undo the viewer's deny.</summary>
    private static readonly string[] BuyerPolicies = ["AWSMarketplaceManageSubscriptions", "AWSMarketplaceFullAccess", "AdministratorAccess"];

    public static TheoryData<string> BuyerManagedPolicies() => [.. BuyerPolicies];

    [Fact]
    public void TheArticleEditionIsTheDefaultAndBothEditionsListTheSameNamesInTheSameOrder()
    {
        Assert.Equal([PolicyTemplateEdition.Article, PolicyTemplateEdition.Current], PolicyTemplateCatalog.Editions);
        Assert.Equal(PolicyTemplateCatalog.All, PolicyTemplateCatalog.InEdition(PolicyTemplateEdition.Article));
        Assert.Same(PolicyTemplateCatalog.Get(PolicyTemplateCatalog.Procurement), PolicyTemplateCatalog.Get(PolicyTemplateCatalog.Procurement, PolicyTemplateEdition.Article));
        Assert.Equal(
            PolicyTemplateCatalog.All.Select(t => (t.Name, t.PolicyName, t.Rule)),
            PolicyTemplateCatalog.InEdition(PolicyTemplateEdition.Current).Select(t => (t.Name, t.PolicyName, t.Rule)));
    }

    [Fact]
    public void OnlyProcurementAndBillingViewerHaveACurrentText()
    {
        var article = PolicyTemplateCatalog.InEdition(PolicyTemplateEdition.Article);
        var current = PolicyTemplateCatalog.InEdition(PolicyTemplateEdition.Current);

        Assert.Equal(
            [PolicyTemplateEdition.Article, PolicyTemplateEdition.Article, PolicyTemplateEdition.Article, PolicyTemplateEdition.Current, PolicyTemplateEdition.Current, PolicyTemplateEdition.Current, PolicyTemplateEdition.Current, PolicyTemplateEdition.Current],
            article.Select(t => t.Edition));
        Assert.Equal(
            [PolicyTemplateEdition.Current, PolicyTemplateEdition.Current, PolicyTemplateEdition.Article, PolicyTemplateEdition.Current, PolicyTemplateEdition.Current, PolicyTemplateEdition.Current, PolicyTemplateEdition.Current, PolicyTemplateEdition.Current],
            current.Select(t => t.Edition));

        // DenyMarketplace's aws-marketplace:* already covers the Agreement API: one document, not a duplicate.
        Assert.Same(article[2], current[2]);
        Assert.Equal(article.Skip(3), current.Skip(3));
        Assert.False(article[0].Policy.SemanticallyEquals(current[0].Policy));
        Assert.False(article[1].Policy.SemanticallyEquals(current[1].Policy));
        Assert.NotEqual(article[0].Description, current[0].Description);
    }

    [Fact]
    public void TheDenyCoversEveryAgreementApiActionOfTheActionCatalog()
    {
        var deny = new PolicySet([Policy(PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyMarketplace, PolicyTemplateEdition.Current)), AwsManaged("AdministratorAccess")]);
        var agreementActions = ActionCatalog.Default.Expand("aws-marketplace:*Agreement*").ToList();

        Assert.Contains(agreementActions, a => a.Name == "AcceptAgreementRequest");
        Assert.All(agreementActions, a => Assert.Equal(AuditDecision.ExplicitDeny, Audit(deny, a.FullName)));
    }

    [Theory]
    [MemberData(nameof(RuleOneActions))]
    public void TheCurrentProcurementPolicyAllowsEveryPathOfProcureCancelAndView(string action)
    {
        var set = new PolicySet([Policy(ProcurementCurrent)]);

        // As the agreement's acceptor (the buyer) every request is allowed; AcceptAgreementCancellationRequest is
        // scoped to that party, so with the party unknown it is allowed only conditionally, never denied.
        Assert.Equal(AuditDecision.Allowed, Audit(set, action, AsAcceptor));
        Assert.Contains(Audit(set, action), new[] { AuditDecision.Allowed, AuditDecision.ConditionallyAllowed });
    }

    [Fact]
    public void TheArticleProcurementPolicyLeavesTheAgreementApiOut()
    {
        var set = new PolicySet([Policy(PolicyTemplateCatalog.Get(PolicyTemplateCatalog.Procurement))]);

        Assert.Equal(AuditDecision.ImplicitDeny, Audit(set, "aws-marketplace:AcceptAgreementRequest", AsAcceptor));
        Assert.Equal(AuditDecision.ImplicitDeny, Audit(set, "aws-marketplace:CancelAgreement", AsAcceptor));
    }

    [Theory]
    [InlineData("aws-marketplace:SearchAgreements")]
    [InlineData("aws-marketplace:DescribeAgreement")]
    [InlineData("aws-marketplace:GetAgreementTerms")]
    public void BothCurrentPoliciesReadAgreementsOnlyAsTheAcceptor(string action)
    {
        foreach (var template in new[] { ProcurementCurrent, ViewerCurrent })
        {
            var set = new PolicySet([Policy(template)]);

            Assert.Equal(AuditDecision.Allowed, Audit(set, action, AsAcceptor));
            Assert.Equal(AuditDecision.ImplicitDeny, Audit(set, action, Evaluation.Eval.Audit(("aws-marketplace:PartyType", "Proposer"))));
            Assert.Equal(AuditDecision.ConditionallyAllowed, Audit(set, action));
        }
    }

    [Fact]
    public void EveryActionOfTheCurrentDocumentsExistsAndThePartyTypeConditionOnlyScopesActionsThatHaveTheKey()
    {
        // A condition on a key the action's requests never carry would make its StringEquals false: the statement would
        // allow nothing for that action (CancelAgreement has no aws-marketplace:PartyType, so it is left unscoped).
        foreach (var statement in new[] { ProcurementCurrent, ViewerCurrent }.SelectMany(t => t.Policy.Statements))
        {
            foreach (var action in statement.Actions)
            {
                var found = ActionCatalog.Default.Find(action);
                Assert.True(found is not null, $"{action} is not an action of the catalog");
                foreach (var condition in statement.Conditions)
                {
                    Assert.Contains(condition.Key, found!.ConditionKeys);
                }
            }
        }
    }

    [Fact]
    public void TheCurrentBillingViewerViewsSubscriptions()
    {
        Assert.Equal(AuditDecision.Allowed, Audit(new PolicySet([Policy(ViewerCurrent)]), "aws-marketplace:ViewSubscriptions"));
        Assert.Equal(AuditDecision.Allowed, Audit(new PolicySet([Policy(ViewerCurrent), AwsManaged("AWSMarketplaceFullAccess")]), "aws-marketplace:ViewSubscriptions"));
    }

    [Theory]
    [MemberData(nameof(PurchaseAndCancellationActions))]
    public void TheCurrentBillingViewerExplicitlyDeniesEveryPurchaseAndCancellationPath(string action)
    {
        Assert.Equal(AuditDecision.ExplicitDeny, Audit(new PolicySet([Policy(ViewerCurrent)]), action));
        foreach (var managed in BuyerPolicies)
        {
            Assert.Equal(AuditDecision.ExplicitDeny, Audit(new PolicySet([Policy(ViewerCurrent), AwsManaged(managed)]), action, AsAcceptor));
        }
    }

    [Theory]
    [MemberData(nameof(BuyerManagedPolicies))]
    public void WithABuyersManagedPolicyTheCurrentBillingViewerCanNeitherProcureNorCancel(string managed)
    {
        var set = new PolicySet([Policy(ViewerCurrent), AwsManaged(managed)]);

        foreach (var capability in new[] { Capabilities.Procure, Capabilities.Cancel })
        {
            // Every path has a request that is explicitly denied, in whatever context.
            Assert.All(capability.Paths, path => Assert.Contains(path, action => Audit(set, action, AsAcceptor) == AuditDecision.ExplicitDeny));
        }
    }

    [Fact]
    public void TheArticleBillingViewerWithAwsMarketplaceManageSubscriptionsCanStillCancelAgreements()
    {
        // The gap the Current edition closes (the audit's MG1004): the article denies Subscribe and Unsubscribe only.
        var set = new PolicySet([Policy(ViewerArticle), AwsManaged("AWSMarketplaceManageSubscriptions")]);

        Assert.Equal(AuditDecision.ExplicitDeny, Audit(set, "aws-marketplace:Unsubscribe"));
        Assert.Equal(AuditDecision.Allowed, Audit(set, "aws-marketplace:CancelAgreement", Evaluation.Eval.Audit(("aws-marketplace:PartyType", "Acceptor"), ("aws-marketplace:AgreementType", new[] { "PurchaseAgreement" }))));
        Assert.Equal(AuditDecision.Allowed, Audit(set, "aws-marketplace:AcceptAgreementCancellationRequest", Evaluation.Eval.Audit(("aws-marketplace:PartyType", "Acceptor"), ("aws-marketplace:AgreementType", new[] { "PurchaseAgreement" }))));
    }

    [Fact]
    public void TheArticleBillingViewerWithAwsMarketplaceFullAccessCanBuyThroughTheAgreementApi()
    {
        var set = new PolicySet([Policy(ViewerArticle), AwsManaged("AWSMarketplaceFullAccess")]);

        Assert.Equal(AuditDecision.ExplicitDeny, Audit(set, "aws-marketplace:Subscribe"));
        Assert.NotEqual(AuditDecision.ExplicitDeny, Audit(set, "aws-marketplace:AcceptAgreementRequest"));
        Assert.NotEqual(AuditDecision.ImplicitDeny, Audit(set, "aws-marketplace:AcceptAgreementRequest"));
    }

    [Fact]
    public void EveryCurrentDocumentIsCompactJsonThatIamAccepts()
    {
        foreach (var template in PolicyTemplateCatalog.InEdition(PolicyTemplateEdition.Current))
        {
            Assert.DoesNotContain(' ', template.Document);
            Assert.InRange(template.Document.Length, 1, PolicyParseOptions.ManagedPolicyCharacterQuota);
            Assert.True(PolicyParser.Parse(template.Document, PolicyParseOptions.CustomerManagedPolicy).SemanticallyEquals(template.Policy));
        }
    }

    [Fact]
    public void GetNamesTheValidTemplatesInEveryEdition()
    {
        Assert.Null(PolicyTemplateCatalog.Find("Admin", PolicyTemplateEdition.Current));
        Assert.Same(ViewerCurrent, PolicyTemplateCatalog.Find("billingviewer", PolicyTemplateEdition.Current));

        var e = Assert.Throws<KeyNotFoundException>(() => PolicyTemplateCatalog.Get("Admin", PolicyTemplateEdition.Current));
        Assert.Equal("There is no policy template 'Admin'. Valid names: Procurement, BillingViewer, DenyMarketplace, PaidAmiLauncher, DenyPaidAmiLaunch, DenyPaidAmiReplication, MarketplaceDistributionAdmin, DenyMarketplaceDistribution.", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => PolicyTemplateCatalog.InEdition((PolicyTemplateEdition)7));
    }
}
