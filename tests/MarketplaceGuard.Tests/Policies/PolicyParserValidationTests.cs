using System.Linq;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Policies;

/// <summary>Invalid documents: each is rejected with an error that names the JSON path and what is wrong.</summary>
public sealed class PolicyParserValidationTests
{
    private const string V = "\"Version\":\"2012-10-17\"";

    public static TheoryData<string, string> InvalidDocuments => new()
    {
        { "", "$: the policy document is empty" },
        { "[]", "$: the policy document must be a JSON object, not an array" },
        { "{" + V + "}", "$.Statement: required element is missing" },
        { "{" + V + ",\"Statement\":\"Allow everything\"}", "$.Statement: must be a statement object or an array of statements, not a string" },
        { "{" + V + ",\"Statement\":[]}", "$.Statement: must contain at least one statement" },
        { "{\"Version\":\"2012-10-18\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}", "$.Version: '2012-10-18' is not a policy language version: use '2012-10-17' (or the legacy '2008-10-17')" },
        { "{\"Version\":2012,\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}", "$.Version: must be a string, not a number" },
        { "{" + V + ",\"Statements\":[]}", "$.Statements: unknown element 'Statements': a policy document has only Version, Id and Statement" },
        { "{" + V + ",\"statement\":[]}", "$.statement: unknown element 'statement': element names are case-sensitive, write 'Statement'" },
        { "{" + V + ",\"Statement\":[\"s3:*\"]}", "$.Statement[0]: each statement must be a JSON object, not a string" },
        { "{" + V + ",\"Statement\":[{\"Action\":\"*\",\"Resource\":\"*\"}]}", "$.Statement[0].Effect: required element is missing (use 'Allow' or 'Deny')" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Permit\",\"Action\":\"*\",\"Resource\":\"*\"}]}", "$.Statement[0].Effect: 'Permit' is not a valid effect: use 'Allow' or 'Deny'" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}", "$.Statement[0].Effect: 'allow' is not a valid effect: use 'Allow' or 'Deny' (the value is case-sensitive)" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}]}", "$.Statement[0]: has both Action and NotAction: use exactly one" },
        // Element names are compared after unescaping: an escaped name is the same element.
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"\\u0045ffect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}", "$.Statement[0].Effect: appears more than once in the same object" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resourc\\u0065s\":\"*\"}]}", "$.Statement[0].Resources: unknown element 'Resources': a statement has only Sid, Effect, Action or NotAction, Resource or NotResource, and Condition" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"*\"}]}", "$.Statement[0].Action: required element is missing (a statement needs Action or NotAction)" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\"}]}", "$.Statement[0].Resource: required element is missing (a statement needs Resource or NotResource)" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"NotResource\":\"*\"}]}", "$.Statement[0]: has both Resource and NotResource: use exactly one" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",5],\"Resource\":\"*\"}]}", "$.Statement[0].Action[1]: must be a string or an array of strings, not a number" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}]}", "$.Statement[0].Action: must not be an empty array" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"Subscribe\",\"Resource\":\"*\"}]}", "$.Statement[0].Action: 'Subscribe' is not an action: write 'service:Action' (for example 'aws-marketplace:Subscribe') or '*'" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"aws-*:Subscribe\"],\"Resource\":\"*\"}]}", "$.Statement[0].Action[0]: 'aws-*:Subscribe': the service prefix 'aws-*' may contain only letters, digits and hyphens (no wildcards)" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:Get\",\"s3:\"],\"Resource\":\"*\"}]}", "$.Statement[0].Action[1]: 's3:' has no action name after the service prefix" },
        // A final line break is no part of a name (a regex's $ would have let it through).
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ec2:RunInstances\\n\",\"Resource\":\"*\"}]}", "$.Statement[0].Action: 'ec2:RunInstances\n': the action name 'RunInstances\n' may contain only letters, digits and the wildcards * and ?" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"my-bucket\"}]}", "$.Statement[0].Resource: 'my-bucket' is not an ARN: write 'arn:partition:service:region:account:resource' or '*'" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3\"}]}", "$.Statement[0].Resource: 'arn:aws:s3' is not an ARN: write 'arn:partition:service:region:account:resource' or '*'" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"NullIfExists\":{\"aws:TokenIssueTime\":\"true\"}}}]}", "$.Statement[0].Condition.NullIfExists: 'NullIfExists' is not allowed: the Null operator takes no IfExists suffix and no set qualifier" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"ForSomeValues:StringEquals\":{\"aws:TagKeys\":\"a\"}}}]}", "$.Statement[0].Condition['ForSomeValues:StringEquals']: unknown set qualifier 'ForSomeValues' (use ForAllValues or ForAnyValue)" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"username\":\"bob\"}}}]}", "$.Statement[0].Condition.StringEquals.username: 'username' is not a condition key: keys are prefixed by their service, as in 'aws:SourceIp' or 'aws-marketplace:ProductId'" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:username\":{\"v\":1}}}}]}", "$.Statement[0].Condition.StringEquals['aws:username']: must be a string, number or boolean (or an array of them), not an object" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:username\":null}}}]}", "$.Statement[0].Condition.StringEquals['aws:username']: must be a string, number or boolean (or an array of them), not null" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{}}}]}", "$.Statement[0].Condition.StringEquals: has no context key" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":\"MFA\"}]}", "$.Statement[0].Condition: must be an object of the form { \"Operator\": { \"key\": value(s) } }, not a string" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}", "$.Statement[0].Principal: Principal is not allowed in an identity-based policy (it belongs in resource-based policies such as trust or bucket policies)" },
        { "{" + V + ",\"Statement\":[{\"Sid\":\"Same\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},{\"Sid\":\"Same\",\"Effect\":\"Deny\",\"Action\":\"iam:*\",\"Resource\":\"*\"}]}", "$.Statement[1].Sid: 'Same' is already the Sid of $.Statement[0].Sid: Sids must be unique within a policy" },
        { "{" + V + ",\"Statement\":[{\"Sid\":\"allow-all\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}", "$.Statement[0].Sid: 'allow-all' is not a valid Sid: IAM accepts only the letters A-Z and a-z and the digits 0-9" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}", "$.Statement[0].Effect: appears more than once in the same object" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Actions\":\"*\",\"Resource\":\"*\"}]}", "$.Statement[0].Actions: unknown element 'Actions': a statement has only Sid, Effect, Action or NotAction, Resource or NotResource, and Condition" },
        { "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:username\":\"bob\u2019s\"}}}]}", "$: character U+2019 at line 1, column 132 is not allowed: IAM accepts only tab, line feed, carriage return and U+0020 to U+00FF in policy documents" },
    };

    [Theory]
    [MemberData(nameof(InvalidDocuments))]
    public void InvalidDocumentIsRejectedWithPathAndReason(string json, string expectedError)
    {
        var accepted = PolicyParser.TryParse(json, null, out var document, out var errors);

        Assert.False(accepted);
        Assert.Null(document);
        Assert.Contains(expectedError, errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":", "$: not valid JSON at line 1, position 37: ")]
    [InlineData("{\"Version\":\"2012-10-17\",\n\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",}]}", "$: not valid JSON at line 2, position 60: ")]
    [InlineData("{\"Version\":\"2012-10-17\", // note\n\"Statement\":[]}", "$: not valid JSON at line 1, position 26: ")]
    public void MalformedJsonNamesLineAndPosition(string json, string expectedStart)
    {
        Assert.False(PolicyParser.TryParse(json, null, out _, out var errors));

        var error = Assert.Single(errors);
        Assert.StartsWith(expectedStart, error.ToString(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOperatorListsTheKnownOnes()
    {
        const string json = "{" + V + ",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEqual\":{\"aws:username\":\"bob\"}}}]}";

        Assert.False(PolicyParser.TryParse(json, null, out _, out var errors));

        var error = Assert.Single(errors);
        Assert.Equal("$.Statement[0].Condition.StringEqual", error.Path);
        Assert.StartsWith("unknown condition operator 'StringEqual' (known operators: StringEquals, StringNotEquals,", error.Message, System.StringComparison.Ordinal);
        Assert.Contains("ArnNotLike, Null, each with an optional IfExists suffix", error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void DocumentOverTheManagedPolicyQuotaIsRejected()
    {
        var json = PolicyParserShapeTests.DocumentOfSize(PolicyParseOptions.ManagedPolicyCharacterQuota + 1);

        Assert.False(PolicyParser.TryParse(json, PolicyParseOptions.CustomerManagedPolicy, out _, out var errors));
        Assert.Equal("$: the document has 6,145 characters (whitespace not counted), over IAM's quota of 6,144 for a managed policy", Assert.Single(errors).ToString());

        // Without a limit (AWS managed policies, documents read from an account) the same document is fine.
        Assert.True(PolicyParser.TryParse(json, PolicyParseOptions.Default, out _, out _));
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\u00A0")]
    [InlineData("\u0085")]
    public void EveryKindOfWhitespaceInAStringIsLeftOutOfTheCount(string whitespace)
    {
        // One character over the quota, then one of them turned into whitespace (inside the resource ARN): at the quota.
        var over = PolicyParserShapeTests.DocumentOfSize(PolicyParseOptions.ManagedPolicyCharacterQuota + 1);
        var json = over.Replace("arn:aws:s3:::x", "arn:aws:s3:::" + whitespace, System.StringComparison.Ordinal);

        Assert.False(PolicyParser.TryParse(over, PolicyParseOptions.CustomerManagedPolicy, out _, out _));
        Assert.True(PolicyParser.TryParse(json, PolicyParseOptions.CustomerManagedPolicy, out _, out var errors), string.Join("; ", errors));
    }

    [Fact]
    public void WhitespaceDoesNotCountTowardsTheQuota()
    {
        var json = PolicyParserShapeTests.DocumentOfSize(PolicyParseOptions.ManagedPolicyCharacterQuota).Replace(",", ",\n        ", System.StringComparison.Ordinal);

        Assert.True(PolicyParser.TryParse(json, PolicyParseOptions.CustomerManagedPolicy, out _, out var errors), string.Join("; ", errors));
    }

    [Fact]
    public void EveryProblemIsReportedNotOnlyTheFirst()
    {
        const string json = "{\"Version\":\"2012-10-17\",\"Statement\":[" +
            "{\"Effect\":\"Permit\",\"Action\":\"*\",\"Resource\":\"*\"}," +
            "{\"Effect\":\"Allow\",\"Action\":\"s3:*\"}," +
            "{\"Effect\":\"Deny\",\"Action\":\"iam:*\",\"Resource\":\"*\",\"Condition\":{\"StringLke\":{\"aws:username\":\"x\"}}}]}";

        Assert.False(PolicyParser.TryParse(json, null, out _, out var errors));

        Assert.Equal(
            ["$.Statement[0].Effect", "$.Statement[1].Resource", "$.Statement[2].Condition.StringLke"],
            errors.Select(e => e.Path));
    }

    [Fact]
    public void ParseThrowsAnExceptionNamingTheSourceAndEveryProblem()
    {
        const string json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Permit\",\"Action\":\"*\"}]}";
        var options = PolicyParseOptions.Default.WithSource("policies/team.json");

        var e = Assert.Throws<PolicyValidationException>(() => PolicyParser.Parse(json, options));

        Assert.Equal("policies/team.json", e.Source);
        Assert.Equal(2, e.Errors.Count);
        Assert.Equal(
            "The policy document 'policies/team.json' is not valid (2 problems): $.Statement[0].Effect: 'Permit' is not a valid effect: use 'Allow' or 'Deny'; $.Statement[0].Resource: required element is missing (a statement needs Resource or NotResource)",
            e.Message);
    }
}
