using System;
using System.IO;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Tests.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Inputs;

/// <summary>
/// Text that System.Text.Json reads as a token but cannot turn into a string (bytes that are not UTF-8, an escape of
/// half a surrogate pair) is refused by each file reader with its designed error, never an InvalidOperationException
/// from deep inside the reader. Found by <see cref="InputMutationTests"/>.
/// </summary>
public sealed class InvalidTextTests
{
    [Theory]
    [InlineData("""{"UserDetailList": [{"UserName": "bob\ud800", "Arn": "arn:aws:iam::111122223333:user/bob"}]}""")]
    [InlineData("""{"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob", "Tags": [{"Key": "\udc00", "Value": "x"}]}]}""")]
    [InlineData("""{"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob", "\ud800": 1}]}""")]
    [InlineData("""{"UserDetailList": [], "Marker\ud800": "x"}""")]
    public void ASnapshotWithAnEscapeOfHalfASurrogatePairIsRefused(string json)
    {
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotReads.Load(json));

        Assert.Contains("not valid", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ASnapshotWithBytesThatAreNotUtf8IsRefusedAtTheEntry()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob"},""" + "\n" + """{"UserName": "b?b", "Arn": "arn:aws:iam::111122223333:user/bob"}]}""");
        bytes[Array.IndexOf(bytes, (byte)'?')] = 0xC3; // the first byte of a two-byte sequence, alone

        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotReads.Load(bytes));

        Assert.Equal("$.UserDetailList[1]", e.JsonPath);
        Assert.Equal(2, e.Line);
        Assert.Equal("a string is not valid UTF-8 text", e.Problem);
    }

    [Theory]
    [InlineData("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:\ud800", "Resource": "*"}}""")]
    [InlineData("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:\udc00": "x"}}}}""")]
    public void APolicyWithAnEscapeOfHalfASurrogatePairIsInvalid(string json)
    {
        var e = Assert.Throws<PolicyValidationException>(() => PolicyParser.Parse(json));

        Assert.StartsWith("a string is not valid text", Assert.Single(e.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APolicyThatIsNotValidUnicodeTextIsInvalid()
    {
        var e = Assert.Throws<PolicyValidationException>(() => PolicyParser.Parse("{\"Version\": \"2012-10-17\", \"Statement\": {\"Sid\": \"" + '\ud800' + "\"}}"));

        Assert.Contains("U+D800", e.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASuppressionFileThatIsNotValidUnicodeTextIsRefused()
    {
        var e = Assert.Throws<SuppressionFileException>(() => SuppressionFile.Parse("[{\"ruleId\": \"" + '\ud800' + "\"}]", "suppressions.json"));

        Assert.Equal("$", e.JsonPath);
    }

    [Theory]
    [InlineData("""[{"ruleId": "MG1005", "principal": "\ud800", "justification": "j", "expires": "2027-01-01"}]""", "$")]
    [InlineData("""[{"ruleId": "MG1005", "principal": "role/ci", "justification": "j", "expires": "2027-01-01", "Expires": "2099-12-31"}]""", "$[0].expires")]
    public void ASuppressionFileWithInvalidTextOrARepeatedFieldIsRefused(string json, string path)
    {
        var e = Assert.Throws<SuppressionFileException>(() => SuppressionFile.Parse(json, "suppressions.json"));

        Assert.Equal(path, e.JsonPath);
    }
}
