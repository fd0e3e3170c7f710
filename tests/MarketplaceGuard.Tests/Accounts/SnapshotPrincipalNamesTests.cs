using System;
using System.IO;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Accounts;

namespace MarketplaceGuard.Tests.Accounts;

/// <summary>The quick name reader behind tab completion of principals: names only, never an exception.</summary>
public sealed class SnapshotPrincipalNamesTests : IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), $"mg-names-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(file);

    [Fact]
    public void ReadsEveryUserGroupAndRoleOfTheSampleAccountAsTheLoaderDoes()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Examples", "sample-account.json");

        var names = SnapshotPrincipalNames.Read(path);

        var snapshot = SnapshotLoader.Load(path);
        var expected = snapshot.Users.Select(u => "user/" + u.Name)
            .Concat(snapshot.Groups.Select(g => "group/" + g.Name))
            .Concat(snapshot.Roles.Select(r => "role/" + r.Name));
        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Select(n => n.Qualified).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SkipsEverythingButTheNamesWhateverTheOrderOfTheLists()
    {
        File.WriteAllText(file, """
            { "Policies": [ { "PolicyName": "p", "PolicyVersionList": [ { "Document": { "UserName": "not-a-user" } } ] } ],
              "RoleDetailList": [ { "Arn": "arn:aws:iam::1:role/r", "RoleName": "r", "AssumeRolePolicyDocument": "%7B%7D" } ],
              "UserDetailList": [ { "UserName": "u", "GroupList": [ "g" ], "UserPolicyList": [ { "PolicyName": "UserName" } ] }, 7, null, { "UserName": "" }, { "UserName": 3 } ],
              "GroupDetailList": [ { "GroupName": "g" } ], "IsTruncated": false }
            """);

        var names = SnapshotPrincipalNames.Read(file);

        Assert.Equal(["role/r", "user/u", "group/g"], names.Select(n => n.Qualified));
    }

    [Fact]
    public void ReadsUtf8WithAByteOrderMarkAndUtf16()
    {
        const string Json = """{ "UserDetailList": [ { "UserName": "zoë" } ] }""";
        File.WriteAllText(file, Json, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal("zoë", Assert.Single(SnapshotPrincipalNames.Read(file)).Name);

        File.WriteAllText(file, Json, Encoding.Unicode);
        Assert.Equal("zoë", Assert.Single(SnapshotPrincipalNames.Read(file)).Name);
    }

    [Fact]
    public void ReadsAllThreeListsEvenWhenOneIsRepeatedBeforeTheOthers()
    {
        File.WriteAllText(file, """
            { "UserDetailList": [ { "UserName": "u" } ], "UserDetailList": [ { "UserName": "again" } ],
              "RoleDetailList": [ { "RoleName": "r" } ], "GroupDetailList": [ { "GroupName": "g" } ],
              "Policies": [ { "PolicyName": "broken
            """);

        Assert.Equal(["user/u", "user/again", "role/r", "group/g"], SnapshotPrincipalNames.Read(file).Select(n => n.Qualified));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[ { \"UserName\": \"x\" } ]")]
    [InlineData("{ \"UserDetailList\": { \"UserName\": \"x\" } }")]
    [InlineData("\"UserDetailList\"")]
    public void GivesNoNameForAFileThatIsNoSnapshot(string content)
    {
        File.WriteAllText(file, content);

        Assert.Empty(SnapshotPrincipalNames.Read(file));
    }

    [Fact]
    public void KeepsTheNamesReadBeforeTheJsonBreaks()
    {
        File.WriteAllText(file, """{ "UserDetailList": [ { "UserName": "kept" }, { "UserName": "lost""");

        Assert.Equal("kept", Assert.Single(SnapshotPrincipalNames.Read(file)).Name);
    }

    [Fact]
    public void GivesNoNameForAMissingFileOrAFolder()
    {
        Assert.Empty(SnapshotPrincipalNames.Read(file));
        Assert.Empty(SnapshotPrincipalNames.Read(Path.GetTempPath()));
    }
}
