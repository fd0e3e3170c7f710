using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Accounts;

public sealed class SnapshotLoaderTests
{
    // Both ways the loader reads a snapshot (see SnapshotReads): every test here checks that they agree.
    private static AuthorizationSnapshot Load(string json) => SnapshotReads.Load(json);

    private const string Page = """
        {
          "UserDetailList": [
            {"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice", "Path": "/", "GroupList": ["Devs"],
             "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}}],
             "AttachedManagedPolicies": [{"PolicyName": "Custom", "PolicyArn": "arn:aws:iam::111122223333:policy/Custom"}],
             "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/Boundary"},
             "Tags": [{"Key": "team", "Value": "blue"}]}
          ],
          "GroupDetailList": [{"GroupName": "Devs", "Arn": "arn:aws:iam::111122223333:group/Devs", "GroupPolicyList": [], "AttachedManagedPolicies": []}],
          "RoleDetailList": [{"RoleName": "deploy", "Arn": "arn:aws:iam::111122223333:role/deploy", "Path": "/ci/", "RolePolicyList": [{"PolicyName": "enc", "PolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%7D"}]}],
          "Policies": [
            {"PolicyName": "Custom", "Arn": "arn:aws:iam::111122223333:policy/Custom", "DefaultVersionId": "v2",
             "PolicyVersionList": [{"Document": {"Version": "2012-10-17", "Statement": []}, "VersionId": "v1", "IsDefaultVersion": false},
                                   {"Document": "%7B%22Version%22%3A%222012-10-17%22%7D", "VersionId": "v2", "IsDefaultVersion": true}]}
          ],
          "IsTruncated": false
        }
        """;

    [Fact]
    public void ReadsEveryEntityAndItsPolicies()
    {
        var snapshot = Load(Page);

        var alice = Assert.Single(snapshot.Users);
        Assert.Equal("alice", alice.Name);
        Assert.Equal(["Devs"], alice.GroupNames);
        Assert.Equal("inline", Assert.Single(alice.InlinePolicies).Name);
        Assert.Contains("\"s3:*\"", alice.InlinePolicies[0].Document, StringComparison.Ordinal);
        Assert.Equal("arn:aws:iam::111122223333:policy/Custom", Assert.Single(alice.AttachedPolicies).Arn);
        Assert.Equal("arn:aws:iam::111122223333:policy/Boundary", alice.PermissionsBoundaryArn);
        Assert.Equal("blue", alice.Tags["team"]);
        Assert.Equal("$.UserDetailList[0]", alice.JsonPath);
        Assert.Equal(3, alice.Line);
        Assert.Single(snapshot.Groups);
        var role = Assert.Single(snapshot.Roles);
        Assert.Equal("/ci/", role.Path);
        // URL-encoded documents are kept decoded: the text the policy parser reads.
        Assert.Equal("""{"Version":"2012-10-17"}""", role.InlinePolicies[0].Document);
        Assert.Equal("""{"Version":"2012-10-17"}""", snapshot.Policies["arn:aws:iam::111122223333:policy/Custom"].DefaultDocument);
        Assert.Empty(snapshot.Problems);
    }

