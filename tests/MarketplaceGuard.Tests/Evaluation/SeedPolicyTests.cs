using System;
using System.IO;
using System.Linq;
using MarketplaceGuard.Engine.Catalog;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Tests.Evaluation;

/// <summary>The article's three policies do what the article says.</summary>
public sealed class SeedPolicyTests
{
    private static NamedPolicy Seed(string file) =>
        Eval.Policy(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "seed", file)), file);

    [Fact]
    public void ProcurementTeamCanViewSubscribeAndUnsubscribeButNothingElseInMarketplace()
    {
        var set = new PolicySet([Seed("procurement-team.json")]);

        foreach (var action in ActionCatalog.Default.Expand("aws-marketplace:*"))
        {
            var expected = action.Name is "ViewSubscriptions" or "Subscribe" or "Unsubscribe" ? AuditDecision.Allowed : AuditDecision.ImplicitDeny;
            Assert.Equal(expected, PolicyEvaluator.Default.Audit(set, action.FullName, "*", RequestContext.Unknown).Decision);
        }
    }

    [Fact]
    public void BillingViewerCanNeverSubscribeEvenWithAdministratorAccess()
    {
        var administrator = Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}"""), "AdministratorAccess");
        var set = new PolicySet([Seed("billing-viewer.json"), administrator]);

        Assert.Equal(AuditDecision.ExplicitDeny, PolicyEvaluator.Default.Audit(set, "aws-marketplace:Subscribe", "*", RequestContext.Unknown).Decision);
        Assert.Equal(AuditDecision.ExplicitDeny, PolicyEvaluator.Default.Audit(set, "aws-marketplace:Unsubscribe", "*", RequestContext.Unknown).Decision);
        Assert.Equal(AuditDecision.Allowed, PolicyEvaluator.Default.Audit(set, "aws-marketplace:ViewSubscriptions", "*", RequestContext.Unknown).Decision);
    }

    [Theory]
    [InlineData("aws-marketplace:Subscribe")]
    [InlineData("aws-marketplace:AcceptAgreementRequest")]
    [InlineData("aws-marketplace:ViewSubscriptions")]
    [InlineData("aws-marketplace:SomeActionAwsAddsTomorrow")]
    [InlineData("AWS-MARKETPLACE:subscribe")]
    public void DenyEveryoneElseDeniesEveryMarketplaceActionIncludingFutureOnes(string action)
    {
        var administrator = Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}"""), "AdministratorAccess");
        var set = new PolicySet([administrator, Seed("deny-everyone-else.json")]);

        Assert.Equal(Decision.ExplicitDeny, Eval.Decide(set, action, "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Entity/x"));
        Assert.Equal(AuditDecision.ExplicitDeny, PolicyEvaluator.Default.Audit(set, action, "*", RequestContext.Unknown).Decision);
    }

    [Fact]
    public void DenyEveryoneElseLocksOutTheProcurementTeamToo()
    {
        // The classic mistake the audit must catch: the deny reaches a procurement member through another group.
        var set = new PolicySet([Seed("procurement-team.json"), Seed("deny-everyone-else.json")]);

        Assert.Equal(Decision.ExplicitDeny, Eval.Decide(set, "aws-marketplace:Subscribe"));
    }

    [Fact]
    public void DenyEveryoneElseLeavesOtherServicesAlone()
    {
        var administrator = Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}"""), "AdministratorAccess");
        var set = new PolicySet([administrator, Seed("deny-everyone-else.json")]);

        Assert.Equal(Decision.Allowed, Eval.Decide(set, "ec2:DescribeInstances"));
        Assert.Equal(Decision.Allowed, Eval.Decide(set, "aws-marketplace-management:viewMarketplace"));
    }
}
