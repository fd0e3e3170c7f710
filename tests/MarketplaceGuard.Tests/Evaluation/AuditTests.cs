using System.Linq;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Tests.Evaluation;

/// <summary>Audit evaluation: unknown context keys make conditions three-valued.</summary>
public sealed class AuditTests
{
    private static AuditResult Audit(string document, string action = "aws-marketplace:Subscribe", RequestContext? context = null) =>
        PolicyEvaluator.Default.Audit(Eval.Identity(document), action, "*", context ?? RequestContext.Unknown);

    [Fact]
    public void UnconditionalAllowIsAllowed()
    {
        var result = Audit(Eval.Doc("""{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*"}"""));

        Assert.Equal(AuditDecision.Allowed, result.Decision);
        Assert.Empty(result.GatingConditions);
        Assert.Equal("always allowed by Allow identity0 statement 0", result.Reason);
    }

    [Fact]
    public void AllowWithMfaIsConditionalOnMfa()
    {
        var result = Audit(Eval.Doc("""{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"""));

        Assert.Equal(AuditDecision.ConditionallyAllowed, result.Decision);
        var gate = Assert.Single(result.GatingConditions);
        Assert.Equal("only if aws:MultiFactorAuthPresent is true", gate.Description);
        Assert.False(gate.IsDenyCondition);
        Assert.Equal("aws:MultiFactorAuthPresent", gate.Key);
        Assert.Equal("allowed only in some contexts: only if aws:MultiFactorAuthPresent is true", result.Reason);
    }

    [Fact]
    public void ProductScopedAgreementIsConditionalOnTheProduct()
    {
        var result = Audit(
            Eval.Doc("""{"Effect":"Allow","Action":"aws-marketplace:CreateAgreementRequest","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws-marketplace:ProductId":"prod-abc"}}}"""),
            "aws-marketplace:CreateAgreementRequest");

        Assert.Equal(AuditDecision.ConditionallyAllowed, result.Decision);
        Assert.Equal("only if any value of aws-marketplace:ProductId is prod-abc", Assert.Single(result.GatingConditions).Description);
    }

    [Fact]
    public void DenyWithUnknownConditionMakesAnAllowConditionalNeverDenied()
    {
        var result = Audit("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"},
              {"Effect":"Deny","Action":"aws-marketplace:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}
            """);

        Assert.Equal(AuditDecision.ConditionallyAllowed, result.Decision);
        var gate = Assert.Single(result.GatingConditions);
        Assert.True(gate.IsDenyCondition);
        Assert.Equal("only if aws:SourceIp is in 10.0.0.0/8", gate.Description);
    }

    [Theory]
    [InlineData("""{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}""", "unless aws:SourceIp is in 10.0.0.0/8")]
    [InlineData("""{"StringNotEquals":{"aws:PrincipalTag/team":["procurement","billing"]}}""", "only if aws:PrincipalTag/team is one of procurement, billing")]
    [InlineData("""{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}""", "unless aws:MultiFactorAuthPresent is false (or aws:MultiFactorAuthPresent is absent)")]
    [InlineData("""{"ForAnyValue:StringNotLike":{"aws:TagKeys":"env*"}}""", "unless any value of aws:TagKeys does not match env*")]
    public void DenyConditionsReadAsWhatAccessNeeds(string condition, string description)
    {
        var result = Audit($$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"},
              {"Effect":"Deny","Action":"aws-marketplace:*","Resource":"*","Condition":{{condition}}}]}
            """);

        Assert.Equal(AuditDecision.ConditionallyAllowed, result.Decision);
        Assert.Equal(description, Assert.Single(result.GatingConditions).Description);
    }

