using System;
using MarketplaceGuard.Engine.Guardrails;

namespace MarketplaceGuard.Tests.Guardrails;

/// <summary>Which exception patterns and product ids a guardrail accepts, and what it says of the others.</summary>
public sealed class GuardrailValuesTests
{
    [Theory]
    [InlineData("arn:aws:iam::111122223333:role/Procurement")]
    [InlineData("arn:aws:iam::111122223333:role/team/path/Procurement")]
    [InlineData("arn:aws:iam::111122223333:user/alice")]
    [InlineData("arn:aws:iam::111122223333:root")]
    [InlineData("arn:aws:iam::*:role/launchers/*")]
    [InlineData("arn:aws:iam::1111222233??:role/gov-?")]
    [InlineData("arn:aws-cn:iam::111122223333:role/a+b=c,d.e@f_g-h")]
    [InlineData("arn:*:iam::111122223333:role/Procurement")]
    public void PrincipalArnPatternsOfUsersRolesAndRootsAreAccepted(string value)
    {
        GuardrailValues.CheckPrincipalArnPattern(value, "LauncherPrincipalArn");
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData("Procurement", "is not an ARN")]
    [InlineData("arn:aws:iam:111122223333:role/Procurement", "is not an ARN")]
    [InlineData("arn:aws:sts::111122223333:assumed-role/Procurement/alice", "use arn:aws:iam::111122223333:role/Procurement")]
    [InlineData("arn:aws:s3:::bucket", "of the service 's3'")]
    [InlineData("arn:aws:iam::111122223333:group/Procurement", "Groups are not principals")]
    [InlineData("arn:aws:iam::111122223333:policy/Procurement", "not the ARN of a user, a role or an account root")]
    [InlineData("arn:aws:iam::111122223333:*", "not the ARN of a user, a role or an account root")]
    [InlineData("arn:aws:iam::111122223333:role/", "not the ARN of a user, a role or an account root")]
    [InlineData("arn:aws:iam::111122223333:role/team/", "ends with '/': the role name after the path is missing")]
    [InlineData("arn:aws:iam::*:user/procurement/", "ends with '/': the user name after the path is missing")]
    [InlineData("arn:aws:iam::11112222333:role/Procurement", "the account '11112222333'")]
    [InlineData("arn:asw:iam::111122223333:role/Procurement", "the partition 'asw'")]
    [InlineData("arn:aws:iam:us-east-1:111122223333:role/Procurement", "the region 'us-east-1'")]
    [InlineData("arn:aws:iam::111122223333:role/Pro curement", "characters IAM does not allow")]
    [InlineData("ARN:aws:iam::111122223333:role/Procurement", "is not an ARN")]
    [InlineData("arn:aws:iam::\u0661\u0661\u0661\u0661\u0662\u0662\u0662\u0662\u0663\u0663\u0663\u0663:role/Procurement", "the account")]
    public void OtherValuesAreRefusedNamingTheValueTheParameterAndWhy(string value, string why)
    {
        var error = Assert.Throws<GuardrailInputException>(() => GuardrailValues.CheckPrincipalArnPattern(value, "LauncherPrincipalArn"));

        Assert.Equal(GuardrailInputProblem.PrincipalArnInvalid, error.Problem);
        Assert.Equal("LauncherPrincipalArn", error.Parameter);
        Assert.Equal(value, error.Value);
        Assert.StartsWith($"-LauncherPrincipalArn: '{value}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:iam::111122223333:role/Procurement\n", "characters IAM does not allow")]
    [InlineData("arn:aws:iam::111122223333:role/Procurement\r\n", "characters IAM does not allow")]
    [InlineData("arn:aws:iam::111122223333\n:role/Procurement", "has the account")]
    public void AValueEndingInALineBreakIsRefusedNotWrittenIntoTheCondition(string value, string why)
    {
        // Such a value would become an exception no principal ARN matches: the principal it meant would be denied.
        var error = Assert.Throws<GuardrailInputException>(() => GuardrailValues.CheckPrincipalArnPattern(value, "ProcurementPrincipalArn"));

        Assert.Equal(GuardrailInputProblem.PrincipalArnInvalid, error.Problem);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHugeValueIsRefusedAndQuotedShort()
    {
        var huge = "arn:aws:iam::111122223333:role/" + new string('x', 3000);

        var error = Assert.Throws<GuardrailInputException>(() => GuardrailValues.CheckPrincipalArnPattern(huge, "GovernancePrincipalArn"));

        Assert.Contains("has 3,031 characters; an ARN has at most 2,048", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 400);
    }

    [Theory]
    [InlineData("prod-4pmewlybdftbs")]
    [InlineData("a61c46fe-1747-41aa-9af0-2e0ae8a9ce05")]
    public void ProductIdsOfBothShapesAreAccepted(string value)
    {
        GuardrailValues.CheckProductId(value);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("prod-4pmewlybdftb", "is not an AWS Marketplace product id")]
    [InlineData("prod-4pmewlybdftbss", "is not an AWS Marketplace product id")]
    [InlineData("4pmewlybdftbs", "is not an AWS Marketplace product id")]
    [InlineData("prod-4PMEWLYBDFTBS", "write it in lowercase")]
    [InlineData("A61C46FE-1747-41AA-9AF0-2E0AE8A9CE05", "write it in lowercase")]
    [InlineData("a61c46fe174741aa9af02e0ae8a9ce05", "is not an AWS Marketplace product id")]
    [InlineData("prod-4pmewlybdftbs\n", "is not an AWS Marketplace product id")]
    public void OtherProductIdsAreRefused(string value, string why)
    {
        var error = Assert.Throws<GuardrailInputException>(() => GuardrailValues.CheckProductId(value));

        Assert.Equal(GuardrailInputProblem.ProductIdInvalid, error.Problem);
        Assert.Equal("ApprovedProductId", error.Parameter);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 2 }, "ProcurementPrincipalArn")]
    [InlineData(new[] { 1, 3 }, "LauncherPrincipalArn")]
    [InlineData(new[] { 1, 2 }, "GovernancePrincipalArn")]
    [InlineData(new[] { 2, 3 }, "ApprovedProductId")]
    public void AListForARuleNotBuiltIsRefused(int[] rules, string parameter)
    {
        var options = new GuardrailOptions
        {
            Rules = rules,
            ProcurementPrincipalArns = parameter == "ProcurementPrincipalArn" ? ["arn:aws:iam::111122223333:role/P"] : [],
            LauncherPrincipalArns = parameter == "LauncherPrincipalArn" ? ["arn:aws:iam::111122223333:role/L"] : [],
            GovernancePrincipalArns = parameter == "GovernancePrincipalArn" ? ["arn:aws:iam::111122223333:role/G"] : [],
            ApprovedProductIds = parameter == "ApprovedProductId" ? ["prod-4pmewlybdftbs"] : [],
        };

        var error = Assert.Throws<GuardrailInputException>(() => GuardrailBuilder.Build(options));

        Assert.Equal(GuardrailInputProblem.RuleNotBuilt, error.Problem);
        Assert.Equal(parameter, error.Parameter);
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 4 })]
    [InlineData(new[] { 0, 1 })]
    public void RulesAreOneTwoAndThree(int[] rules)
    {
        var error = Assert.Throws<GuardrailInputException>(() => GuardrailBuilder.Build(new GuardrailOptions { Rules = rules }));

        Assert.Equal(GuardrailInputProblem.RuleInvalid, error.Problem);
    }

    [Fact]
    public void TheBuilderChecksEveryValueItIsGiven()
    {
        var error = Assert.Throws<GuardrailInputException>(() => GuardrailBuilder.Build(new GuardrailOptions
        {
            Rules = [1],
            ProcurementPrincipalArns = ["arn:aws:iam::111122223333:role/P", "arn:aws:sts::111122223333:assumed-role/P/s"],
        }));

        Assert.Equal("arn:aws:sts::111122223333:assumed-role/P/s", error.Value);
    }
}
