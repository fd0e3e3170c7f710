using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Organizations;
using MarketplaceGuard.Engine.Reports;

namespace MarketplaceGuard.Tests.Reports;

/// <summary>JSON reports read back: the same reports again, shards merged into one, and every bad file refused with where.</summary>
public sealed class JsonReportReaderTests
{
    private static string Write(IEnumerable<AuditRun> runs, IEnumerable<Finding> findings, ReportFormat format, IEnumerable<OrganizationScope>? organizations = null)
    {
        using var output = new StringWriter { NewLine = "\n" };
        AuditReportWriter.Write(organizations ?? [], runs, findings, format, output, ReportFixture.GeneratedAt, Environment.CurrentDirectory);
        return output.ToString();
    }

    private static ReportFile Parse(string json, string source = "report.json") => JsonReportReader.Parse(Encoding.UTF8.GetBytes(json), source);

    private static IReadOnlyList<AuditRun> Import(params string[] reports) => Combine(reports).Runs;

    private static CombinedReports Combine(params string[] reports) =>
        JsonReportReader.Combine(reports.Select((r, i) => Parse(r, $"shard{i}.json")).ToList());

    public static TheoryData<ReportFormat> Formats => [ReportFormat.Json, ReportFormat.Sarif, ReportFormat.JUnit, ReportFormat.Markdown, ReportFormat.Html];

    // ---- The same report again ----

