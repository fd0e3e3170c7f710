using System.Linq;
using MarketplaceGuard.Engine.Catalog;

namespace MarketplaceGuard.Tests.Catalog;

public sealed class ActionCatalogTests
{
    [Fact]
    public void HoldsAllMarketplaceActionsAndSelectionsOfTheOtherServices()
    {
        var catalog = ActionCatalog.Default;

        Assert.Equal(96, catalog.Actions.Count(a => a.Service == "aws-marketplace"));
        Assert.Equal(51, catalog.Actions.Count(a => a.Service == "ec2"));
        Assert.Equal(25, catalog.Actions.Count(a => a.Service == "license-manager"));
        Assert.Equal(28, catalog.Actions.Count(a => a.Service == "servicecatalog"));
        Assert.Equal(8, catalog.Actions.Count(a => a.Service == "bedrock"));
        Assert.Equal(["aws-marketplace", "bedrock", "ec2", "license-manager", "servicecatalog"], catalog.Services);
        Assert.Equal(["aws-marketplace"], catalog.CompleteServices);
    }

    /// <summary>Every EC2 action the Rule 2 templates and audit requests name is in the catalog (Test-MarketplacePolicy evaluates them).</summary>
    [Fact]
    public void KnowsEveryEc2ActionOfTheRule2TemplatesAndPaths()
    {
        var named = MarketplaceGuard.Engine.Templates.PolicyTemplateCatalog.All.Where(t => t.Rule == 2)
            .SelectMany(t => t.Policy.Statements).SelectMany(s => s.Actions)
            .Concat(MarketplaceGuard.Engine.Audit.Capabilities.All.SelectMany(c => c.Actions))
            .Where(a => a.StartsWith("ec2:", System.StringComparison.Ordinal))
            .Distinct();
        Assert.All(named, action => Assert.NotNull(ActionCatalog.Default.Find(action)));
    }

    [Theory]
    [InlineData("aws-marketplace:Subscribe", "Write", true)]
    [InlineData("aws-marketplace:ViewSubscriptions", "List", true)]
    [InlineData("aws-marketplace:CancelChangeSet", "Write", false)]
    [InlineData("aws-marketplace:TagResource", "Tagging", false)]
    [InlineData("aws-marketplace:PutResourcePolicy", "Permissions management", false)]
    [InlineData("ec2:RunInstances", "Write", false)]
    [InlineData("ec2:RunScheduledInstances", "Write", true)]
    [InlineData("ec2:DeleteTags", "Tagging", false)]
    [InlineData("ec2:DescribeVolumes", "List", true)]
    [InlineData("ec2:AttachVolume", "Write", false)]
    [InlineData("license-manager:CreateGrant", "Write", false)]
    [InlineData("license-manager:CreateLicense", "Write", true)]
    [InlineData("license-manager:UpdateServiceSettings", "Permissions management", true)]
    [InlineData("servicecatalog:CreatePortfolioShare", "Permissions management", false)]
    [InlineData("servicecatalog:AssociateProductWithPortfolio", "Write", true)]
    [InlineData("bedrock:InvokeModel", "Read", false)]
    [InlineData("bedrock:ListFoundationModels", "List", true)]
    public void KnowsAccessLevelAndResourceTypes(string action, string accessLevel, bool wildcardOnly)
    {
        var found = ActionCatalog.Default.Find(action.ToUpperInvariant());

        Assert.NotNull(found);
        Assert.Equal(action, found.FullName);
        Assert.Equal(accessLevel, found.AccessLevel);
        Assert.Equal(wildcardOnly, found.RequiresWildcardResource);
    }

    [Fact]
    public void KnowsConditionKeys()
    {
        Assert.Contains("aws-marketplace:ProductId", ActionCatalog.Default.Find("aws-marketplace:AcceptAgreementRequest")!.ConditionKeys);
        Assert.Contains("image", ActionCatalog.Default.Find("ec2:RunInstances")!.ResourceTypes);
    }

    [Theory]
    [InlineData("aws-marketplace:Sub*", new[] { "aws-marketplace:Subscribe" })]
    [InlineData("aws-marketplace:*subscribe", new[] { "aws-marketplace:Subscribe", "aws-marketplace:Unsubscribe" })]
    [InlineData("AWS-MARKETPLACE:view*", new[] { "aws-marketplace:ViewSubscriptions" })]
    [InlineData("ec2:*Image", new[] { "ec2:CopyImage", "ec2:CreateImage", "ec2:DeregisterImage", "ec2:DisableImage", "ec2:EnableImage", "ec2:ExportImage", "ec2:RegisterImage" })]
    [InlineData("s3:*", new string[0])]
    public void ExpandsPatterns(string pattern, string[] expected)
    {
        Assert.Equal(expected, ActionCatalog.Default.Expand(pattern).Select(a => a.FullName));
    }

    [Fact]
    public void ExpandingEverythingGivesTheWholeCatalog()
    {
        Assert.Equal(ActionCatalog.Default.Actions.Count, ActionCatalog.Default.Expand("*").Count);
        Assert.Equal(96, ActionCatalog.Default.Expand("aws-marketplace:*").Count);
    }

    [Fact]
    public void UnknownActionsAreNotFound()
    {
        Assert.Null(ActionCatalog.Default.Find("aws-marketplace:CreatePrivateMarketplace"));
        Assert.Null(ActionCatalog.Default.Find("Subscribe"));
    }

    [Theory]
    [InlineData("aws-marketplace:Subscrib", new[] { "aws-marketplace:Subscribe" })]
    [InlineData(" aws-marketplace:viewsubscription ", new[] { "aws-marketplace:ViewSubscriptions" })]
    [InlineData("Subscribe", new[] { "aws-marketplace:Subscribe" })]
    [InlineData("aws-marketplce:Subscribe", new[] { "aws-marketplace:Subscribe" })]
    [InlineData("ec2:RunInstance", new[] { "ec2:RunInstances" })]
    [InlineData("aws-marketplace:DeleteEverything", new string[0])]
    public void SuggestsTheNearestActions(string action, string[] expected)
    {
        Assert.Equal(expected, ActionCatalog.Default.Suggest(action));
    }

    [Theory]
    [InlineData("aws-marketplace", true)]
    [InlineData("EC2", true)]
    [InlineData("s3", false)]
    [InlineData("aws-marketplace-management", false)]
    public void KnowsWhichServicesItCovers(string service, bool expected)
    {
        Assert.Equal(expected, ActionCatalog.Default.Covers(service));
    }
}
