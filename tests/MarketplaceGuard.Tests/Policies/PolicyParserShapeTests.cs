using System;
using System.Linq;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Policies;

/// <summary>Every legal shape of an identity-policy document parses to the same model.</summary>
public sealed class PolicyParserShapeTests
{
    [Fact]
    public void StatementAsSingleObjectIsOneStatement()
    {
        var doc = PolicyParser.Parse("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}""");

        var statement = Assert.Single(doc.Statements);
        Assert.Equal(0, statement.Index);
        Assert.Equal(PolicyEffect.Allow, statement.Effect);
        Assert.Equal(["s3:GetObject"], statement.Actions);
        Assert.Equal(["*"], statement.Resources);
        Assert.Null(statement.Sid);
        Assert.Empty(statement.Conditions);
    }

    [Fact]
    public void NothingOfOneDocumentCarriesOverToTheNextOnTheSameThread()
    {
        // The parser keeps its reader per thread: Sids, elements and conditions of one document must not reach the next,
        // and a document with errors must not leave them behind.
        const string withSid = """{"Version":"2012-10-17","Id":"first","Statement":[{"Sid":"Same","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}""";
        const string invalid = """{"Version":"2012-10-17","Statement":[{"Sid":"Same","Effect":"Permit","Action":"*","Resource":"*"}]}""";
        const string bare = """{"Statement":{"Sid":"Same","Effect":"Deny","Action":"iam:*","Resource":"*"}}""";

        for (var round = 0; round < 3; round++)
        {
            var first = PolicyParser.Parse(withSid);
            Assert.Equal("first", first.Id);
            Assert.Single(Assert.Single(first.Statements).Conditions);

            Assert.True(PolicyParser.TryParse(bare, null, out var next, out var noErrors));
            Assert.Empty(noErrors);
            Assert.Null(next!.Id);
            Assert.Null(next.Version);
            var statement = Assert.Single(next.Statements);
            Assert.Equal("Same", statement.Sid);
            Assert.Empty(statement.Conditions);

            Assert.False(PolicyParser.TryParse(invalid, null, out var none, out var errors));
            Assert.Null(none);
            Assert.StartsWith("$.Statement[0].Effect: 'Permit'", Assert.Single(errors).ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void StatementArrayKeepsOrderIndexAndSid()
    {
        var doc = PolicyParser.Parse("""
            {
              "Version": "2012-10-17",
              "Statement": [
                { "Sid": "First", "Effect": "Allow", "Action": ["a:B", "c:D"], "Resource": ["arn:aws:s3:::x", "arn:aws:s3:::y/*"] },
                { "Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:iam::123456789012:role/admin" }
              ]
            }
            """);

        Assert.Equal(2, doc.Statements.Count);
        var (first, second) = (doc.Statements[0], doc.Statements[1]);
        Assert.Equal("First", first.Sid);
        Assert.Equal(["a:B", "c:D"], first.Actions);
        Assert.Equal(["arn:aws:s3:::x", "arn:aws:s3:::y/*"], first.Resources);
        Assert.False(first.IsNotAction);
        Assert.Equal(1, second.Index);
        Assert.Equal(PolicyEffect.Deny, second.Effect);
        Assert.True(second.IsNotAction);
        Assert.Equal("NotAction", second.ActionElementName);
        Assert.True(second.IsNotResource);
        Assert.Equal(["arn:aws:iam::123456789012:role/admin"], second.Resources);
        Assert.Equal("statement 0 (Sid First)", first.DisplayName);
        Assert.Equal("statement 1", second.DisplayName);
    }

    [Fact]
    public void ConditionValuesAsStringArrayNumberAndBoolean()
    {
        var doc = PolicyParser.Parse("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
              "StringEquals": {"aws:username": "alice", "aws:PrincipalTag/team": ["a", "b"]},
              "NumericLessThan": {"s3:max-keys": 10},
              "Bool": {"aws:MultiFactorAuthPresent": true},
              "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["env*"]}
            }}]}
            """);

        var conditions = doc.Statements[0].Conditions;
        Assert.Equal(5, conditions.Count);
        Assert.Equal(["alice"], conditions.Single(c => c.Key == "aws:username").Values);
        Assert.Equal(["a", "b"], conditions.Single(c => c.Key == "aws:PrincipalTag/team").Values);
        Assert.Equal(["10"], conditions.Single(c => c.Key == "s3:max-keys").Values);
        Assert.Equal(["true"], conditions.Single(c => c.Key == "aws:MultiFactorAuthPresent").Values);
        var tagKeys = conditions.Single(c => c.Key == "aws:TagKeys").Operator;
        Assert.Equal(new ConditionOperator(ConditionOperatorKind.StringLike, IfExists: true, SetQualifier.ForAnyValue), tagKeys);
        Assert.Equal("ForAnyValue:StringLikeIfExists", tagKeys.Name);
    }

    [Fact]
    public void UrlEncodedDocumentAsIamReturnsIt()
    {
        // What GetPolicyVersion / GetAccountAuthorizationDetails put in <Document>: RFC 3986 percent-encoding.
        const string encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C" +
            "%22Action%22%3A%22aws-marketplace%3AViewSubscriptions%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";

        var doc = PolicyParser.Parse(encoded);

        Assert.Equal(["aws-marketplace:ViewSubscriptions"], doc.Statements[0].Actions);
        Assert.Equal("2012-10-17", doc.Version);
    }

    [Theory]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}")]
    [InlineData("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\" \"Action\": \"s3:*\"}\n  ]\n}")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:\u0100\",\"Resource\":\"*\"}}")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:\\ud800\",\"Resource\":\"*\"}}")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"%FF\",\"Effect\":\"Deny\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}}")]
    public void AUrlEncodedDocumentReadsAsItsDecodedText(string json)
    {
        // Encoded documents are decoded into a buffer, not a string: the same document, or the same errors (lines and
        // columns of the decoded text), as the decoded text given as it is; leading whitespace before the encoding too.
        foreach (var encoded in new[] { Uri.EscapeDataString(json), "  \n" + Uri.EscapeDataString(json) })
        {
            var decoded = PolicyParser.DecodeIfUrlEncoded(encoded);
            Assert.Equal(json, decoded);
            var fromEncoded = PolicyParser.TryParse(encoded, null, out var a, out var errorsFromEncoded);
            var fromDecoded = PolicyParser.TryParse(decoded, null, out var b, out var errorsFromDecoded);

            Assert.Equal(fromDecoded, fromEncoded);
            Assert.Equal(errorsFromDecoded.Select(e => $"{e.Path}: {e.Message}"), errorsFromEncoded.Select(e => $"{e.Path}: {e.Message}"));
            Assert.Equal(b is null ? null : PolicyJsonWriter.WriteCompact(b), a is null ? null : PolicyJsonWriter.WriteCompact(a));
        }
    }

    [Fact]
    public void UrlDecodingKeepsPlusSigns()
    {
        // '+' is legal in IAM names (e.g. a user "a+b"); RFC 3986 does not use it for a space.
        var json = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/a+b"}}""";

        var doc = PolicyParser.Parse(Uri.EscapeDataString(json).Replace("%2B", "+", StringComparison.Ordinal));

        Assert.Equal(["arn:aws:iam::123456789012:user/a+b"], doc.Statements[0].Resources);
    }