    [Theory]
    // Decoded: plain, after leading whitespace, with JSON escapes in the string, with characters beyond ASCII.
    [InlineData("%7B%22a%22%3A1%7D", """{"a":1}""")]
    [InlineData("%7B%0A%20%20%22Version%22%3A%222012-10-17%22%2C%0A%20%20%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D",
        "{\n  \"Version\":\"2012-10-17\",\n  \"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}")]
    [InlineData(@" \t%7B%7D", "{}")]
    [InlineData(@"%7B\u0022a\u0022%3A1%7D", """{"a":1}""")]
    [InlineData(@"%7B%22%C3%A9%22%3A%22\u00e9%22%7D", """{"é":"é"}""")]
    // Kept as given: decoding would change what the parser makes of it (empty, or encoded twice), or it is not encoded.
    [InlineData("%20%09", "%20%09")]
    [InlineData("%257B%257D", "%257B%257D")]
    [InlineData("%20%25", "%20%25")]
    [InlineData("{}", "{}")]
    [InlineData("%zz", "%zz")]
    public void KeepsAUrlEncodedDocumentAsThePolicyParserReadsIt(string json, string kept)
    {
        var snapshot = Load($$"""
            {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [
              {"PolicyName": "P", "Arn": "arn:aws:iam::111122223333:policy/P", "Path": "/", "DefaultVersionId": "v1",
               "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": "{{json}}"}]}]}
            """);

        var document = snapshot.Policies["arn:aws:iam::111122223333:policy/P"].DefaultDocument!;
        Assert.Equal(kept, document);
        // Whatever is kept, the parser reads the same document (or fails the same way) as from the text as given.
        var given = JsonDocument.Parse($"\"{json}\"").RootElement.GetString()!;
        Assert.Equal(Parsed(given), Parsed(document));
    }

