using System;
using System.IO;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Principals;

namespace MarketplaceGuard.Tests.Principals;

/// <summary>The one resolver every -…Principal parameter and every change target goes through.</summary>
public sealed class PrincipalResolverTests
{
    private static readonly AuthorizationSnapshot Sample = SnapshotLoader.Load(Path.Combine(AppContext.BaseDirectory, "Examples", "sample-account.json"));

    private static PrincipalResolution Resolve(params string[] values) => PrincipalResolver.Resolve(Sample.Directory, values, Sample.AccountId);

    private static string[] Names(PrincipalResolution resolution) => resolution.Matches.Select(m => m.Ref.DisplayName).ToArray();

    [Theory]
    [InlineData("MarketplaceBuyer", "role/MarketplaceBuyer")]
    [InlineData("marketplacebuyer", "role/MarketplaceBuyer")]
    [InlineData("role/MarketplaceBuyer", "role/MarketplaceBuyer")]
    [InlineData("ROLE/marketplaceBUYER", "role/MarketplaceBuyer")]
    [InlineData("arn:aws:iam::111122223333:role/MarketplaceBuyer", "role/MarketplaceBuyer")]
    [InlineData("arn:aws:sts::111122223333:assumed-role/MarketplaceBuyer/alice-session", "role/MarketplaceBuyer")]
    [InlineData("group/Procurement", "group/Procurement")]
    [InlineData("arn:aws:iam::111122223333:group/Procurement", "group/Procurement")]
    [InlineData("user/pat", "user/pat")]
    [InlineData("  pat  ", "user/pat")]
    [InlineData("arn:aws:iam::111122223333:role/aws-service-role/license-management.marketplace.amazonaws.com/AWSServiceRoleForMarketplaceLicenseManagement", "role/AWSServiceRoleForMarketplaceLicenseManagement")]
    [InlineData("role/aws-service-role/license-management.marketplace.amazonaws.com/AWSServiceRoleForMarketplaceLicenseManagement", "role/AWSServiceRoleForMarketplaceLicenseManagement")]
    [InlineData("AWSServiceRoleForMarketplaceLicenseManagement", "role/AWSServiceRoleForMarketplaceLicenseManagement")]
    public void ResolvesNamesTypeNamesAndArns(string value, string expected)
    {
        var resolution = Resolve(value);

        Assert.True(resolution.Complete);
        Assert.Equal([expected], Names(resolution));
    }

    [Fact]
    public void ResolvesWildcardsAcrossKindsOrWithinAKind()
    {
        Assert.Equal(["user/dave", "user/dana"], Names(Resolve("da*")));
        Assert.Equal(["user/pat", "user/priya", "group/Procurement"], Names(Resolve("p*")));
        Assert.Equal(["group/Procurement"], Names(Resolve("group/p*")));
        Assert.Equal(["role/MarketplaceBuyer", "role/OrganizationAdmin", "role/ci-deploy", "role/cfn-deployer", "role/AWSServiceRoleForMarketplaceLicenseManagement", "role/catalog-admin", "role/ml-research"], Names(Resolve("arn:aws:iam::111122223333:role/*")));
    }

    [Fact]
    public void AValueThatNamesNothingIsReportedWithTheClosestNames()
    {
        var resolution = Resolve("MarketplaceBuyr", "pat");

        Assert.False(resolution.Complete);
        Assert.Equal(["user/pat"], Names(resolution));
        var unmatched = Assert.Single(resolution.Unmatched);
        Assert.Equal("MarketplaceBuyr", unmatched.Value);
        Assert.Equal(["role/MarketplaceBuyer"], unmatched.Suggestions);
    }

    [Theory]
    [InlineData("role/pat")] // pat is a user
    [InlineData("user/Procurement")] // Procurement is a group
    [InlineData("arn:aws:iam::111122223333:user/MarketplaceBuyer")]
    [InlineData("role/ops/MarketplaceBuyer")] // the role's path is "/"
    [InlineData("nobody*")]
    public void AValueOfTheWrongKindOrPathNamesNothing(string value)
    {
        var resolution = Resolve(value);

        Assert.Empty(resolution.Matches);
        Assert.Equal([value], resolution.Unmatched.Select(u => u.Value));
    }

    [Theory]
    [InlineData("arn:aws:iam::999999999999:role/MarketplaceBuyer", "account 999999999999")]
    [InlineData("arn:aws:s3:::my-bucket", "not the ARN of an IAM user, group or role")]
    [InlineData("arn:aws:iam::aws:policy/AdministratorAccess", "not the ARN of an IAM user, group or role")]
    [InlineData("arn:aws:iam::111122223333", "not a complete ARN")]
    [InlineData("team/pat", "does not start with user/, group/ or role/")]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData("user/", "names no user")]
    public void AValueThatCannotNameAPrincipalIsInvalid(string value, string problem)
    {
        var resolution = Resolve(value);

        Assert.Empty(resolution.Matches);
        var invalid = Assert.Single(resolution.Invalid);
        Assert.Contains(problem, invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHugeValueIsRefusedWithoutHangingOrThrowing()
    {
        var resolution = Resolve(new string('a', 100_000) + "*?" + new string('b', 100_000));

        Assert.Empty(resolution.Matches);
        Assert.Single(resolution.Unmatched);
    }

    [Fact]
    public void AnAccountExpandsGroupsIntoTheirMembers()
    {
        var account = Account.Build(Sample);

        var principals = account.Resolve(["group/Procurement", "role/MarketplaceBuyer", "pat"], out var resolution);

        Assert.True(resolution.Complete);
        Assert.Equal(["pat", "priya", "MarketplaceBuyer"], principals.Select(p => p.Name));
    }

    [Fact]
    public void APlainNameOfAUserAndAGroupIsAmbiguousAndNamesNeither()
    {
        const string json = """
            {"UserDetailList": [{"UserName": "ops", "Arn": "arn:aws:iam::111122223333:user/ops", "GroupList": ["ops"]}],
             "GroupDetailList": [{"GroupName": "ops", "Arn": "arn:aws:iam::111122223333:group/ops"}]}
            """;
        var snapshot = SnapshotLoader.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)), "ops.json", isFile: false);

        var plain = PrincipalResolver.Resolve(snapshot.Directory, ["ops"], snapshot.AccountId);
        var typed = PrincipalResolver.Resolve(snapshot.Directory, ["group/ops"], snapshot.AccountId);
        var wildcard = PrincipalResolver.Resolve(snapshot.Directory, ["op*"], snapshot.AccountId);

        Assert.Empty(plain.Matches);
        var ambiguous = Assert.Single(plain.Ambiguous);
        Assert.Equal(["user/ops", "group/ops"], ambiguous.Candidates.Select(c => c.Ref.DisplayName));
        Assert.Equal(["group/ops"], Names(typed));
        Assert.Equal(["user/ops", "group/ops"], Names(wildcard));
    }
}
