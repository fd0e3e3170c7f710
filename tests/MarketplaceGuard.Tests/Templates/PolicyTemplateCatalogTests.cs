using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MarketplaceGuard.Engine.Policies;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Tests.Templates;

public sealed class PolicyTemplateCatalogTests
{
    [Theory]
    [InlineData("Procurement", "procurement-team.json", "MarketplaceGuard-Procurement")]
    [InlineData("BillingViewer", "billing-viewer.json", "MarketplaceGuard-BillingViewer")]
    [InlineData("DenyMarketplace", "deny-everyone-else.json", "MarketplaceGuard-DenyMarketplace")]
    public void TemplateIsSemanticallyEqualToTheArticlePolicy(string name, string seedFile, string policyName)
    {
        var seed = PolicyParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "seed", seedFile)));
        var template = PolicyTemplateCatalog.Get(name);

        Assert.True(template.Policy.SemanticallyEquals(seed), $"{name} drifted from {seedFile}: {template.Document}");
        Assert.Equal(policyName, template.PolicyName);
        Assert.Equal("/marketplaceguard/", template.PolicyPath);
        Assert.Equal(1, template.Rule);
        Assert.False(string.IsNullOrWhiteSpace(template.Description));
        Assert.DoesNotContain('\n', template.Description);
    }

    [Fact]
    public void CatalogListsTheTemplatesRuleByRuleInOrder()
    {
        Assert.Equal(["Procurement", "BillingViewer", "DenyMarketplace", "PaidAmiLauncher", "DenyPaidAmiLaunch", "DenyPaidAmiReplication", "MarketplaceDistributionAdmin", "DenyMarketplaceDistribution"], PolicyTemplateCatalog.Names);
        Assert.Equal([1, 1, 1, 2, 2, 2, 3, 3], PolicyTemplateCatalog.All.Select(t => t.Rule));
    }

    [Fact]
    public void DocumentIsCompactJsonThatIamAccepts()
    {
        foreach (var template in PolicyTemplateCatalog.All)
        {
            Assert.DoesNotContain(' ', template.Document);
            var reparsed = PolicyParser.Parse(template.Document, PolicyParseOptions.CustomerManagedPolicy);
            Assert.True(reparsed.SemanticallyEquals(template.Policy));
            Assert.Equal("2012-10-17", reparsed.Version);
        }
    }

    [Fact]
    public void FindIsCaseInsensitiveAndGetNamesTheValidTemplates()
    {
        Assert.Same(PolicyTemplateCatalog.Get("BillingViewer"), PolicyTemplateCatalog.Find("billingviewer"));
        Assert.Null(PolicyTemplateCatalog.Find("Admin"));

        var e = Assert.Throws<KeyNotFoundException>(() => PolicyTemplateCatalog.Get("Admin"));
        Assert.Equal("There is no policy template 'Admin'. Valid names: Procurement, BillingViewer, DenyMarketplace, PaidAmiLauncher, DenyPaidAmiLaunch, DenyPaidAmiReplication, MarketplaceDistributionAdmin, DenyMarketplaceDistribution.", e.Message);
    }

    [Fact]
    public void BillingViewerDeniesExactlyWhatProcurementMayChange()
    {
        // The article's intent: billing can see what procurement buys, but never subscribe or unsubscribe.
        var deny = PolicyTemplateCatalog.Get("BillingViewer").Policy.Statements.Single(s => s.Effect == PolicyEffect.Deny);

        Assert.Equal(["aws-marketplace:Subscribe", "aws-marketplace:Unsubscribe"], deny.Actions.Order(StringComparer.Ordinal));
    }
}
