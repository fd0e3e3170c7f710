using System;
using System.Linq;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Matching;

namespace MarketplaceGuard.Tests.Evaluation;

/// <summary>Action, resource, variable and layering rules of IAM's evaluation logic.</summary>
public sealed class EvaluationRuleTests
{
    private const string Account = "123456789012";

    [Theory]
    [InlineData("""{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}""", "s3:GetObject", Decision.Allowed)]
    [InlineData("""{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}""", "iam:CreateUser", Decision.ImplicitDeny)]
    [InlineData("""{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}""", "IAM:createuser", Decision.ImplicitDeny)]
    [InlineData("""{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"}""", "aws-marketplace:Subscribe", Decision.Allowed)]
    [InlineData("""{"Effect":"Allow","Action":"unknownservice:DoThing","Resource":"*"}""", "unknownservice:DoThing", Decision.Allowed)]
    [InlineData("""{"Effect":"Allow","Action":"unknownservice:*","Resource":"*"}""", "unknownservice:AnythingNew", Decision.Allowed)]
    public void ActionAndNotAction(string statement, string action, Decision expected)
    {
        Assert.Equal(expected, Eval.Decide(Eval.Doc(statement), action));
    }

    [Fact]
    public void AnAuditedRequestTakesEachCatalogsAnswerOnItsResource()
    {
        // A request remembers whether the catalog makes its resource "*" (aws-marketplace:Subscribe has no resource
        // types), for the last catalog asked: an evaluator with another catalog, which gives Subscribe a resource
        // type, gets that catalog's answer, and the first catalog its own again.
        var other = Engine.Catalog.ActionCatalog.Load(new System.IO.MemoryStream(System.Text.Encoding.UTF8.GetBytes("""
            {"services": [{"prefix": "aws-marketplace", "actions": [
              {"name": "Subscribe", "accessLevel": "Write", "resourceTypes": ["product"], "conditionKeys": []}]}]}
            """)));
        var policy = PolicyCompiler.Compile(Engine.Policies.PolicyParser.Parse(Eval.Doc("""{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"arn:aws:aws-marketplace:::product/p-1"}""")));
        var request = new Engine.Audit.AccessRequest("aws-marketplace:Subscribe", "arn:aws:aws-marketplace:::product/p-1");
        var shipped = new PolicyEvaluator(Engine.Catalog.ActionCatalog.Default);
        var custom = new PolicyEvaluator(other);
        var context = RequestContext.Unknown;

        for (var round = 0; round < 2; round++)
        {
            // Shipped catalog: evaluated on "*", which the statement's one product ARN does not cover.
            Assert.Equal((Tristate.False, Tristate.False), shipped.AuditPolicy(policy, request, request.Resource, context));
            Assert.Equal((Tristate.False, Tristate.True), custom.AuditPolicy(policy, request, request.Resource, context));
        }
    }

