using System.IO;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Accounts;

/// <summary>
/// A snapshot's documents are kept without the indentation between tokens, and one string per distinct text; what is
/// inside strings (spaces, escaped quotes, backslashes) must come through untouched, or a policy would change meaning.
/// </summary>
public sealed class DocumentTextsTests
{
    [Theory]
    [InlineData("{ \"a\" : [ 1 , 2 ] }", "{\"a\":[1,2]}")]
    [InlineData("{\n\t\"Sid\": \"two  spaces\\tand a tab escape\"\r\n}", "{\"Sid\":\"two  spaces\\tand a tab escape\"}")]
    [InlineData("{ \"q\": \"say \\\"hi there\\\" \", \"b\": \"ends with backslash \\\\\" , \"c\" : true }", "{\"q\":\"say \\\"hi there\\\" \",\"b\":\"ends with backslash \\\\\",\"c\":true}")]
    [InlineData("{\"k\":\"caf\u00e9 \u2603 \ud83d\ude00\"}", "{\"k\":\"caf\u00e9 \u2603 \ud83d\ude00\"}")]
    public void WhitespaceBetweenTokensGoesEverythingInStringsStays(string json, string expected)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        var output = new byte[utf8.Length];

        var written = DocumentTexts.WithoutWhitespace(utf8, output);

        Assert.Equal(expected, Encoding.UTF8.GetString(output, 0, written));
    }

    [Theory]
    [InlineData("{ \"a\" : [ 1 , 2 ] }", "{\"a\":[1,2]}")] // indented: taken out
    [InlineData("{\"a\":[1,2]}", "{\"a\":[1,2]}")] // nothing to take out (as the snapshot reader gives it)
    [InlineData("{\"s\":\"a b\"}", "{\"s\":\"a b\"}")] // a space in a string only
    public void TheTextOfAnElementIsWithoutWhitespaceHoweverItWasGiven(string json, string expected)
    {
        var texts = new DocumentTexts();
        using var first = System.Text.Json.JsonDocument.Parse(json);
        using var again = System.Text.Json.JsonDocument.Parse(expected);

        var text = texts.RawText(first.RootElement);

        Assert.Equal(expected, text);
        Assert.Same(text, texts.RawText(again.RootElement));
    }

    [Fact]
    public void AnIndentedDocumentIsKeptCompactAndTheSameTextIsOneString()
    {
        const string Document = """
            {
                "Version": "2012-10-17",
                "Statement": [
                    { "Effect": "Allow", "Action": "aws-marketplace:Subscribe", "Resource": "*", "Condition": { "StringEquals": { "aws:PrincipalTag/team": "two  spaces" } } }
                ]
            }
            """;
        var json = $$"""
            {"UserDetailList": [
              {"UserName": "a", "Arn": "arn:aws:iam::111122223333:user/a", "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {{Document}}}]},
              {"UserName": "b", "Arn": "arn:aws:iam::111122223333:user/b", "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {{Document}}}]}
            ], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
            """;

        var snapshot = SnapshotLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "account.json");
        var documents = snapshot.Users.Select(u => u.InlinePolicies.Single().Document).ToList();

        Assert.Equal("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"two  spaces"}}}]}""", documents[0]);
        Assert.Same(documents[0], documents[1]);
        Assert.Equal(["two  spaces"], PolicyParser.Parse(documents[0]).Statements.Single().Conditions.Single().Values);
    }

    [Fact]
    public void ValuesThatEntriesRepeatAreOneStringEachAndReadTheSame()
    {
        // Paths, group names, attached policies and tags repeat across thousands of principals: one string (and one
        // attachment record) per distinct value, equal to what the file says, escapes included.
        static string User(string name) => $$"""
            {"UserName": "{{name}}", "Arn": "arn:aws:iam::111122223333:user/eng/{{name}}", "Path": "/eng/", "GroupList": ["Everyone", "caf\u00e9"],
             "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
             "Tags": [{"Key": "team", "Value": "payments"}]}
            """;
        var json = $$"""{"UserDetailList": [{{User("a")}}, {{User("b")}}], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}""";

        var users = SnapshotLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "account.json").Users.ToList();

        Assert.Equal("/eng/", users[0].Path);
        Assert.Same(users[0].Path, users[1].Path);
        Assert.Equal(["Everyone", "caf\u00e9"], users[0].GroupNames);
        Assert.Same(users[0].GroupNames[0], users[1].GroupNames[0]);
        Assert.Same(users[0].AttachedPolicies.Single(), users[1].AttachedPolicies.Single());
        Assert.Equal("arn:aws:iam::aws:policy/ReadOnlyAccess", users[0].AttachedPolicies.Single().Arn);
        var tag = users[0].Tags.Single();
        Assert.Equal(("team", "payments"), (tag.Key, tag.Value));
        Assert.Same(tag.Value, users[1].Tags["team"]);
    }
}
