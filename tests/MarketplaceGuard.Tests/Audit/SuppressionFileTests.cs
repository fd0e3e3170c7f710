using MarketplaceGuard.Engine.Audit;
using Xunit;

namespace MarketplaceGuard.Tests.Audit;

public sealed class SuppressionFileTests
{
    [Theory]
    [InlineData("MG2005")]
    [InlineData("MG3004")]
    [InlineData("mg3001")]
    public void RuleIdsOfEveryRuleAreAccepted(string ruleId)
    {
        var suppressions = SuppressionFile.Parse($$"""[{"ruleId": "{{ruleId}}", "principal": "user/lars", "justification": "j", "expires": "2027-01-01"}]""", "suppressions.json");

        Assert.Equal(ruleId, Assert.Single(suppressions).RuleId);
    }

    [Fact]
    public void AnUnknownRuleIdNamesTheClosestIdAndEveryRuleFamily()
    {
        var e = Assert.Throws<SuppressionFileException>(() => SuppressionFile.Parse("""[{"ruleId": "MG3009", "principal": "user/lars", "justification": "j", "expires": "2027-01-01"}]""", "suppressions.json"));

        Assert.Equal("$[0].ruleId", e.JsonPath);
        Assert.Contains("'MG3009' is not a rule id (did you mean MG300", e.Message, System.StringComparison.Ordinal);
        Assert.Contains("MG2005", e.Message, System.StringComparison.Ordinal);
        Assert.Contains("MG3004", e.Message, System.StringComparison.Ordinal);
        Assert.DoesNotContain("MG1001 to MG1007", e.Message, System.StringComparison.Ordinal);
    }
}
