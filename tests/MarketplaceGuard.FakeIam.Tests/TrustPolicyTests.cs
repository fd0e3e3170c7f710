using MarketplaceGuard.FakeIam.Sts;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>The trust policy evaluation behind AssumeRole: principals, actions, ExternalId conditions, Deny, and failing closed.</summary>
public sealed class TrustPolicyTests
{
    private static readonly FakeIamAccount CallerAccount = new("111111111111");

    private static readonly CallerIdentity User = new(CallerAccount, "arn:aws:iam::111111111111:user/fake-iam-caller", "AIDAEXAMPLE");

    private static readonly CallerIdentity Session = new(CallerAccount, "arn:aws:sts::111111111111:assumed-role/Hub/s1", "AROAEXAMPLE:s1",
        "arn:aws:iam::111111111111:role/team/Hub");

    private static string Allow(string principal, string action = "\"sts:AssumeRole\"", string condition = "") =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{{principal}},"Action":{{action}}{{condition}}}]}""";

    [Theory]
    [InlineData("\"*\"")]
    [InlineData("""{"AWS":"*"}""")]
    [InlineData("""{"AWS":"111111111111"}""")]
    [InlineData("""{"AWS":"arn:aws:iam::111111111111:root"}""")]
    [InlineData("""{"AWS":"arn:aws:iam::111111111111:user/fake-iam-caller"}""")]
    [InlineData("""{"AWS":["arn:aws:iam::222222222222:root","111111111111"],"Service":"ec2.amazonaws.com"}""")]
    public void PrincipalsThatNameTheCallerAllowIt(string principal)
    {
        Assert.True(TrustPolicy.Allows(Allow(principal), User, null));
    }

    [Theory]
    [InlineData("""{"AWS":"arn:aws:iam::222222222222:root"}""")]
    [InlineData("""{"AWS":"222222222222"}""")]
    [InlineData("""{"AWS":"arn:aws:iam::111111111111:user/someone-else"}""")]
    [InlineData("""{"Service":"ec2.amazonaws.com"}""")]
    [InlineData("""{"Federated":"arn:aws:iam::111111111111:saml-provider/idp"}""")]
    public void OtherPrincipalsDoNot(string principal)
    {
        Assert.False(TrustPolicy.Allows(Allow(principal), User, null));
    }

    [Fact]
    public void ARoleArnMatchesItsSessionsAndTheSessionArnItself()
    {
        Assert.True(TrustPolicy.Allows(Allow("""{"AWS":"arn:aws:iam::111111111111:role/team/Hub"}"""), Session, null));
        Assert.True(TrustPolicy.Allows(Allow("""{"AWS":"arn:aws:sts::111111111111:assumed-role/Hub/s1"}"""), Session, null));
        Assert.False(TrustPolicy.Allows(Allow("""{"AWS":"arn:aws:iam::111111111111:role/team/Hub"}"""), User, null));
    }

    [Theory]
    [InlineData("\"sts:AssumeRole\"", true)]
    [InlineData("\"STS:assumerole\"", true)]
    [InlineData("\"sts:*\"", true)]
    [InlineData("\"*\"", true)]
    [InlineData("\"sts:Assume?ole\"", true)]
    [InlineData("[\"sts:TagSession\",\"sts:AssumeRole\"]", true)]
    [InlineData("\"sts:AssumeRoleWithSAML\"", false)]
    [InlineData("\"sts:TagSession\"", false)]
    public void TheActionMustMatchStsAssumeRole(string action, bool allowed)
    {
        Assert.Equal(allowed, TrustPolicy.Allows(Allow("""{"AWS":"111111111111"}""", action), User, null));
    }

    [Fact]
    public void AMatchingDenyWins()
    {
        const string document = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"},
              {"Effect":"Deny","Principal":"*","Action":"sts:*"}]}
            """;

        Assert.False(TrustPolicy.Allows(document, User, null));
    }

    [Theory]
    [InlineData(""","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}""")]
    [InlineData(""","Condition":{"StringEqualsIfExists":{"sts:ExternalId":"ext-1"}}""")]
    [InlineData(""","Condition":{"StringEquals":{"sts:ExternalId":"ext-1","aws:SourceIp":"10.0.0.1"}}""")]
    public void AnAllowWithAConditionTheFakeDoesNotKnowDoesNotApply(string condition)
    {
        Assert.False(TrustPolicy.Allows(Allow("""{"AWS":"111111111111"}""", condition: condition), User, "ext-1"));
    }

    [Fact]
    public void ADenyWithAConditionTheFakeDoesNotKnowApplies()
    {
        const string document = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"},
              {"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}
            """;

        Assert.False(TrustPolicy.Allows(document, User, null));
    }

    [Fact]
    public void ADenyWhoseExternalIdConditionFailsDoesNotApply()
    {
        const string document = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"},
              {"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"blocked"},"Bool":{"aws:SecureTransport":"false"}}}]}
            """;

        Assert.True(TrustPolicy.Allows(document, User, "fine"));
        Assert.False(TrustPolicy.Allows(document, User, "blocked"));
    }

    [Theory]
    [InlineData("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}}""", true)]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"222222222222"},"Action":"sts:AssumeRole"}]}""", false)]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"NotAction":"sts:TagSession"}]}""", false)]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}]}""", false)]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}""", false)]
    [InlineData("""{"Version":"2012-10-17"}""", false)]
    [InlineData("""not json""", false)]
    [InlineData("{}", false)]
    public void OddDocumentsFailClosed(string document, bool allowed)
    {
        Assert.Equal(allowed, TrustPolicy.Allows(document, User, null));
    }
}