    [Theory]
    [InlineData("""{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}""", null, "2008-10-17", false)]
    [InlineData("""{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}""", "2008-10-17", "2008-10-17", false)]
    [InlineData("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}""", "2012-10-17", "2012-10-17", true)]
    public void VersionDefaultsTo2008AndControlsPolicyVariables(string json, string? version, string effective, bool variables)
    {
        var doc = PolicyParser.Parse(json);

        Assert.Equal(version, doc.Version);
        Assert.Equal(effective, doc.EffectiveVersion);
        Assert.Equal(variables, doc.SupportsPolicyVariables);
    }

    [Fact]
    public void IdAndEmptySidAreAccepted()
    {
        var doc = PolicyParser.Parse("""{"Version":"2012-10-17","Id":"my-policy","Statement":[{"Sid":"","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"","Effect":"Deny","Action":"*","Resource":"*"}]}""");

        Assert.Equal("my-policy", doc.Id);
        Assert.Equal("", doc.Statements[1].Sid);
    }

    [Fact]
    public void OperatorNamesAreCaseInsensitiveAndNormalised()
    {
        var doc = PolicyParser.Parse("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"forallvalues:stringequalsignorecaseifexists":{"aws:TagKeys":"a"}}}}""");

        Assert.Equal("ForAllValues:StringEqualsIgnoreCaseIfExists", doc.Statements[0].Conditions[0].Operator.Name);
    }

    [Fact]
    public void WhitespaceAndCrLfAreIgnored()
    {
        var doc = PolicyParser.Parse("{\r\n\t\"Version\" : \"2012-10-17\" ,\r\n \"Statement\" : { \"Effect\":\"Allow\", \"Action\":\"*\", \"Resource\":\"*\" }\r\n}\r\n");

        Assert.Single(doc.Statements);
    }

    [Fact]
    public void DocumentAtTheQuotaIsAccepted()
    {
        var doc = DocumentOfSize(PolicyParseOptions.ManagedPolicyCharacterQuota);

        Assert.True(PolicyParser.TryParse(doc, PolicyParseOptions.CustomerManagedPolicy, out _, out var errors), string.Join("; ", errors));
    }

    /// <summary>A valid document with exactly <paramref name="size"/> non-whitespace characters.</summary>
    internal static string DocumentOfSize(int size)
    {
        const string head = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::""";
        const string tail = "\"}}";
        var padding = size - head.Length - tail.Length;
        return head + new string('x', padding) + tail;
    }
}
