using System;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Matching;

namespace MarketplaceGuard.Tests.Evaluation;

public sealed class MatchingTests
{
    [Theory]
    [InlineData("*", "aws-marketplace:Subscribe", true)]
    [InlineData("aws-marketplace:*", "aws-marketplace:Subscribe", true)]
    [InlineData("aws-marketplace:Subscribe", "AWS-Marketplace:subscribe", true)]
    [InlineData("AWS-MARKETPLACE:SUBSCRIBE", "aws-marketplace:Subscribe", true)]
    [InlineData("aws-marketplace:Sub*", "aws-marketplace:Subscribe", true)]
    [InlineData("aws-marketplace:*scribe", "aws-marketplace:Unsubscribe", true)]
    [InlineData("aws-marketplace:?ubscribe", "aws-marketplace:Subscribe", true)]
    [InlineData("aws-marketplace:?ubscribe", "aws-marketplace:Unsubscribe", false)]
    [InlineData("aws-marketplace:Sub*", "aws-marketplace:Unsubscribe", false)]
    [InlineData("iam:*AccessKey*", "iam:ListAccessKeys", true)]
    [InlineData("aws-marketplace:*", "aws-marketplace-management:viewMarketplace", false)]
    [InlineData("ec2:*", "aws-marketplace:Subscribe", false)]
    [InlineData("newservice:Do*", "newservice:DoThing", true)]
    public void ActionPatterns(string pattern, string action, bool expected)
    {
        var colon = action.IndexOf(':', StringComparison.Ordinal);

        Assert.Equal(expected, ActionPattern.Compile(pattern).Matches(action.AsSpan(0, colon), action.AsSpan(colon + 1)));
    }

    [Theory]
    [InlineData("*", "arn:aws:s3:::bucket/key", true)]
    [InlineData("*", "*", true)]
    [InlineData("arn:aws:s3:::*", "*", false)]
    [InlineData("arn:*:*:*:*:*", "*", false)]
    [InlineData("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", true)]
    [InlineData("arn:aws:s3:::bucket/*", "arn:aws:s3:::other/a", false)]
    [InlineData("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket-logs/x:y", true)]
    [InlineData("arn:aws:iam::*:user/*", "arn:aws:iam::123456789012:user/division/alice", true)]
    [InlineData("arn:aws:iam::123456789012:user/*", "arn:aws:iam::210987654321:user/alice", false)]
    [InlineData("arn:aws:ec2:*::image/ami-*", "arn:aws:ec2:eu-west-1::image/ami-0abc", true)]
    [InlineData("arn:aws:ec2:us-*::image/ami-*", "arn:aws:ec2:eu-west-1::image/ami-0abc", false)]
    [InlineData("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:eu-west-1::image/ami-0abc", false)]
    [InlineData("arn:aws:s3:::b?cket", "arn:aws:s3:::bucket", true)]
    [InlineData("arn:aws:s3:::b?cket", "arn:aws:s3:::buucket", false)]
    [InlineData("ARN:AWS:S3:::bucket", "arn:aws:s3:::bucket", true)]
    [InlineData("arn:aws:s3:::Bucket", "arn:aws:s3:::bucket", false)]
    [InlineData("arn:aws:s3:::bucket", "not-an-arn", false)]
    public void ResourcePatterns(string pattern, string resource, bool expected)
    {
        Assert.Equal(TristateOf(expected), ArnPattern.Compile(pattern, variables: false, variablesInResourceOnly: true).Match(resource, null));
    }

    [Fact]
    public void WildcardInTheRegionDoesNotCrossIntoTheService()
    {
        // "*" is confined to its segment: "arn:aws:*" can't stand for service and region at once.
        var pattern = ArnPattern.Compile("arn:aws:s*:::bucket", variables: false, variablesInResourceOnly: true);

        Assert.Equal(Tristate.True, pattern.Match("arn:aws:s3:::bucket", null));
        Assert.Equal(Tristate.False, pattern.Match("arn:aws:s3:eu-west-1::bucket", null));
    }

    [Theory]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("*a*a*", "aa", true)]
    [InlineData("*a*a*", "a", false)]
    [InlineData("ab*ab", "ab", false)]
    [InlineData("ab*ab", "abab", true)]
    [InlineData("?*?", "ab", true)]
    [InlineData("?*?", "a", false)]
    [InlineData("**", "", true)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    public void GlobSemantics(string pattern, string text, bool expected)
    {
        Assert.Equal(TristateOf(expected), Glob.Compile(pattern, wildcards: true, variables: false).Match(text, StringComparison.Ordinal, null));
    }

    [Fact]
    public void GlobWithoutWildcardsComparesStarsLiterally()
    {
        var glob = Glob.Compile("a*", wildcards: false, variables: false);

        Assert.Equal(Tristate.True, glob.Match("a*", StringComparison.Ordinal, null));
        Assert.Equal(Tristate.False, glob.Match("ab", StringComparison.Ordinal, null));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.1.2.3", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("203.0.113.5", "203.0.113.5", true)]
    [InlineData("203.0.113.5", "203.0.113.6", false)]
    [InlineData("0.0.0.0/0", "198.51.100.7", true)]
    [InlineData("2001:db8::/32", "2001:db8:1234::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("2001:db8::/32", "10.0.0.1", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.0.0.1", false)]
    [InlineData("10.0.0.0/31", "10.0.0.1", true)]
    [InlineData("10.0.0.0/31", "10.0.0.2", false)]
    [InlineData("128.0.0.0/1", "200.1.1.1", true)]
    [InlineData("128.0.0.0/1", "127.255.255.255", false)]
    [InlineData("::/0", "2001:db8::1", true)]
    [InlineData("2001:db8:0:1::/64", "2001:db8:0:1:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8:0:1::/64", "2001:db8:0:2::", false)]
    [InlineData("2001:db8::8000:0:0:0/65", "2001:db8::ffff:0:0:1", true)]
    [InlineData("2001:db8::8000:0:0:0/65", "2001:db8::7fff:0:0:1", false)]
    [InlineData("2001:db8::1/128", "2001:db8::1", true)]
    [InlineData("2001:db8::1/128", "2001:db8::2", false)]
    [InlineData("2001:db8::/127", "2001:db8::1", true)]
    public void IpRanges(string cidr, string address, bool expected)
    {
        Assert.True(IpRange.TryParse(cidr, out var range));
        Assert.True(IpRange.TryParseAddress(address, out var value));

        Assert.Equal(expected, range.Contains(value));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0/8")]
    [InlineData("not-an-ip")]
    [InlineData("2001:db8::/129")]
    public void InvalidIpRangesAreRejected(string cidr)
    {
        Assert.False(IpRange.TryParse(cidr, out _));
    }

    private static Tristate TristateOf(bool value) => value ? Tristate.True : Tristate.False;
}