    private static string Parsed(string text) =>
        PolicyParser.TryParse(text, PolicyParseOptions.Default, out var document, out var errors)
            ? document!.Version + ": " + string.Join("; ", document.Statements.Select(s => $"{s.Effect} {string.Join(",", s.Actions)} on {string.Join(",", s.Resources)}"))
            : "errors: " + string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}"));

    [Fact]
    public void MergesAnArrayOfPages()
    {
        var second = """{"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob"}], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}""";

        var snapshot = Load($"[{Page},{second}]");

        Assert.Equal(["alice", "bob"], snapshot.Users.Select(u => u.Name));
        Assert.Equal("$[1].UserDetailList[0]", snapshot.Users[1].JsonPath);
    }

    [Fact]
    public void StreamsAFileLargerThanItsBuffer()
    {
        // 3,000 users of ~300 bytes each: many buffer refills, and values that straddle them.
        var users = string.Join(",", Enumerable.Range(0, 3000).Select(i =>
            $$$$"""{"UserName":"user{{{{i}}}}","Arn":"arn:aws:iam::111122223333:user/user{{{{i}}}}","GroupList":["g{{{{i % 7}}}}"],"UserPolicyList":[{"PolicyName":"p","PolicyDocument":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-{{{{i}}}}/*"}}}]}"""));
        var json = $$"""{"UserDetailList":[{{users}}],"GroupDetailList":[],"RoleDetailList":[],"Policies":[]}""";

        var snapshot = Load(json);

        Assert.Equal(3000, snapshot.Users.Count);
        Assert.Equal("user2999", snapshot.Users[^1].Name);
        Assert.Contains("bucket-2999", snapshot.Users[^1].InlinePolicies[0].Document, StringComparison.Ordinal);
        Assert.Equal(json.Length, snapshot.Bytes);
    }

    [Fact]
    public void ASyntaxErrorPastTheFirstBufferIsReportedAtItsOwnLine()
    {
        // One user per line, ~200 KB: the missing comma sits several buffer refills into the file.
        var lines = Enumerable.Range(0, 2000)
            .Select(i => $$$"""{"UserName":"user{{{i}}}","Arn":"arn:aws:iam::111122223333:user/user{{{i}}}","GroupList":[],"Tags":[{"Key":"k","Value":"{{{new string('v', 40)}}}"}]},""")
            .ToList();
        lines[1499] = lines[1499].Replace("\"GroupList\":[],", "\"GroupList\":[]", StringComparison.Ordinal); // line 1501 of the file
        lines[^1] = lines[^1].TrimEnd(',');
        var json = "{\"UserDetailList\": [\n" + string.Join("\n", lines) + "\n]}\n";
        Assert.True(json.Length > 128 * 1024);

        var e = Assert.Throws<SnapshotFormatException>(() => Load(json));

        Assert.Equal(1501, e.Line);
        Assert.Equal("$.UserDetailList[1499]", e.JsonPath);
    }

    [Fact]
    public void AUtf8ByteOrderMarkIsSkippedAndUtf16IsRefusedWithTheWayOut()
    {
        const string json = """{"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob"}]}""";

        var withMark = SnapshotReads.Load(new UTF8Encoding(encoderShouldEmitUTF8Identifier: true).GetPreamble().Concat(Encoding.UTF8.GetBytes(json)).ToArray());
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotReads.Load(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(json)).ToArray()));

        Assert.Equal("bob", Assert.Single(withMark.Users).Name);
        Assert.Contains("UTF-16", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEntryWithoutANameIsKeptAsAnEntityThatCannotBeJudged()
    {
        var json = """
            {"UserDetailList": [
              {"Arn": "arn:aws:iam::111122223333:user/nameless"},
              "alice",
              {"UserName": "noarn"},
              {"UserName": "erin", "Arn": "arn:aws:iam::111122223333:user/erin"}
            ],
            "RoleDetailList": [{"RoleName": 7, "Arn": "arn:aws:iam::111122223333:role/admin"}]}
            """;

        var snapshot = Load(json);

        Assert.Equal(["nameless", "$.UserDetailList[1]", "noarn", "erin"], snapshot.Users.Select(u => u.Name));
        Assert.Equal(["$.UserDetailList[0]", "$.UserDetailList[1]", "$.UserDetailList[2]", "$.UserDetailList[3]"], snapshot.Users.Select(u => u.JsonPath));
        Assert.Equal("arn:aws:iam::111122223333:user/nameless", snapshot.Users[0].Arn);
        Assert.All(snapshot.Users.Take(3), u => Assert.NotEmpty(u.Problems));
        Assert.Empty(snapshot.Users[3].Problems);
        Assert.Equal("admin", Assert.Single(snapshot.Roles).Name);
        Assert.NotEmpty(snapshot.Roles[0].Problems);
        Assert.Equal(4, snapshot.Problems.Count); // and each is still a warning
    }

    [Theory]
    [InlineData("""{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/alice"}""", "the Arn names alice, not bob")]
    [InlineData("""{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:role/bob"}""", "is not the ARN of an IAM user")]
    [InlineData("""{"UserName": "bob", "Arn": "bob"}""", "is not the ARN of an IAM user")]
    public void AnArnThatDoesNotNameTheEntryIsAProblemOfTheEntry(string entry, string problem)
    {
        var user = Assert.Single(Load($$"""{"UserDetailList": [{{entry}}]}""").Users);

        Assert.Contains(user.Problems, p => p.Message.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void APropertyNamedTwiceInAnEntryIsAProblemOfTheEntry()
    {
        var snapshot = Load("""
            {"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob", "GroupList": ["Readers"], "GroupList": ["Admins"],
                                 "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}],
             "Policies": [{"PolicyName": "P", "Arn": "arn:aws:iam::111122223333:policy/P", "DefaultVersionId": "v1", "DefaultVersionId": "v2",
                           "PolicyVersionList": [{"Document": {}, "VersionId": "v1", "IsDefaultVersion": true}]}]}
            """);

        Assert.Equal(
            ["$.UserDetailList[0].AttachedManagedPolicies[0].PolicyArn: appears twice; which value is right is unknown", "$.UserDetailList[0].GroupList: appears twice; which value is right is unknown"],
            snapshot.Users[0].Problems.Select(p => $"{p.JsonPath}: {p.Message}").Order(StringComparer.Ordinal));
        var policy = snapshot.Policies["arn:aws:iam::111122223333:policy/P"];
        Assert.Null(policy.DefaultDocument);
        Assert.Equal("$.Policies[0].DefaultVersionId", policy.Problem!.JsonPath);
    }

    [Theory]
    [InlineData("\"GroupList\": [], \"Group\\u004cist\": []", "GroupList")] // one spelling escaped: the same name
    [InlineData("\"Tags\": [{\"Key\": \"a\", \"Value\": \"b\", \"Key\": \"c\"}]", "Tags[0].Key")]
    [InlineData("\"RoleLastUsed\": {\"Region\": \"x\", \"Region\": \"y\"}", "RoleLastUsed.Region")]
    public void APropertyNamedTwiceIsFoundHoweverItIsWrittenAndWhereverItIs(string fields, string where)
    {
        var user = Assert.Single(Load($$"""{"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob", {{fields}}}]}""").Users);

        var problem = Assert.Single(user.Problems);
        Assert.Equal(($"$.UserDetailList[0].{where}", "appears twice; which value is right is unknown"), (problem.JsonPath, problem.Message));
    }

    [Fact]
    public void AnObjectWithManyPropertiesIsCheckedForRepeatsToo()
    {
        // Objects over the size compared pairwise in place take the exact walk: a repeat is found, distinct names are not.
        var distinct = string.Join(", ", Enumerable.Range(0, 100).Select(i => $"\"k{i}\": {i}"));
        const string User = "{\"UserDetailList\": [{\"UserName\": \"bob\", \"Arn\": \"arn:aws:iam::111122223333:user/bob\", \"RoleLastUsed\": {";
        var clean = Assert.Single(Load(User + distinct + "}}]}").Users);
        var repeated = Assert.Single(Load(User + distinct + ", \"k7\": 0}}]}").Users);

        Assert.Empty(clean.Problems);
        Assert.Equal("$.UserDetailList[0].RoleLastUsed.k7", Assert.Single(repeated.Problems).JsonPath);
    }

    [Fact]
    public void AnEntityDescribedTwiceDifferentlyCannotBeJudged()
    {
        var snapshot = Load("""
            [{"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob", "GroupList": ["Admins"]}]},
             {"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob", "GroupList": []}]},
             {"UserDetailList": [{"UserName": "eve", "Arn": "arn:aws:iam::111122223333:user/eve"}]},
             {"UserDetailList": [{"UserName": "eve", "Arn": "arn:aws:iam::111122223333:user/eve"}]}]
            """);

        Assert.Equal(["bob", "eve"], snapshot.Users.Select(u => u.Name));
        Assert.Contains("$[0].UserDetailList[0]", Assert.Single(snapshot.Users[0].Problems).Message, StringComparison.Ordinal);
        Assert.Empty(snapshot.Users[1].Problems);
    }

    [Fact]
    public void AnEntityRepeatedWithOtherIndentationIsTheSameEntityButNotWithOtherText()
    {
        // Entries are compared on their JSON without the whitespace between tokens: a page written with another
        // indentation repeats the entity; a space inside a value is a different value.
        var snapshot = Load("""
            [{"UserDetailList": [{"UserName": "eve", "Arn": "arn:aws:iam::111122223333:user/eve", "Tags": [{"Key": "team", "Value": "a b"}], "GroupList": ["Admins"]}]},
             {"UserDetailList": [
                {
                  "UserName" : "eve",
                  "Arn":"arn:aws:iam::111122223333:user/eve",
            	  "Tags": [ { "Key": "team",  "Value": "a b" } ],
                  "GroupList": [ "Admins" ]
                }
             ]},
             {"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob", "Tags": [{"Key": "team", "Value": "a b"}]}]},
             {"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob", "Tags": [{"Key": "team", "Value": "ab"}]}]}]
            """);

        Assert.Equal(["eve", "bob"], snapshot.Users.Select(u => u.Name));
        Assert.Empty(snapshot.Users[0].Problems);
        Assert.Equal(1, snapshot.Users[0].Line); // the earlier entry stands for both
        Assert.Equal(["Admins"], snapshot.Users[0].GroupNames);
        Assert.Contains("describes it 2 times, differently", Assert.Single(snapshot.Users[1].Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEntityRepeatedAlikeThenDifferentlyNamesEveryPlace()
    {
        // Pages that overlap repeat entries; the same entry twice is one, a third that differs makes it unjudgeable and
        // the problem names all three places.
        var snapshot = Load("""
            [{"UserDetailList": [{"UserName": "eve", "Arn": "arn:aws:iam::111122223333:user/eve"}]},
             {"UserDetailList": [{"UserName": "eve", "Arn": "arn:aws:iam::111122223333:user/eve"}]},
             {"UserDetailList": [{"UserName": "eve", "Arn": "arn:aws:iam::111122223333:user/eve", "GroupList": ["Admins"]}]}]
            """);

        var problem = Assert.Single(Assert.Single(snapshot.Users).Problems);
        Assert.Equal("$[2].UserDetailList[0]", problem.JsonPath);
        Assert.Equal("the snapshot describes it 3 times, differently ($[0].UserDetailList[0], $[1].UserDetailList[0], $[2].UserDetailList[0]); which entry is right is unknown", problem.Message);
    }

    [Theory]
    [InlineData("""{"UserDetailList": [], "IsTruncated": true, "Marker": "abc"}""", true)]
    [InlineData("""{"UserDetailList": [], "IsTruncated": false}""", false)]
    [InlineData("""{"UserDetailList": []}""", false)]
    [InlineData("""[{"UserDetailList": [], "IsTruncated": true}, {"UserDetailList": [], "IsTruncated": false}]""", false)]
    [InlineData("""[{"UserDetailList": [], "IsTruncated": false}, {"UserDetailList": [], "IsTruncated": true}]""", true)]
    public void ATruncatedSnapshotIsMarkedIncomplete(string json, bool incomplete)
    {
        Assert.Equal(incomplete, Load(json).Incomplete);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("[{}]")]
    [InlineData("""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}""")]
    [InlineData("""{"IsTruncated": false}""")]
    public void ADocumentWithoutAnyAuthorizationDetailsListIsNotASnapshot(string json)
    {
        var e = Assert.Throws<SnapshotFormatException>(() => Load(json));

        Assert.True(e.IsNotAuthorizationSnapshot);
        Assert.Contains("not an authorization details snapshot", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedEntryIsAProblemAndTheRestIsRead()
    {
        var json = """
            {"UserDetailList": [
              {"Arn": "arn:aws:iam::111122223333:user/nameless"},
              {"UserName": "carl", "Arn": "arn:aws:iam::111122223333:user/carl", "GroupList": "Devs", "UserPolicyList": [{"PolicyName": "x"}]},
              {"UserName": "dora", "Arn": "arn:aws:iam::111122223333:user/dora"}
            ]}
            """;

        var snapshot = Load(json);

        Assert.Equal(["nameless", "carl", "dora"], snapshot.Users.Select(u => u.Name));
        var problem = Assert.Single(snapshot.Problems);
        Assert.Equal("test.json:2: $.UserDetailList[0]: the entry has no UserName", problem.ToString());
        Assert.Equal(
            ["$.UserDetailList[1].GroupList: must be an array", "$.UserDetailList[1].UserPolicyList[0]: an inline policy needs PolicyName and PolicyDocument (a JSON object or a URL-encoded string)"],
            snapshot.Users[1].Problems.Select(p => $"{p.JsonPath}: {p.Message}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("not json", "test.json: $ (line 1): not valid JSON: ")]
    [InlineData("42", "test.json: $ (line 1): the snapshot must be the JSON object that get-account-authorization-details writes, or an array of such pages")]
    [InlineData("{\"UserDetailList\": {}}", "test.json: $.UserDetailList (line 1): must be an array")]
    [InlineData("{\"UserDetailList\": [\n{\"UserName\": \"a\",}]}", "test.json: $.UserDetailList[0] (line 2): not valid JSON: The JSON object contains a trailing comma")]
    [InlineData("{\"UserDetailList\": [", "test.json: $.UserDetailList (line 1): not valid JSON: ")]
    [InlineData("[1]", "test.json: $[0] (line 1): each page must be a JSON object as get-account-authorization-details writes it")]
    [InlineData("{\"UserDetailList\": [], \"IsTruncated\": null}", "test.json: $.IsTruncated (line 1): must be true or false")]
    [InlineData("{\"UserDetailList\": [], \"IsTruncated\": \"false\"}", "test.json: $.IsTruncated (line 1): must be true or false")]
    [InlineData("{\"UserDetailList\": [],\n\"UserDetailList\": []}", "test.json: $.UserDetailList (line 2): appears twice in the page")]
    public void AnUnreadableFileNamesFileJsonPathAndProblem(string json, string message)
    {
        var e = Assert.Throws<SnapshotFormatException>(() => Load(json));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.Equal("test.json", e.Source);
    }

    [Fact]
    public void AManagedPolicyWithoutADefaultVersionIsAProblemOfThatPolicy()
    {
        var snapshot = Load("""{"Policies": [{"PolicyName": "P", "Arn": "arn:aws:iam::111122223333:policy/P", "PolicyVersionList": [{"Document": {}, "VersionId": "v1", "IsDefaultVersion": false}]}]}""");

        var policy = snapshot.Policies["arn:aws:iam::111122223333:policy/P"];
        Assert.Null(policy.DefaultDocument);
        Assert.Equal("no version is marked as the default", policy.Problem!.Message);
    }

    [Theory]
    [InlineData("""{"UserDetailList": [], "NextToken": "eyJNYXJrZXIiOiBudWxsfQ=="}""")]
    [InlineData("""{"UserDetailList": [], "IsTruncated": false, "Marker": "AAE/next"}""")]
    public void AContinuationTokenMarksTheSnapshotIncomplete(string json) => Assert.True(Load(json).Incomplete);

    [Theory]
    [InlineData("""{"userDetailList": [{"UserName": "eve", "Arn": "arn:aws:iam::111122223333:user/eve"}]}""", "UserDetailList")]
    [InlineData("""{"UserDetailList": [], "isTruncated": true}""", "IsTruncated")]
    [InlineData("""{"UserDetailList": [], "GroupDetailLists": []}""", "GroupDetailList")]
    public void AKeyOfTheFormatSpelledOtherwiseIsRefused(string json, string meant)
    {
        var e = Assert.Throws<SnapshotFormatException>(() => Load(json));
        Assert.Contains($"did you mean {meant}?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFieldOfAnEntrySpelledOtherwiseMakesTheEntryUnjudgeable()
    {
        var user = Assert.Single(Load("""
            {"UserDetailList": [{"UserName": "eve", "Arn": "arn:aws:iam::111122223333:user/eve",
              "attachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}],
              "SomethingNewFromAws": 1}]}
            """).Users);

        var problem = Assert.Single(user.Problems);
        Assert.Contains("attachedManagedPolicies", problem.JsonPath, StringComparison.Ordinal);
        Assert.Contains("did you mean AttachedManagedPolicies?", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APolicyWithTwoDefaultVersionsCannotBeRead()
    {
        var snapshot = Load("""
            {"Policies": [{"PolicyName": "P", "Arn": "arn:aws:iam::111122223333:policy/P", "DefaultVersionId": "v1",
              "PolicyVersionList": [
                {"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}},
                {"VersionId": "v2", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}}]}]}
            """);

        var policy = snapshot.Policies["arn:aws:iam::111122223333:policy/P"];
        Assert.Null(policy.DefaultDocument);
        Assert.Contains("more than one version is marked as the default", policy.Problem!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Marker")]
    [InlineData("NextToken")]
    public void AContinuationTokenThatIsNotTextIsRefusedAtItsPath(string key)
    {
        var json = "{\"UserDetailList\": [], \"GroupDetailList\": [], \"RoleDetailList\": [], \"Policies\": [],\n \"" + key + "\": \"\\ud800\"}";

        var e = Assert.Throws<SnapshotFormatException>(() => Load(json));

        Assert.Equal("$." + key, e.JsonPath);
        Assert.Equal(2, e.Line);
        Assert.Contains("not valid text", e.Message, StringComparison.Ordinal);
    }
}
