using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Policies;

public sealed class PolicySemanticEqualityTests
{
    private const string Baseline = """
        {"Version":"2012-10-17","Statement":[
          {"Sid":"Buy","Effect":"Allow","Action":["aws-marketplace:Subscribe","aws-marketplace:ViewSubscriptions"],"Resource":"*",
           "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}},
          {"Effect":"Deny","Action":"aws-marketplace:Unsubscribe","Resource":"*"}
        ]}
        """;

    [Theory]
    [InlineData("statement order", """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"aws-marketplace:Unsubscribe","Resource":"*"},{"Sid":"Buy","Effect":"Allow","Action":["aws-marketplace:Subscribe","aws-marketplace:ViewSubscriptions"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}}]}""")]
    [InlineData("value order, key order and operator order", """{"Statement":[{"Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["192.168.0.0/16","10.0.0.0/8"]},"Bool":{"aws:MultiFactorAuthPresent":"true"}},"Action":["aws-marketplace:ViewSubscriptions","aws-marketplace:Subscribe"],"Effect":"Allow","Sid":"Buy"},{"Effect":"Deny","Action":"aws-marketplace:Unsubscribe","Resource":"*"}],"Version":"2012-10-17"}""")]
    [InlineData("a single string versus a one-element array, a boolean versus its text", """{"Version":"2012-10-17","Statement":[{"Sid":"Buy","Effect":"Allow","Action":["aws-marketplace:Subscribe","aws-marketplace:ViewSubscriptions"],"Resource":["*"],"Condition":{"Bool":{"aws:MultiFactorAuthPresent":true},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}},{"Effect":"Deny","Action":["aws-marketplace:Unsubscribe"],"Resource":["*"]}]}""")]
    [InlineData("case of actions, condition operators and keys", """{"Version":"2012-10-17","Statement":[{"Sid":"Buy","Effect":"Allow","Action":["AWS-Marketplace:subscribe","aws-marketplace:VIEWSUBSCRIPTIONS"],"Resource":"*","Condition":{"bool":{"AWS:multifactorauthpresent":"true"},"IPADDRESS":{"aws:sourceip":["10.0.0.0/8","192.168.0.0/16"]}}},{"Effect":"Deny","Action":"aws-marketplace:Unsubscribe","Resource":"*"}]}""")]
    [InlineData("Sid, Id and duplicates", """{"Version":"2012-10-17","Id":"other","Statement":[{"Sid":"Other","Effect":"Allow","Action":["aws-marketplace:Subscribe","aws-marketplace:Subscribe","aws-marketplace:ViewSubscriptions"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}},{"Effect":"Deny","Action":"aws-marketplace:Unsubscribe","Resource":"*"},{"Effect":"Deny","Action":"aws-marketplace:Unsubscribe","Resource":"*"}]}""")]
    public void EqualDespite(string difference, string other)
    {
        Assert.True(PolicyParser.Parse(Baseline).SemanticallyEquals(PolicyParser.Parse(other)), difference);
    }

    [Theory]
    [InlineData("a different effect", """{"Version":"2012-10-17","Statement":[{"Sid":"Buy","Effect":"Allow","Action":["aws-marketplace:Subscribe","aws-marketplace:ViewSubscriptions"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}},{"Effect":"Allow","Action":"aws-marketplace:Unsubscribe","Resource":"*"}]}""")]
    [InlineData("NotAction instead of Action", """{"Version":"2012-10-17","Statement":[{"Sid":"Buy","Effect":"Allow","Action":["aws-marketplace:Subscribe","aws-marketplace:ViewSubscriptions"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}},{"Effect":"Deny","NotAction":"aws-marketplace:Unsubscribe","Resource":"*"}]}""")]
    [InlineData("one condition value less", """{"Version":"2012-10-17","Statement":[{"Sid":"Buy","Effect":"Allow","Action":["aws-marketplace:Subscribe","aws-marketplace:ViewSubscriptions"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}},{"Effect":"Deny","Action":"aws-marketplace:Unsubscribe","Resource":"*"}]}""")]
    [InlineData("a condition less", """{"Version":"2012-10-17","Statement":[{"Sid":"Buy","Effect":"Allow","Action":["aws-marketplace:Subscribe","aws-marketplace:ViewSubscriptions"],"Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}},{"Effect":"Deny","Action":"aws-marketplace:Unsubscribe","Resource":"*"}]}""")]
    [InlineData("IfExists added to an operator", """{"Version":"2012-10-17","Statement":[{"Sid":"Buy","Effect":"Allow","Action":["aws-marketplace:Subscribe","aws-marketplace:ViewSubscriptions"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}},{"Effect":"Deny","Action":"aws-marketplace:Unsubscribe","Resource":"*"}]}""")]
    [InlineData("an action less", """{"Version":"2012-10-17","Statement":[{"Sid":"Buy","Effect":"Allow","Action":["aws-marketplace:Subscribe"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}},{"Effect":"Deny","Action":"aws-marketplace:Unsubscribe","Resource":"*"}]}""")]
    [InlineData("a different version (policy variables change meaning)", """{"Version":"2008-10-17","Statement":[{"Sid":"Buy","Effect":"Allow","Action":["aws-marketplace:Subscribe","aws-marketplace:ViewSubscriptions"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}},{"Effect":"Deny","Action":"aws-marketplace:Unsubscribe","Resource":"*"}]}""")]
    [InlineData("a statement less", """{"Version":"2012-10-17","Statement":[{"Sid":"Buy","Effect":"Allow","Action":["aws-marketplace:Subscribe","aws-marketplace:ViewSubscriptions"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}}]}""")]
    public void DifferentWhen(string difference, string other)
    {
        Assert.False(PolicyParser.Parse(Baseline).SemanticallyEquals(PolicyParser.Parse(other)), difference);
    }

    [Fact]
    public void ResourceArnsAreCaseSensitive()
    {
        var lower = PolicyParser.Parse("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/a"}}""");
        var upper = PolicyParser.Parse("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/A"}}""");

        Assert.False(lower.SemanticallyEquals(upper));
    }

    [Fact]
    public void MissingVersionEquals2008()
    {
        var none = PolicyParser.Parse("""{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}""");
        var legacy = PolicyParser.Parse("""{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}""");

        Assert.True(none.SemanticallyEquals(legacy));
    }
}
