using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Policies;

public sealed class PolicyJsonWriterTests
{
    [Fact]
    public void WritesCanonicalCompactJson()
    {
        var doc = PolicyParser.Parse("""
            {
              "Statement": {
                "Condition": { "StringLike": { "s3:prefix": "home/*" }, "Bool": { "aws:SecureTransport": true }, "StringEquals": { "b:k": "2", "a:k": ["1"] } },
                "Resource": "arn:aws:s3:::bucket",
                "Action": "s3:ListBucket",
                "Effect": "Allow",
                "Sid": "List"
              },
              "Id": "x",
              "Version": "2012-10-17"
            }
            """);

        Assert.Equal(
            """{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"List","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::bucket"],"Condition":{"Bool":{"aws:SecureTransport":["true"]},"StringEquals":{"a:k":["1"],"b:k":["2"]},"StringLike":{"s3:prefix":["home/*"]}}}]}""",
            doc.ToCompactJson());
    }

    [Fact]
    public void KeepsStatementAndValueOrderAndNegatedElements()
    {
        var doc = PolicyParser.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["s3:B","s3:A"],"NotResource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}]}""");

        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["s3:B","s3:A"],"NotResource":["*"]},{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}""",
            doc.ToCompactJson());
    }

    [Fact]
    public void LeavesOutVersionWhenTheDocumentHadNone()
    {
        // Writing "2008-10-17" would be equivalent, but a writer must not invent elements.
        var doc = PolicyParser.Parse("""{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}""");

        Assert.Equal("""{"Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}""", doc.ToCompactJson());
    }

    [Fact]
    public void KeepsSpecialCharactersReadable()
    {
        var doc = PolicyParser.Parse("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam::123456789012:user/a+b","Condition":{"StringLike":{"aws:userid":"AIDA*:<x>&\"q\"é"}}}}""");

        Assert.Contains("""user/a+b""", doc.ToCompactJson(), System.StringComparison.Ordinal);
        Assert.Contains("""AIDA*:<x>&\"q\"é""", doc.ToCompactJson(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}""")]
    [InlineData("""{"Version":"2008-10-17","Id":"i","Statement":[{"Sid":"A1","Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::b/*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["x","y"]},"NumericLessThan":{"s3:max-keys":10}}}]}""")]
    public void RoundTripIsStableAndSemanticallyEqual(string json)
    {
        var doc = PolicyParser.Parse(json);
        var written = doc.ToCompactJson();
        var reread = PolicyParser.Parse(written);

        Assert.True(doc.SemanticallyEquals(reread));
        Assert.Equal(written, reread.ToCompactJson());
    }

    [Fact]
    public void TheMinimalFormWritesOneValueListsAsStringsAndIsTheSamePolicy()
    {
        var doc = PolicyParser.Parse("""{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","NotAction":["s3:B"],"Resource":["arn:aws:s3:::a","arn:aws:s3:::b"],"Condition":{"Null":{"x:k":["true"]},"StringEquals":{"y:k":["1","2"]}}}]}""");

        var minimal = PolicyJsonWriter.WriteMinimal(doc);

        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","NotAction":"s3:B","Resource":["arn:aws:s3:::a","arn:aws:s3:::b"],"Condition":{"Null":{"x:k":"true"},"StringEquals":{"y:k":["1","2"]}}}]}""",
            minimal);
        Assert.True(PolicyParser.Parse(minimal).SemanticallyEquals(doc));
        Assert.Contains(PolicyJsonWriter.WriteMinimal(doc.Statements[0]), minimal, System.StringComparison.Ordinal);
    }
}