    [Fact]
    public void APolicyAnswersForEveryActionAskedPastWhatItRemembers()
    {
        // A policy remembers the statements of the actions it was asked about, up to a bound; past the bound, and on
        // every growth of its table, each answer is the same as when first asked.
        var policy = PolicyCompiler.Compile(Engine.Policies.PolicyParser.Parse(Eval.Doc("""{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}""")));
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 300; i++)
            {
                Assert.Single(policy.StatementsFor($"s3:Get{i}").All);
                Assert.Empty(policy.StatementsFor($"ec2:Get{i}").All);
                Assert.Single(policy.StatementsFor($"S3:GET{i}").Allows);
            }
        }
    }

    [Fact]
    public void TheActionsOfAnAuditAreCountedPerService()
    {
        // What a policy naming only some services is asked about and remembers: those services' actions of every set.
        _ = new ActionSet(["countedsvc:Read", "countedsvc:Write", "COUNTEDSVC:read", "othercountedsvc:List"]);
        _ = new ActionSet(["countedsvc:Delete", "countedsvc:write"]);

        Assert.Equal(3, ActionSet.DistinctActionsOf(["countedsvc"]));
        Assert.Equal(4, ActionSet.DistinctActionsOf(["CountedSvc", "othercountedsvc", "notasvc"]));
        Assert.Equal(0, ActionSet.DistinctActionsOf([]));
        Assert.True(ActionSet.DistinctActions >= 4);
    }

    [Theory]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}""", "arn:aws:s3:::public/a", Decision.Allowed)]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}""", "arn:aws:s3:::secret/a", Decision.ImplicitDeny)]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::a/*","arn:aws:s3:::b/*"]}""", "arn:aws:s3:::b/x", Decision.Allowed)]
    [InlineData("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"}""", "arn:aws:s3:::A/x", Decision.ImplicitDeny)]
    public void ResourceAndNotResource(string statement, string resource, Decision expected)
    {
        Assert.Equal(expected, Eval.Decide(Eval.Doc(statement), "s3:GetObject", resource));
    }

    [Theory]
    [InlineData("*", Decision.Allowed)]
    [InlineData("arn:aws:aws-marketplace:*:*:*", Decision.ImplicitDeny)]
    [InlineData("arn:*:*:*:*:*", Decision.ImplicitDeny)]
    public void ActionWithoutResourceTypesIsOnlyGrantedByStar(string policyResource, Decision expected)
    {
        // aws-marketplace:Subscribe supports no resource types: IAM authorizes it on "*", whatever ARN a caller names.
        var document = Eval.Doc($$"""{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"{{policyResource}}"}""");

        Assert.Equal(expected, Eval.Decide(document, "aws-marketplace:Subscribe", "arn:aws:aws-marketplace:us-east-1:123456789012:anything"));
        Assert.Equal(expected, Eval.Decide(document, "aws-marketplace:Subscribe"));
    }

    [Fact]
    public void DenyOnASpecificArnDoesNotDenyAnActionWithoutResourceTypes()
    {
        var document = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"},
              {"Effect":"Deny","Action":"aws-marketplace:Subscribe","Resource":"arn:aws:aws-marketplace:*:*:*"}]}
            """;

        Assert.Equal(Decision.Allowed, Eval.Decide(document, "aws-marketplace:Subscribe"));
        Assert.Equal("*", PolicyEvaluator.Default.Explain(Eval.Identity(document), "aws-marketplace:Subscribe", "arn:aws:s3:::x", RequestContext.Empty).Resource);
    }

    [Theory]
    [InlineData("arn:aws:s3:::bucket/home/${aws:username}/*", "arn:aws:s3:::bucket/home/david/file", "aws:username=david", Decision.Allowed)]
    [InlineData("arn:aws:s3:::bucket/home/${aws:username}/*", "arn:aws:s3:::bucket/home/maria/file", "aws:username=david", Decision.ImplicitDeny)]
    [InlineData("arn:aws:s3:::bucket/home/${aws:username}/*", "arn:aws:s3:::bucket/home//file", "", Decision.ImplicitDeny)]
    [InlineData("arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*", "arn:aws:s3:::bucket/blue/x", "aws:PrincipalTag/team=blue", Decision.Allowed)]
    [InlineData("arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*", "arn:aws:s3:::bucket/shared/x", "", Decision.Allowed)]
    [InlineData("arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*", "arn:aws:s3:::bucket/shared/x", "aws:PrincipalTag/team=blue", Decision.ImplicitDeny)]
    [InlineData("arn:aws:s3:::bucket/${aws:username}", "arn:aws:s3:::bucket/a*b", "aws:username=a*b", Decision.Allowed)]
    [InlineData("arn:aws:s3:::bucket/${aws:username}", "arn:aws:s3:::bucket/aXb", "aws:username=a*b", Decision.ImplicitDeny)]
    [InlineData("arn:aws:s3:::bucket/${*}", "arn:aws:s3:::bucket/*", "", Decision.Allowed)]
    [InlineData("arn:aws:s3:::bucket/${*}", "arn:aws:s3:::bucket/x", "", Decision.ImplicitDeny)]
    [InlineData("arn:aws:s3:::bucket/a${?}b${$}", "arn:aws:s3:::bucket/a?b$", "", Decision.Allowed)]
    [InlineData("arn:aws:s3:::${aws:username}/x", "arn:aws:s3:::david/x", "aws:username=david", Decision.Allowed)]
    [InlineData("arn:aws:${aws:username}:::x", "arn:aws:s3:::x", "aws:username=s3", Decision.ImplicitDeny)]
    public void PolicyVariablesInTheResourcePart(string policyResource, string resource, string context, Decision expected)
    {
        var document = Eval.Doc($$"""{"Effect":"Allow","Action":"s3:GetObject","Resource":"{{policyResource}}"}""");

        Assert.Equal(expected, Eval.Decide(document, "s3:GetObject", resource, Eval.Concrete(ContextText.Parse(context))));
    }

    [Theory]
    // A pattern whose variable cannot be resolved neither covers nor excludes a resource (iam-simulate's rule): in
    // NotResource it keeps the statement from applying, for a deny as for an allow.
    [InlineData("Deny", "aws-marketplace:Subscribe", "*", "", Decision.Allowed)]
    [InlineData("Deny", "aws-marketplace:Subscribe", "*", "aws:username=alice", Decision.ExplicitDeny)]
    [InlineData("Deny", "s3:GetObject", "arn:aws:s3:::alice/x", "", Decision.Allowed)]
    [InlineData("Deny", "s3:GetObject", "arn:aws:s3:::bob/x", "", Decision.Allowed)]
    [InlineData("Deny", "s3:GetObject", "arn:aws:s3:::alice/x", "aws:username=alice", Decision.Allowed)]
    [InlineData("Deny", "s3:GetObject", "arn:aws:s3:::bob/x", "aws:username=alice", Decision.ExplicitDeny)]
    [InlineData("Deny", "s3:GetObject", "arn:aws:ec2:eu-west-1:123456789012:instance/i-1", "", Decision.Allowed)]
    [InlineData("Allow", "s3:GetObject", "arn:aws:s3:::bob/x", "", Decision.ImplicitDeny)]
    [InlineData("Allow", "s3:GetObject", "arn:aws:s3:::bob/x", "aws:username=alice", Decision.Allowed)]
    public void AnUnresolvableVariableInNotResourceKeepsTheStatementFromApplying(string effect, string action, string resource, string context, Decision expected)
    {
        var statement = effect == "Deny"
            ? """{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::${aws:username}/*"}"""
            : """{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::${aws:username}/*"}""";

        Assert.Equal(expected, Eval.Decide(Eval.Doc(statement), action, resource, Eval.Concrete(ContextText.Parse(context))));
    }

    [Theory]
    // Another NotResource pattern that covers the resource settles it; otherwise the unresolvable one keeps the deny out.
    [InlineData("arn:aws:s3:::public/x", Decision.Allowed)]
    [InlineData("arn:aws:s3:::secret/x", Decision.Allowed)]
    public void OneUnresolvableNotResourcePatternKeepsTheWholeElementFromApplying(string resource, Decision expected)
    {
        var document = Eval.Doc("""{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::public/*","arn:aws:s3:::${aws:PrincipalTag/team}/*"]}""");

        Assert.Equal(expected, Eval.Decide(document, "s3:GetObject", resource));
        Assert.Equal(Decision.ExplicitDeny, Eval.Decide(document, "s3:GetObject", "arn:aws:s3:::secret/x", Eval.Concrete(("aws:PrincipalTag/team", "blue"))));
        Assert.Equal(Decision.Allowed, Eval.Decide(document, "s3:GetObject", "arn:aws:s3:::blue/x", Eval.Concrete(("aws:PrincipalTag/team", "blue"))));
    }

    [Theory]
    [InlineData("aws:PrincipalTag/team=[blue,red]", Decision.Allowed)] // a key with several values cannot be a variable
    [InlineData("", Decision.Allowed)]
    [InlineData("aws:PrincipalTag/team=blue", Decision.ExplicitDeny)]
    public void AVariableWithSeveralValuesIsUnresolvableToo(string context, Decision expected)
    {
        var document = Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::${aws:PrincipalTag/team}/*"}""");

        Assert.Equal(expected, Eval.Decide(document, "aws-marketplace:Subscribe", "*", Eval.Concrete(ContextText.Parse(context))));
    }

    [Fact]
    public void AVariableWithADefaultAlwaysResolves()
    {
        var document = Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::${aws:username, 'nobody'}/*"}""");

        Assert.Equal(Decision.ExplicitDeny, Eval.Decide(document, "aws-marketplace:Subscribe"));
        Assert.Equal(Decision.Allowed, Eval.Decide(document, "s3:GetObject", "arn:aws:s3:::nobody/x"));
    }

    [Fact]
    public void AnUnresolvablePatternInResourceMatchesNothingButTheOtherPatternsStillCount()
    {
        var document = Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":["arn:aws:s3:::${aws:username}/*","arn:aws:s3:::secret/*"]}""");

        Assert.Equal(Decision.Allowed, Eval.Decide(document, "s3:GetObject", "arn:aws:s3:::alice/x"));
        Assert.Equal(Decision.ExplicitDeny, Eval.Decide(document, "s3:GetObject", "arn:aws:s3:::secret/x"));
        Assert.Equal(Decision.ExplicitDeny, Eval.Decide(document, "s3:GetObject", "arn:aws:s3:::alice/x", Eval.Concrete(("aws:username", "alice"))));
    }

    [Fact]
    public void PolicyVariablesAreLiteralTextUnderVersion2008()
    {
        var document = Eval.Doc("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${aws:username}"}""", version: "2008-10-17");
        var context = Eval.Concrete(("aws:username", "david"));

        Assert.Equal(Decision.ImplicitDeny, Eval.Decide(document, "s3:GetObject", "arn:aws:s3:::bucket/david", context));
        Assert.Equal(Decision.Allowed, Eval.Decide(document, "s3:GetObject", "arn:aws:s3:::bucket/${aws:username}", context));
    }

    [Theory]
    [InlineData("StringEquals", "aws:username=david; s3:prefix=david", Decision.Allowed)]
    [InlineData("StringEquals", "aws:username=david; s3:prefix=maria", Decision.ImplicitDeny)]
    [InlineData("StringNotEquals", "s3:prefix=maria", Decision.Allowed)]
    [InlineData("StringEquals", "s3:prefix=maria", Decision.ImplicitDeny)]
    public void PolicyVariablesInStringConditions(string op, string context, Decision expected)
    {
        // A variable whose key is absent matches nothing: positive operators fail, negated ones hold.
        var document = Eval.Doc($$$$"""{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"{{{{op}}}}":{"s3:prefix":"${aws:username}"}}}""");

        Assert.Equal(expected, Eval.Decide(document, "s3:ListBucket", "*", Eval.Concrete(ContextText.Parse(context))));
    }

    [Fact]
    public void PolicyVariablesAreNotSubstitutedInNumericConditions()
    {
        var document = Eval.Doc("""{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"${aws:PrincipalTag/keys}"}}}""");

        Assert.Equal(Decision.ImplicitDeny, Eval.Decide(document, "s3:ListBucket", "*", Eval.Concrete(("aws:PrincipalTag/keys", "5"), ("s3:max-keys", "5"))));
    }

    [Fact]
    public void ExplicitDenyWinsOverAnyAllow()
    {
        var set = Eval.Identity(
            Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}"""),
            Eval.Doc("""{"Effect":"Deny","Action":"aws-marketplace:Subscribe","Resource":"*"}"""));

        var result = PolicyEvaluator.Default.Explain(set, "aws-marketplace:Subscribe", "*", RequestContext.Empty);

        Assert.Equal(Decision.ExplicitDeny, result.Decision);
        var statement = Assert.Single(result.MatchedStatements);
        Assert.Equal("identity1", statement.PolicyName);
        Assert.Equal(0, statement.StatementIndex);
        Assert.Equal("explicitly denied by Deny identity1 statement 0", result.Reason);
    }

    [Fact]
    public void NoAllowIsAnImplicitDeny()
    {
        var result = PolicyEvaluator.Default.Explain(Eval.Identity(Eval.Doc("""{"Effect":"Allow","Action":"s3:*","Resource":"*"}""")), "aws-marketplace:Subscribe", "*", RequestContext.Empty);

        Assert.Equal(Decision.ImplicitDeny, result.Decision);
        Assert.Empty(result.MatchedStatements);
        Assert.Equal("implicitly denied: no identity policy allows it", result.Reason);
    }

    [Fact]
    public void PermissionsBoundaryMustAlsoAllow()
    {
        var identity = new[] { Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}"""), "Admin") };
        var boundary = Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":["s3:*","ec2:*"],"Resource":"*"}"""), "DevBoundary");
        var set = new PolicySet(identity, boundary);

        Assert.Equal(Decision.Allowed, Eval.Decide(set, "s3:GetObject", "arn:aws:s3:::b/k"));
        var result = PolicyEvaluator.Default.Explain(set, "aws-marketplace:Subscribe", "*", RequestContext.Empty);
        Assert.Equal(Decision.ImplicitDeny, result.Decision);
        Assert.Equal("implicitly denied: the permissions boundary DevBoundary does not allow it", result.Reason);
        Assert.Equal(["Admin"], result.MatchedStatements.Select(s => s.PolicyName));
    }

    [Fact]
    public void PermissionsBoundaryAloneGrantsNothing()
    {
        var boundary = Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}"""), "Boundary");

        Assert.Equal(Decision.ImplicitDeny, Eval.Decide(new PolicySet([], boundary), "s3:GetObject"));
    }

    [Fact]
    public void DenyInTheBoundaryDenies()
    {
        var identity = new[] { Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}""")) };
        var boundary = Eval.Policy("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"aws-marketplace:*","Resource":"*"}]}""", "Boundary");

        Assert.Equal(Decision.ExplicitDeny, Eval.Decide(new PolicySet(identity, boundary), "aws-marketplace:Unsubscribe"));
    }

    [Fact]
    public void EveryServiceControlPolicyLevelMustAllow()
    {
        var identity = new[] { Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}""")) };
        var fullAccess = Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}"""), "FullAWSAccess");
        var onlyS3 = Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"s3:*","Resource":"*"}"""), "OnlyS3");
        var set = new PolicySet(identity, null, [[fullAccess], [onlyS3]]);

        Assert.Equal(Decision.Allowed, Eval.Decide(set, "s3:GetObject", "arn:aws:s3:::b/k"));
        var result = PolicyEvaluator.Default.Explain(set, "ec2:RunInstances", "*", RequestContext.Empty);
        Assert.Equal(Decision.ImplicitDeny, result.Decision);
        Assert.Equal("implicitly denied: no service control policy at level 2 allows it", result.Reason);
    }

    [Fact]
    public void ServiceControlPolicyDenyWins()
    {
        var identity = new[] { Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}""")) };
        var scp = Eval.Policy("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"DenyMarketplace","Effect":"Deny","Action":["aws-marketplace:Subscribe","aws-marketplace:Unsubscribe"],"Resource":"*"}]}""", "Guardrail");
        var set = new PolicySet(identity, null, [[scp]]);

        var result = PolicyEvaluator.Default.Explain(set, "aws-marketplace:Subscribe", "*", RequestContext.Empty);

        Assert.Equal(Decision.ExplicitDeny, result.Decision);
        var statement = Assert.Single(result.MatchedStatements);
        Assert.Equal(PolicyLayer.ServiceControlPolicy, statement.Layer);
        Assert.Equal(1, statement.Level);
        Assert.Equal("DenyMarketplace", statement.Sid);
    }

    [Fact]
    public void ServiceControlPoliciesGrantNothingByThemselves()
    {
        var scp = Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}"""));

        Assert.Equal(Decision.ImplicitDeny, Eval.Decide(new PolicySet([], null, [[scp]]), "s3:GetObject"));
    }

    [Fact]
    public void SessionPolicyMustAlsoAllow()
    {
        var identity = new[] { Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}""")) };
        var session = Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"aws-marketplace:ViewSubscriptions","Resource":"*"}"""), "Session");
        var set = new PolicySet(identity, null, null, session);

        Assert.Equal(Decision.Allowed, Eval.Decide(set, "aws-marketplace:ViewSubscriptions"));
        Assert.Equal(Decision.ImplicitDeny, Eval.Decide(set, "aws-marketplace:Subscribe"));
    }

    [Fact]
    public void DecideRefusesAnAuditContext()
    {
        Assert.Throws<ArgumentException>(() => Eval.Decide(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}"""), "s3:GetObject", "*", RequestContext.Unknown));
    }

    [Fact]
    public void AllowedExplanationListsTheGrantingStatementsAndWhereTheyComeFrom()
    {
        var set = new PolicySet([
            new NamedPolicy("MarketplaceGuard-Procurement", PolicyCompiler.Compile(Engine.Policies.PolicyParser.Parse(Eval.Doc("""{"Sid":"Buy","Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*"}"""))), "group Procurement"),
        ]);

        var result = PolicyEvaluator.Default.Explain(set, "aws-marketplace:Subscribe", "*", RequestContext.Empty);

        Assert.Equal(Decision.Allowed, result.Decision);
        Assert.Equal("allowed by Allow MarketplaceGuard-Procurement statement 0 (Sid Buy) via group Procurement", result.Reason);
    }
}