    [Theory]
    [MemberData(nameof(Formats))]
    public void ShardsOfAnOrganizationReadBackGiveTheReportOfTheWholeOrganization(ReportFormat format)
    {
        // The fan-out releases each account's model once audited, so its runs, like runs read back, have no matrix.
        var organization = new OrganizationFixture(release: true);
        var whole = Write(organization.Runs, [], format);
        var wholeJson = Write(organization.Runs, [], ReportFormat.Json);

        // The same runs audited as two shards: two scopes of one organization, the account not audited in the first.
        var east = new OrganizationScope(OrganizationFixture.OrganizationId, OrganizationFixture.ManagementAccountId, true, null, 3);
        var west = new OrganizationScope(OrganizationFixture.OrganizationId, OrganizationFixture.ManagementAccountId, true, null, 1);
        organization.Join(east, organization.Prod, organization.Dev);
        organization.Join(west, organization.Sandbox);
        east.AddUnaudited(new UnauditedAccount("444455556666", "legacy", OrganizationFixture.NotAuditedReason));
        var eastJson = Write([organization.Prod], [], ReportFormat.Json);
        var westJson = Write([organization.Sandbox], [], ReportFormat.Json);
        Assert.NotEqual(wholeJson, eastJson);

        // Read back, only the findings are reported (what Import-MarketplaceAuditReport emits): dev, which passed, and
        // the account not audited come with the organization.
        var runs = Import(eastJson, westJson);
        var merged = Write([], runs.SelectMany(r => r.Findings), format);

        // Nothing is excluded from the comparison: the time is the same fixed time, and the run ids and start times
        // are the runs' own, read back.
        Assert.Equal(whole, merged);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void AReportReadBackGivesTheSameReport(ReportFormat format)
    {
        var run = ReportFixture.Audit();
        run.Release();

        var runs = Import(Write([run], [], ReportFormat.Json));

        Assert.Equal(Write([run], [], format), Write(runs, [], format));
    }

    [Fact]
    public void AReportWithAMatrixReadBackIsTheSameButForTheMatrix()
    {
        var run = ReportFixture.Audit();
        var original = Write([run], [], ReportFormat.Json);

        var again = Write(Import(original), [], ReportFormat.Json);

        Assert.Contains("\"principal\": \"user/alice\",\n          \"arn\"", original, StringComparison.Ordinal);
        Assert.Equal(original[..original.IndexOf("\"matrix\"", StringComparison.Ordinal)], again[..again.IndexOf("\"matrix\"", StringComparison.Ordinal)]);
        Assert.Contains("\"matrix\": []", again, StringComparison.Ordinal);
    }

    [Fact]
    public void ARunThatFoundNothingIsReadBackWithItsContext()
    {
        var run = ReportFixture.Audit(OrganizationFixture.Clean, "dev.json");

        var restored = Assert.Single(Parse(Write([run], [], ReportFormat.Json)).Runs);

        Assert.Equal(run.Id, restored.Id);
        Assert.Equal(run.StartedAt, restored.StartedAt);
        Assert.Empty(restored.Findings);
        Assert.True(restored.Passed);
        Assert.Equal("222233334444", restored.AccountId);
        Assert.Equal(["user/alice"], restored.ProcurementPrincipals);
        Assert.Equal(1, restored.PrincipalCount);
        Assert.Equal(ServiceControlPolicyAssessment.NotRead.Summary, restored.ServiceControlPolicies.Summary);
        Assert.Null(restored.Organization);
        Assert.Null(restored.Account);
    }

    [Fact]
    public void FindingsAreReadBackWithEveryValue()
    {
        var run = ReportFixture.Audit();
        run.Release();

        var restored = Assert.Single(Parse(Write([run], [], ReportFormat.Json)).Runs);

        Assert.Equal(
            run.Findings.Select(f => (f.RuleId, f.Severity, f.Principal, f.PrincipalArn, f.Cause, f.Capability, f.Decision, f.Conditions.ToString(), f.Reason, string.Join("|", f.EvidenceText), f.Recommendation, f.Suppression?.ToString(), f.SourceFile, f.Line, f.JsonPath)),
            restored.Findings.Select(f => (f.RuleId, f.Severity, f.Principal, f.PrincipalArn, f.Cause, f.Capability, f.Decision, f.Conditions.ToString(), f.Reason, string.Join("|", f.EvidenceText), f.Recommendation, f.Suppression?.ToString(), f.SourceFile, f.Line, f.JsonPath)));
        Assert.All(restored.Findings, f => Assert.Same(restored, f.Run));
    }

    // ---- Joining files ----

    [Fact]
    public void ShardsOfOneOrganizationShareOneScopeThatHoldsEveryRun()
    {
        var organization = new OrganizationFixture(release: true);
        var east = new OrganizationScope(OrganizationFixture.OrganizationId, null, false, "east could not list the organization's policies", 2);
        var west = new OrganizationScope(OrganizationFixture.OrganizationId, null, true, null, 1);
        organization.Join(east, organization.Prod, organization.Dev);
        organization.Join(west, organization.Sandbox);

        var runs = Import(Write([organization.Prod], [], ReportFormat.Json), Write([organization.Sandbox], [], ReportFormat.Json));

        var scope = Assert.Single(runs.Select(r => r.Organization).Distinct());
        Assert.NotNull(scope);
        Assert.Equal(["111122223333", "222233334444", "333344445555"], scope.Runs.Select(r => r.AccountId));
        Assert.Equal(runs, scope.Runs);
        Assert.Equal(3, scope.AccountsRequested);
        Assert.False(scope.ServiceControlPoliciesRead);
        Assert.Equal("east could not list the organization's policies", scope.NotReadReason);
        Assert.Equal(["prod", "dev", OrganizationFixture.SandboxName], runs.Select(r => r.AccountName));
        Assert.True(runs[0].ServiceControlPolicies.Considered);
        Assert.Equal(OrganizationFixture.ProdPolicies.Summary, runs[0].ServiceControlPolicies.Summary);
        Assert.Equal(OrganizationFixture.ProdPolicies.Relevant, runs[0].ServiceControlPolicies.Relevant);
    }

    [Fact]
    public void AFileGivenTwiceOrWithOneOfItsShardsCountsEveryRunAndAccountOnce()
    {
        var organization = new OrganizationFixture(release: true);
        var whole = Write(organization.Runs, [], ReportFormat.Json);
        var shard = new OrganizationScope(OrganizationFixture.OrganizationId, OrganizationFixture.ManagementAccountId, true, null, 1);
        organization.Join(shard, organization.Dev);
        var devOnly = Write([organization.Dev], [], ReportFormat.Json);

        foreach (var runs in new[] { Import(whole, whole), Import(whole, devOnly), Import(devOnly, whole) })
        {
            Assert.Equal(3, runs.Count);
            Assert.Equal(3, runs.Select(r => r.Id).Distinct().Count());
            Assert.Equal(4, runs[0].Organization!.AccountsRequested);
            Assert.Equal(whole, Write(runs, [], ReportFormat.Json));
        }
    }

    [Fact]
    public void ShardsThatClaimMoreAccountsThanAnIntHoldsStayIncompleteInsteadOfOverflowing()
    {
        // Hand-edited shards may each claim up to int.MaxValue accounts: the merged count stops there.
        var first = new OrganizationScope(OrganizationFixture.OrganizationId, null, true, null, int.MaxValue);
        var second = new OrganizationScope(OrganizationFixture.OrganizationId, null, true, null, int.MaxValue - 7);

        var merged = OrganizationScope.Merge([first, second]);

        Assert.Equal(int.MaxValue, merged.AccountsRequested);
        Assert.Equal(int.MaxValue, OrganizationScope.Merge([first, new OrganizationScope(OrganizationFixture.OrganizationId, null, true, null, 1)]).AccountsRequested);
    }

    [Fact]
    public void ReportsOutsideAnyOrganizationStayApart()
    {
        var first = ReportFixture.Audit(source: "a.json");
        var second = ReportFixture.Audit(OrganizationFixture.Clean, "b.json");

        var runs = Import(Write([second], [], ReportFormat.Json), Write([first], [], ReportFormat.Json));

        Assert.Equal(["111122223333", "222233334444"], runs.Select(r => r.AccountId));
        Assert.All(runs, r => Assert.Null(r.Organization));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void AnOrganizationAuditThatAuditedNoAccountIsReportedReadBackAndNeverPasses(ReportFormat format)
    {
        var scope = new OrganizationScope(OrganizationFixture.OrganizationId, null, true, null, 2);
        scope.AddUnaudited(new UnauditedAccount("444455556666", "legacy", OrganizationFixture.NotAuditedReason));
        scope.AddUnaudited(new UnauditedAccount("111122223333", null, "the snapshot accounts/111122223333.json is not valid JSON"));
        using var output = new StringWriter { NewLine = "\n" };
        AuditReportWriter.Write(scope, format, output, ReportFixture.GeneratedAt, Environment.CurrentDirectory);
        var report = output.ToString();

        var organization = Assert.Single(Combine(Write([], [], ReportFormat.Json, [scope])).Organizations);

        Assert.Contains("ot passed: 2 accounts not audited (111122223333, legacy (444455556666))", report, StringComparison.Ordinal); // "Not" or, in Markdown, "not"
        Assert.Empty(organization.Runs);
        Assert.Equal(["111122223333", "444455556666"], organization.Unaudited.Select(a => a.AccountId));
        Assert.Equal(report, Write([], [], format, [organization]));
    }

    [Fact]
    public void ScopesWhoseOrganizationWasNotReadAreJoinedOnlyWhenTheyShareARun()
    {
        var organization = new OrganizationFixture(release: true);
        var first = new OrganizationScope(null, null, false, "AccessDenied on DescribeOrganization", 2);
        var second = new OrganizationScope(null, null, false, "AccessDenied on DescribeOrganization", 1);
        organization.Join(first, organization.Prod, organization.Dev);
        organization.Join(second, organization.Sandbox);
        var firstJson = Write([organization.Prod], [], ReportFormat.Json);
        var secondJson = Write([organization.Sandbox], [], ReportFormat.Json);

        Assert.Single(Combine(firstJson, firstJson).Organizations);
        Assert.Equal(2, Combine(firstJson, firstJson).Runs.Count);
        Assert.Equal(2, Combine(firstJson, secondJson).Organizations.Count);
    }

    // ---- Bad files ----

    [Theory]
    [InlineData("", "$", "the file is empty", ReportFileProblem.Invalid)]
    [InlineData("{ \"tool\": \"MarketplaceGuard\", \"formatVersion\": 1, \"audits\": [ { \"runId\": ", "$", "the file ends before its JSON does (line 1): it is truncated", ReportFileProblem.Invalid)]
    [InlineData("{ \"tool\": \"MarketplaceGuard\" \n\"formatVersion\": 1 }\n\n", "$", "not valid JSON (line 2)", ReportFileProblem.Invalid)]
    [InlineData("[1, 2]", "$", "is an array: this is not a MarketplaceGuard JSON report", ReportFileProblem.NotAReport)]
    [InlineData("{ \"UserDetailList\": [] }", "$.tool", "is not \"MarketplaceGuard\": this is not a MarketplaceGuard JSON report (it is an authorization snapshot: audit it with Test-MarketplaceLeastPrivilege)", ReportFileProblem.NotAReport)]
    [InlineData("{ \"$schema\": \"sarif\", \"runs\": [] }", "$.tool", "(it is a SARIF report: only JSON reports, -Format Json, can be read back)", ReportFileProblem.NotAReport)]
    [InlineData("{ \"tool\": \"MarketplaceGuard\", \"version\": \"0.1.0\", \"audits\": [] }", "$.formatVersion", "is missing: the report was written by a MarketplaceGuard older than report format 2", ReportFileProblem.UnsupportedVersion)]
    [InlineData("{ \"tool\": \"MarketplaceGuard\", \"formatVersion\": 3, \"audits\": [] }", "$.formatVersion", "is 3; this module reads report format 2", ReportFileProblem.UnsupportedVersion)]
    [InlineData("{ \"tool\": \"MarketplaceGuard\", \"formatVersion\": 2, \"organization\": null, \"audits\": [] }", "$.audits", "holds no audit", ReportFileProblem.Invalid)]
    [InlineData("{ \"tool\": \"MarketplaceGuard\", \"tool\": \"MarketplaceGuard\" }", "$", "not valid JSON (line 1)", ReportFileProblem.Invalid)]
    [InlineData("{ \"tool\": \"MarketplaceGuard\", \"formatVersion\": \"2\", \"audits\": [] }", "$.formatVersion", "is \"2\"; this module reads report format 2", ReportFileProblem.UnsupportedVersion)]
    [InlineData("{ \"tool\": \"MarketplaceGuard\", \"formatVersion\": null, \"audits\": [] }", "$.formatVersion", "is null; this module reads report format 2", ReportFileProblem.UnsupportedVersion)]
    [InlineData("{ \"\\ud800\": 1, \"tool\": \"MarketplaceGuard\", \"formatVersion\": 2 }", "$", "a string is not valid text", ReportFileProblem.Invalid)] // a name that is not text
    public void AFileThatIsNotAReadableReportIsRefusedSayingWhereAndWhy(string text, string jsonPath, string problem, ReportFileProblem kind)
    {
        var e = Assert.Throws<ReportFileException>(() => Parse(text, "bad.json"));

        Assert.Equal("bad.json", e.File);
        Assert.Equal(jsonPath, e.JsonPath);
        Assert.Contains(problem, e.Problem, StringComparison.Ordinal);
        Assert.Equal(kind, e.Kind);
        Assert.StartsWith($"bad.json: {jsonPath}: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"ruleId\": \"MG1001\"", "\"ruleId\": \"MG9001\"", "$.audits[0].findings[0].ruleId", "\"MG9001\" is not a rule id this module knows (MG1001, ")]
    [InlineData("\"severity\": \"High\"", "\"severity\": \"Critical\"", "$.audits[0].findings[0].severity", "\"Critical\" is not one of ")]
    [InlineData("\"findings\": 5,", "\"findings\": 4,", "$.audits[0].summary.findings", "says 4 findings, but 5 are listed: the file was cut or edited")]
    [InlineData("\"incomplete\": false", "\"incomplete\": \"no\"", "$.audits[0].incomplete", "must be true or false, not the string \"no\"")]
    [InlineData("\"principal\": \"user/carol\",\n            \"justification\"", "\"justification\"", "$.audits[0].findings[2].suppression.principal", "is missing")]
    [InlineData("\"suppressed\": true", "\"suppressed\": false", "$.audits[0].findings[2].suppressed", "disagrees with its suppression")]
    [InlineData("\"inOrganization\": false", "\"inOrganization\": true", "$.audits[0].inOrganization", "is true, but the report has no organization")]
    [InlineData("\"startedAt\": \"", "\"startedAt\": \"yesterday", "$.audits[0].startedAt", "is not a date and time")]
    public void AReportWithAValueMissingOrWrongIsRefusedSayingWhere(string find, string replace, string jsonPath, string problem)
    {
        var run = ReportFixture.Audit();
        var json = Write([run], [], ReportFormat.Json);
        var at = json.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"the report has no {find}");
        var bad = json[..at] + replace + json[(at + find.Length)..];

        var e = Assert.Throws<ReportFileException>(() => Parse(bad, "bad.json"));

        Assert.Equal(jsonPath, e.JsonPath);
        Assert.Contains(problem, e.Problem, StringComparison.Ordinal);
        Assert.Equal(ReportFileProblem.Invalid, e.Kind);
    }

    [Fact]
    public void AReportFileIsReadFromDisk()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mg-report-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, "\uFEFF" + Write([ReportFixture.Audit()], [], ReportFormat.Json), new UTF8Encoding(false));

            var file = JsonReportReader.Read(path);

            Assert.Equal(path, file.Path);
            Assert.Equal(5, Assert.Single(file.Runs).Findings.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
