using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using System.Xml.Linq;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>
/// examples/sample-account.json loaded into the fake and read back through GetAccountAuthorizationDetails (paged)
/// gives the same users, groups, roles and policies: names, ids, ARNs, paths, dates, memberships, attachments,
/// boundaries, tags and documents.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public async Task TheSampleAccountReadsBackTheSameThroughAuthorizationDetails()
    {
        var file = JsonNode.Parse(File.ReadAllText(TestData.SampleAccountPath))!;
        using var server = FakeIamServer.Start(TestData.SampleAccount());
        using var client = new IamTestClient(server);

        var pages = await client.AllPagesAsync("GetAccountAuthorizationDetails", ("MaxItems", "5"));

        Assert.Equal(9, pages.Count); // 42 entities, five a page
        Assert.Equal(Canonical(file, "UserDetailList", FromJson.User), pages.SelectMany(p => p.Members("UserDetailList")).Select(FromXml.User));
        Assert.Equal(Canonical(file, "GroupDetailList", FromJson.Group), pages.SelectMany(p => p.Members("GroupDetailList")).Select(FromXml.Group));
        Assert.Equal(Canonical(file, "RoleDetailList", FromJson.Role), pages.SelectMany(p => p.Members("RoleDetailList")).Select(FromXml.Role));
        Assert.Equal(Canonical(file, "Policies", FromJson.Policy), pages.SelectMany(p => p.Members("Policies")).Select(FromXml.Policy));
    }

    [Fact]
    public void LoadingKeepsIdsAndComputesUsageFromTheAccount()
    {
        var account = TestData.SampleAccount();

        Assert.Equal("111122223333", account.AccountId);
        Assert.Equal((17, 8, 7, 10), (account.Users.Count, account.Groups.Count, account.Roles.Count, account.Policies.Count));
        Assert.Equal("AIDAPATXXXXXXXXXXXXXX", account.RequireUser("pat").Id);
        Assert.Equal(new[] { "priya", "dana", "lena", "luke", "mia", "sid", "gwen", "gary", "lars" }, account.RequireGroup("Everyone").Members.Select(u => u.Name));
        var boundary = account.Policies.Single(p => p.Name == "DevBoundary");
        Assert.Equal((0, 1), account.UsageOf(boundary)); // the snapshot says AttachmentCount 1; the account says otherwise
        Assert.Equal("v2", account.CreatePolicyVersion(boundary, TestData.AllowView, setAsDefault: false).VersionId);
    }

    [Fact]
    public void AnAccountIdComesFromTheSnapshotsArns()
    {
        var json = """{"UserDetailList":[{"Path":"/","UserName":"x","UserId":"AIDAXXXXXXXXXXXXXXXXX","Arn":"arn:aws-us-gov:iam::444455556666:user/x","CreateDate":"2025-01-01T00:00:00Z"}]}""";

        var account = FakeIamAccount.FromAuthorizationDetails(json);

        Assert.Equal("444455556666", account.AccountId);
        Assert.Equal("arn:aws-us-gov:iam::444455556666:user/x", account.Users.Single().Arn);
    }

    private static IEnumerable<string> Canonical(JsonNode file, string list, Func<JsonNode, string> canonical) =>
        file[list]!.AsArray().Select(n => canonical(n!));

    private static string Date(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static string Doc(string json) => JsonNode.Parse(json)!.ToJsonString();

    private static class FromJson
    {
        public static string User(JsonNode u) => string.Join("|", u["Path"], u["UserName"], u["UserId"], u["Arn"], Date((string)u["CreateDate"]!),
            "groups=" + string.Join(",", Items(u, "GroupList").Select(g => (string)g!)),
            Attached(u), Tags(u), "boundary=" + u["PermissionsBoundary"]?["PermissionsBoundaryArn"], Inline(u, "UserPolicyList"));

        public static string Group(JsonNode g) => string.Join("|", g["Path"], g["GroupName"], g["GroupId"], g["Arn"], Date((string)g["CreateDate"]!),
            Attached(g), Inline(g, "GroupPolicyList"));

        public static string Role(JsonNode r) => string.Join("|", r["Path"], r["RoleName"], r["RoleId"], r["Arn"], Date((string)r["CreateDate"]!),
            "trust=" + Document(r["AssumeRolePolicyDocument"]!), Attached(r), Tags(r), "boundary=" + r["PermissionsBoundary"]?["PermissionsBoundaryArn"],
            Inline(r, "RolePolicyList"));

        public static string Policy(JsonNode p) => string.Join("|", p["PolicyName"], p["PolicyId"], p["Arn"], p["Path"], p["DefaultVersionId"],
            (bool)p["IsAttachable"]! ? "true" : "false", Date((string)p["CreateDate"]!), Date((string)p["UpdateDate"]!),
            string.Join(",", Items(p, "PolicyVersionList").OrderBy(v => (string)v!["VersionId"]!, StringComparer.Ordinal)
                .Select(v => $"{v!["VersionId"]}:{((bool)v["IsDefaultVersion"]! ? "true" : "false")}:{Date((string)v["CreateDate"]!)}:{Document(v["Document"]!)}")));

        private static string Document(JsonNode document) =>
            document is JsonValue ? Doc(Uri.UnescapeDataString((string)document!)) : document.ToJsonString();

        private static string Attached(JsonNode n) =>
            "attached=" + string.Join(",", Items(n, "AttachedManagedPolicies").Select(a => $"{a!["PolicyName"]}@{a["PolicyArn"]}"));

        private static string Tags(JsonNode n) => "tags=" + string.Join(",", Items(n, "Tags").Select(t => $"{t!["Key"]}={t["Value"]}"));

        private static string Inline(JsonNode n, string list) =>
            "inline=" + string.Join(",", Items(n, list).Select(p => $"{p!["PolicyName"]}:{Document(p["PolicyDocument"]!)}"));

        private static IEnumerable<JsonNode?> Items(JsonNode n, string name) => n[name]?.AsArray() ?? new JsonArray();
    }

    private static class FromXml
    {
        public static string User(XElement u) => string.Join("|", V(u, "Path"), V(u, "UserName"), V(u, "UserId"), V(u, "Arn"), Date(V(u, "CreateDate")!),
            "groups=" + string.Join(",", Members(u, "GroupList").Select(g => g.Value)),
            Attached(u), Tags(u), "boundary=" + V(u.Element(u.Name.Namespace + "PermissionsBoundary"), "PermissionsBoundaryArn"), Inline(u, "UserPolicyList"));

        public static string Group(XElement g) => string.Join("|", V(g, "Path"), V(g, "GroupName"), V(g, "GroupId"), V(g, "Arn"), Date(V(g, "CreateDate")!),
            Attached(g), Inline(g, "GroupPolicyList"));

        public static string Role(XElement r) => string.Join("|", V(r, "Path"), V(r, "RoleName"), V(r, "RoleId"), V(r, "Arn"), Date(V(r, "CreateDate")!),
            "trust=" + Doc(Uri.UnescapeDataString(V(r, "AssumeRolePolicyDocument")!)), Attached(r), Tags(r),
            "boundary=" + V(r.Element(r.Name.Namespace + "PermissionsBoundary"), "PermissionsBoundaryArn"), Inline(r, "RolePolicyList"));

        public static string Policy(XElement p) => string.Join("|", V(p, "PolicyName"), V(p, "PolicyId"), V(p, "Arn"), V(p, "Path"), V(p, "DefaultVersionId"),
            V(p, "IsAttachable"), Date(V(p, "CreateDate")!), Date(V(p, "UpdateDate")!),
            string.Join(",", Members(p, "PolicyVersionList").OrderBy(v => V(v, "VersionId"), StringComparer.Ordinal)
                .Select(v => $"{V(v, "VersionId")}:{V(v, "IsDefaultVersion")}:{Date(V(v, "CreateDate")!)}:{Doc(Uri.UnescapeDataString(V(v, "Document")!))}")));

        private static string Attached(XElement n) =>
            "attached=" + string.Join(",", Members(n, "AttachedManagedPolicies").Select(a => $"{V(a, "PolicyName")}@{V(a, "PolicyArn")}"));

        private static string Tags(XElement n) => "tags=" + string.Join(",", Members(n, "Tags").Select(t => $"{V(t, "Key")}={V(t, "Value")}"));

        private static string Inline(XElement n, string list) =>
            "inline=" + string.Join(",", Members(n, list).Select(p => $"{V(p, "PolicyName")}:{Doc(Uri.UnescapeDataString(V(p, "PolicyDocument")!))}"));

        private static IEnumerable<XElement> Members(XElement n, string list) =>
            n.Element(n.Name.Namespace + list)?.Elements(n.Name.Namespace + "member") ?? Enumerable.Empty<XElement>();

        private static string? V(XElement? n, string name) => n?.Element(n.Name.Namespace + name)?.Value;
    }
}