    [Fact]
    public void DenyThatAlwaysAppliesIsAnExplicitDenial()
    {
        var result = Audit("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"*","Resource":"*"},
              {"Sid":"NoMarketplace","Effect":"Deny","Action":"aws-marketplace:*","Resource":"*"}]}
            """);

        Assert.Equal(AuditDecision.ExplicitDeny, result.Decision);
        Assert.Equal("NoMarketplace", Assert.Single(result.MatchedStatements).Sid);
    }

    [Fact]
    public void NothingAllowsIsAnImplicitDenial()
    {
        var result = Audit(Eval.Doc("""{"Effect":"Allow","Action":"s3:*","Resource":"*"}"""));

        Assert.Equal(AuditDecision.ImplicitDeny, result.Decision);
        Assert.Equal("never allowed: no identity policy allows it", result.Reason);
    }

    [Fact]
    public void UnknownAllowWithUnknownDenyIsConditional()
    {
        var result = Audit("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"procurement"}}},
              {"Effect":"Deny","Action":"aws-marketplace:Subscribe","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}
            """);

        Assert.Equal(AuditDecision.ConditionallyAllowed, result.Decision);
        Assert.Equal(
            ["only if aws:PrincipalTag/team is procurement", "unless aws:MultiFactorAuthPresent is false"],
            result.GatingConditions.Select(g => g.Description));
    }

    [Fact]
    public void KnownKeysSettleConditions()
    {
        var document = Eval.Doc("""{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"procurement"}}}""");

        Assert.Equal(AuditDecision.Allowed, Audit(document, context: Eval.Audit(("aws:PrincipalTag/team", "procurement"))).Decision);
        Assert.Equal(AuditDecision.ImplicitDeny, Audit(document, context: Eval.Audit(("aws:PrincipalTag/team", "dev"))).Decision);
        Assert.Equal(AuditDecision.ImplicitDeny, Audit(document, context: RequestContext.Unknown.WithAbsent(["aws:PrincipalTag/team"])).Decision);
    }

    [Fact]
    public void ASettledAllowElsewhereIsNotGatedByAnUnsettledOne()
    {
        var result = Audit("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
              {"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*"}]}
            """);

        Assert.Equal(AuditDecision.Allowed, result.Decision);
    }

    [Fact]
    public void ResourceWithAnUnknownVariableIsConditional()
    {
        var document = Eval.Doc("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}""");

        var result = PolicyEvaluator.Default.Audit(Eval.Identity(document), "s3:GetObject", "arn:aws:s3:::home/alice/x", RequestContext.Unknown);

        Assert.Equal(AuditDecision.ConditionallyAllowed, result.Decision);
        Assert.Equal("only if the resource matches a pattern that uses ${aws:username}", Assert.Single(result.GatingConditions).Description);
    }

    [Fact]
    public void ADenyWhoseNotResourceVariableIsUnknownIsNeverACertainDenial()
    {
        var document = Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::${aws:username}/*"}""");

        var result = Audit(document);

        Assert.Equal(AuditDecision.ConditionallyAllowed, result.Decision);
        var gate = Assert.Single(result.GatingConditions);
        Assert.True(gate.IsDenyCondition);
        Assert.Equal("unless the resource is outside the NotResource patterns that use ${aws:username}", gate.Description);
    }

    [Fact]
    public void ADenyWhoseNotResourceVariableIsKnownAbsentDoesNotApply()
    {
        // A role has no aws:username: the pattern cannot be resolved, so the deny does not apply (iam-simulate's rule).
        var document = Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::${aws:username}/*"}""");

        var result = Audit(document, context: RequestContext.Unknown.WithAbsent(["aws:username"]));

        Assert.Equal(AuditDecision.Allowed, result.Decision);
        Assert.Equal(AuditDecision.ExplicitDeny, Audit(document, context: Eval.Audit(("aws:username", "alice"))).Decision);
    }

    [Fact]
    public void ADenyWithAnUnknownVariableOnAResourceItCertainlyMissesIsStillNotCertain()
    {
        // The service segment rules the resource out of the pattern, but whether the pattern resolves is unknown.
        var document = Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::${aws:username}/*"}""");

        var result = PolicyEvaluator.Default.Audit(Eval.Identity(document), "ec2:RunInstances", "arn:aws:ec2:eu-west-1:123456789012:instance/i-1", RequestContext.Unknown);

        Assert.Equal(AuditDecision.ConditionallyAllowed, result.Decision);
    }

    [Fact]
    public void AnAllowWhoseNotResourceVariableIsUnknownIsConditional()
    {
        var document = Eval.Doc("""{"Effect":"Allow","Action":"aws-marketplace:Subscribe","NotResource":"arn:aws:s3:::${aws:username}/*"}""");

        var result = Audit(document);

        Assert.Equal(AuditDecision.ConditionallyAllowed, result.Decision);
        Assert.Equal("only if the resource is outside the NotResource patterns that use ${aws:username}", Assert.Single(result.GatingConditions).Description);
        Assert.Equal(AuditDecision.ImplicitDeny, Audit(document, context: RequestContext.Unknown.WithAbsent(["aws:username"])).Decision);
    }

    [Fact]
    public void NullOnAnUnknownKeyIsUnknownButBothValuesAlwaysHold()
    {
        var conditional = Eval.Doc("""{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"false"}}}""");
        var tautology = Eval.Doc("""{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":["true","false"]}}}""");

        Assert.Equal(AuditDecision.ConditionallyAllowed, Audit(conditional).Decision);
        Assert.Equal("only if aws:TokenIssueTime is present", Audit(conditional).GatingConditions[0].Description);
        Assert.Equal(AuditDecision.Allowed, Audit(tautology).Decision);
    }

    [Fact]
    public void BoundaryWithUnknownConditionGatesAnAllow()
    {
        var identity = new[] { Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*"}""")) };
        var boundary = Eval.Policy(Eval.Doc("""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}"""), "RegionBoundary");

        var result = PolicyEvaluator.Default.Audit(new PolicySet(identity, boundary), "aws-marketplace:Subscribe", "*", RequestContext.Unknown);

        Assert.Equal(AuditDecision.ConditionallyAllowed, result.Decision);
        var gate = Assert.Single(result.GatingConditions);
        Assert.Equal("RegionBoundary", gate.Statement.PolicyName);
        Assert.Equal(PolicyLayer.PermissionsBoundary, gate.Statement.Layer);
    }

    [Theory]
    [InlineData("""{"StringNotEquals":{"aws:PrincipalTag/team":["a","b"]}}""", "only if aws:PrincipalTag/team is not any of a, b")]
    [InlineData("""{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}""", "only if aws:SourceIp is in one of 10.0.0.0/8, 192.168.0.0/16")]
    [InlineData("""{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}""", "only if aws:CurrentTime is before 2027-01-01T00:00:00Z")]
    [InlineData("""{"StringLikeIfExists":{"aws:userid":"AIDA*"}}""", "only if aws:userid matches AIDA* (or aws:userid is absent)")]
    [InlineData("""{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}""", "only if every value of aws:TagKeys is one of a, b")]
    [InlineData("""{"Null":{"aws:SourceVpc":"true"}}""", "only if aws:SourceVpc is absent")]
    public void GatingConditionsReadAsSentences(string condition, string description)
    {
        var result = Audit(Eval.Doc($$"""{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*","Condition":{{condition}}}"""));

        Assert.Equal(description, Assert.Single(result.GatingConditions).Description);
    }
}
