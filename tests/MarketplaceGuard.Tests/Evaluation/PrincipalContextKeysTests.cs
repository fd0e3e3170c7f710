using System;
using System.Linq;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Matching;

namespace MarketplaceGuard.Tests.Evaluation;

/// <summary>The global keys IAM derives from the calling principal's ARN, for each kind of principal, and the ARNs that are none.</summary>
public sealed class PrincipalContextKeysTests
{
    [Theory]
    [InlineData("arn:aws:iam::111122223333:user/eng/alice", "arn:aws:iam::111122223333:user/eng/alice", "User", "alice")]
    [InlineData("arn:aws:iam::111122223333:role/ops/deploy", "arn:aws:iam::111122223333:role/ops/deploy", "AssumedRole", null)]
    [InlineData("arn:aws-cn:sts::111122223333:assumed-role/deploy/session-1", "arn:aws-cn:iam::111122223333:role/deploy", "AssumedRole", null)]
    [InlineData("arn:aws:sts::111122223333:assumed-role/deploy", "arn:aws:iam::111122223333:role/deploy", "AssumedRole", null)]
    [InlineData("arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:root", "Account", null)]
    public void EachKindOfPrincipalGetsItsKeys(string arn, string principalArn, string type, string? userName)
    {
        var keys = PrincipalContextKeys.FromArn(arn);

        Assert.Equal(["111122223333"], keys["aws:PrincipalAccount"].Values);
        Assert.Equal([principalArn], keys["aws:PrincipalArn"].Values);
        Assert.Equal([type], keys["aws:PrincipalType"].Values);
        Assert.Equal(userName, keys.TryGetValue(PrincipalContextKeys.UserName, out var name) ? name.Values.Single() : null);
        Assert.Equal(userName is null ? 3 : 4, keys.Count);
    }

    [Fact]
    public void PrincipalsOfOneAccountShareItsValueAndKeysAreCaseInsensitive()
    {
        var alice = PrincipalContextKeys.FromArn("arn:aws:iam::111122223333:user/alice");
        var bob = PrincipalContextKeys.FromArn("arn:aws:iam::111122223333:user/bob");
        var other = PrincipalContextKeys.FromArn("arn:aws:iam::444455556666:user/bob");

        Assert.Same(alice["aws:PrincipalAccount"], bob["aws:principalaccount"]);
        Assert.Equal(["444455556666"], other["AWS:PrincipalAccount"].Values);
    }

    [Fact]
    public void AKeySetAgainKeepsItsFirstSpellingAndPlaceAndTakesTheNewValue()
    {
        // As a case-insensitive dictionary does: principal tags are set over the ARN's keys this way.
        var keys = new RequestContext.KeyList();
        PrincipalContextKeys.AddFromArn("arn:aws:iam::111122223333:user/alice", keys);
        keys.Set("AWS:USERNAME", "bob");
        keys.Set("aws:PrincipalTag/team", "blue");
        keys.Set("aws:principaltag/TEAM", "red");

        var listed = keys.ToDictionary();
        Assert.Equal(["aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalType", PrincipalContextKeys.UserName, "aws:PrincipalTag/team"], listed.Keys);
        Assert.Equal(["bob"], listed["aws:username"].Values);
        Assert.Equal(["red"], listed["AWS:PRINCIPALTAG/TEAM"].Values);
        Assert.True(keys.Contains("Aws:UserName"));

        var context = RequestContext.Audit(keys, ["aws:SourceIp"]);
        Assert.Equal(KeyState.Present, context.Lookup("aws:PrincipalTag/Team", out var team));
        Assert.Equal(["red"], team!.Values);
        Assert.Equal(KeyState.Absent, context.Lookup("aws:SourceIp", out _));
        Assert.Equal(KeyState.Unknown, context.Lookup("aws:MultiFactorAuthPresent", out _));
        Assert.Equal(listed.Keys, context.Keys);
        Assert.False(context.IsBlank);
        Assert.True(RequestContext.Audit(new RequestContext.KeyList()).IsBlank);

        // An ARN that is no principal's adds nothing before it is refused.
        var none = new RequestContext.KeyList();
        Assert.Throws<ArgumentException>(() => PrincipalContextKeys.AddFromArn("arn:aws:iam::111122223333:group/admins", none));
        Assert.Equal(0, none.Count);
    }

    [Theory]
    [InlineData("arn:aws:s3:::bucket")]
    [InlineData("arn:aws:iam::111122223333:group/admins")]
    [InlineData("arn:aws:iam:::user/alice")]
    [InlineData("arn:aws:sts::111122223333:federated-user/alice")]
    [InlineData("aws:iam::111122223333:user/alice")]
    [InlineData("arn:aws:iam::111122223333")]
    [InlineData("")]
    public void AnArnThatIsNoPrincipalIsRefused(string arn)
    {
        var error = Assert.Throws<ArgumentException>(() => PrincipalContextKeys.FromArn(arn));
        Assert.Contains($"'{arn}' is not the ARN of an IAM user, role or account", error.Message);
    }
}
