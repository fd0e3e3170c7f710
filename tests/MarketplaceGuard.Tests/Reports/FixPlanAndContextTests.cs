using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Reports;

namespace MarketplaceGuard.Tests.Reports;

/// <summary>Causes and the fix plan, and the audit context every report format states.</summary>
public sealed class FixPlanAndContextTests
{
    /// <summary>
    /// Developers (eve, finn, gil) can all procure through the group; Builders (hal, and ida who is procurement) too,
    /// so Builders cannot take a deny; jo holds PowerUser-like access directly.
    /// </summary>
    private const string GroupSnapshot = """
        {
          "UserDetailList": [
            { "UserName": "eve", "Arn": "arn:aws:iam::444455556666:user/eve", "GroupList": ["Developers"] },
            { "UserName": "finn", "Arn": "arn:aws:iam::444455556666:user/finn", "GroupList": ["Developers"] },
            { "UserName": "gil", "Arn": "arn:aws:iam::444455556666:user/gil", "GroupList": ["Developers"] },
            { "UserName": "hal", "Arn": "arn:aws:iam::444455556666:user/hal", "GroupList": ["Builders"] },
            { "UserName": "ida", "Arn": "arn:aws:iam::444455556666:user/ida", "GroupList": ["Builders"] },
            { "UserName": "jo", "Arn": "arn:aws:iam::444455556666:user/jo", "GroupList": [],
              "AttachedManagedPolicies": [ { "PolicyName": "Buyers", "PolicyArn": "arn:aws:iam::444455556666:policy/Buyers" } ] }
          ],
          "GroupDetailList": [
            { "GroupName": "Developers", "Arn": "arn:aws:iam::444455556666:group/Developers",
              "AttachedManagedPolicies": [ { "PolicyName": "Buyers", "PolicyArn": "arn:aws:iam::444455556666:policy/Buyers" } ] },
            { "GroupName": "Builders", "Arn": "arn:aws:iam::444455556666:group/Builders",
              "AttachedManagedPolicies": [ { "PolicyName": "Buyers", "PolicyArn": "arn:aws:iam::444455556666:policy/Buyers" } ] }
          ],
          "RoleDetailList": [],
          "Policies": [
            { "PolicyName": "Buyers", "Arn": "arn:aws:iam::444455556666:policy/Buyers", "DefaultVersionId": "v1",
              "PolicyVersionList": [ { "VersionId": "v1", "IsDefaultVersion": true, "Document": { "Version": "2012-10-17", "Statement": [
                { "Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*" } ] } } ] }
          ]
        }
        """;

    private static AuditRun GroupAudit(bool incomplete = false)
    {
        var account = Account.Build(SnapshotLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(GroupSnapshot)), "groups.json"));
        var declaration = new AuditDeclaration(["user/ida"], [], "suppressions.json");
        var run = new LeastPrivilegeAudit().Run(account, account.Resolve(["user/ida"], out _), [], [], new DateOnly(2026, 11, 27), declaration: declaration);
        run.Incomplete = incomplete;
        return run;
    }

    private static string Write(AuditRun run, ReportFormat format)
    {
        using var output = new StringWriter { NewLine = "\n" };
        AuditReportWriter.Write(run, format, output, ReportFixture.GeneratedAt, Environment.CurrentDirectory);
        return output.ToString();
    }

    [Fact]
    public void AccessThroughAGroupOfUnauthorizedPeopleIsFixedAtTheGroup()
    {
        var run = GroupAudit();

        foreach (var name in new[] { "eve", "finn", "gil" })
        {
            var finding = run.Findings.Single(f => f.RuleId == "MG1001" && f.PrincipalName == name);
            Assert.Equal("group/Developers", finding.Cause);
            Assert.Equal("Revoke-MarketplaceAccess -GroupName 'Developers' -Rule 1", finding.Recommendation);
        }
    }

    [Fact]
    public void AGroupThatHoldsAnAuthorizedPrincipalIsNotDeniedButNamedAsTheCause()
    {
        var hal = GroupAudit().Findings.Single(f => f.RuleId == "MG1001" && f.PrincipalName == "hal");

        Assert.Equal("group/Builders", hal.Cause);
        Assert.Equal("Revoke-MarketplaceAccess -UserName 'hal' -Rule 1", hal.Recommendation);
    }

    [Fact]
    public void APolicyAttachedToThePrincipalIsTheCauseWithItsArn()
    {
        var jo = GroupAudit().Findings.Single(f => f.RuleId == "MG1001" && f.PrincipalName == "jo");

        Assert.Equal("policy arn:aws:iam::444455556666:policy/Buyers attached to user/jo", jo.Cause);
        Assert.Equal("Revoke-MarketplaceAccess -UserName 'jo' -Rule 1", jo.Recommendation);
        Assert.Equal("user/jo", jo.Principal);
        Assert.Equal("arn:aws:iam::444455556666:user/jo", jo.PrincipalArn);
    }

    [Fact]
    public void AnInlinePolicyIsTheCauseWithItsName()
    {
        var bob = ReportFixture.Audit().Findings.Single(f => f.RuleId == "MG1002");

        Assert.Equal("inline policy CancelWithMfa of user/bob", bob.Cause);
    }

    /// <summary>
    /// MfaBuyers grants procurement only with MFA (a conditional allow, whose evidence is the gate, not the grant);
    /// Staff grants nothing: kim and lee are only implicitly denied; Finance also holds the viewer val.
    /// </summary>
    private const string ConditionalSnapshot = """
        {
          "UserDetailList": [
            { "UserName": "ann", "Arn": "arn:aws:iam::444455556666:user/ann", "GroupList": ["MfaBuyers"] },
            { "UserName": "kim", "Arn": "arn:aws:iam::444455556666:user/kim", "GroupList": ["Staff"] },
            { "UserName": "lee", "Arn": "arn:aws:iam::444455556666:user/lee", "GroupList": ["Staff", "Finance"] },
            { "UserName": "max", "Arn": "arn:aws:iam::444455556666:user/max", "GroupList": ["Finance"] },
            { "UserName": "val", "Arn": "arn:aws:iam::444455556666:user/val", "GroupList": ["Finance"],
              "UserPolicyList": [ { "PolicyName": "View", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
                { "Effect": "Allow", "Action": "aws-marketplace:ViewSubscriptions", "Resource": "*" } ] } } ] }
          ],
          "GroupDetailList": [
            { "GroupName": "MfaBuyers", "Arn": "arn:aws:iam::444455556666:group/MfaBuyers",
              "GroupPolicyList": [ { "PolicyName": "BuyWithMfa", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
                { "Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*", "Condition": { "Bool": { "aws:MultiFactorAuthPresent": "true" } } } ] } } ] },
            { "GroupName": "Staff", "Arn": "arn:aws:iam::444455556666:group/Staff" },
            { "GroupName": "Finance", "Arn": "arn:aws:iam::444455556666:group/Finance" }
          ],
          "RoleDetailList": [],
          "Policies": []
        }
        """;

    private static AuditRun ConditionalAudit()
    {
        var account = Account.Build(SnapshotLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(ConditionalSnapshot)), "conditional.json"));
        return new LeastPrivilegeAudit().Run(account, [], account.Resolve(["user/val"], out _), [], new DateOnly(2026, 11, 27));
    }

    [Fact]
    public void AConditionalAllowIsCausedByThePolicyThatGrantsItNotByItsGate()
    {
        var ann = ConditionalAudit().Findings.Single(f => f.RuleId == "MG1001" && f.PrincipalName == "ann");

        Assert.Equal(AuditDecision.ConditionallyAllowed, ann.Decision);
        Assert.Equal("group/MfaBuyers", ann.Cause);
        Assert.Equal("Revoke-MarketplaceAccess -GroupName 'MfaBuyers' -Rule 1", ann.Recommendation);
    }

    [Fact]
    public void AMissingExplicitDenyGoesToTheLargestGroupThatHoldsNobodyAuthorized()
    {
        var run = ConditionalAudit();

        var kim = run.Findings.Single(f => f.RuleId == "MG1005" && f.PrincipalName == "kim");
        var lee = run.Findings.Single(f => f.RuleId == "MG1005" && f.PrincipalName == "lee");
        var max = run.Findings.Single(f => f.RuleId == "MG1005" && f.PrincipalName == "max");

        Assert.Equal("Revoke-MarketplaceAccess -GroupName 'Staff' -Rule 1", kim.Recommendation);
        Assert.Equal("group/Staff", kim.Cause);
        Assert.Equal("Revoke-MarketplaceAccess -GroupName 'Staff' -Rule 1", lee.Recommendation); // Finance holds the viewer
        Assert.Equal("Revoke-MarketplaceAccess -UserName 'max' -Rule 1", max.Recommendation);
        Assert.Equal("user/max", max.Cause);
    }

    [Fact]
    public void JsonFixPlanPutsTheGroupFixFirstWithWhatItFixes()
    {
        using var json = JsonDocument.Parse(Write(GroupAudit(), ReportFormat.Json));
        var plan = json.RootElement.GetProperty("audits")[0].GetProperty("fixPlan").EnumerateArray().ToList();

        var first = plan[0];
        Assert.Equal("Revoke-MarketplaceAccess -GroupName 'Developers' -Rule 1", first.GetProperty("command").GetString());
        Assert.Equal("group/Developers", first.GetProperty("cause").GetString());
        Assert.True(first.GetProperty("atGroup").GetBoolean());
        Assert.Equal(3, first.GetProperty("principalCount").GetInt32());
        Assert.Equal(["user/eve", "user/finn", "user/gil"], first.GetProperty("principals").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["MG1001", "MG1002", "MG1006"], first.GetProperty("ruleIds").EnumerateArray().Select(p => p.GetString()));

        // One line per command: Developers' three principals and six other findings are fixed by one command.
        Assert.Equal(3, plan.Count);
        Assert.Contains(plan, i => i.GetProperty("command").GetString() == "Revoke-MarketplaceAccess -UserName 'hal' -Rule 1" && i.GetProperty("cause").GetString() == "group/Builders");
    }

    [Fact]
    public void EveryFormatHasTheFixPlan()
    {
        var run = GroupAudit();

        using var sarif = JsonDocument.Parse(Write(run, ReportFormat.Sarif));
        var sarifPlan = sarif.RootElement.GetProperty("runs")[0].GetProperty("properties").GetProperty("fixPlan");
        Assert.Equal("Revoke-MarketplaceAccess -GroupName 'Developers' -Rule 1", sarifPlan[0].GetProperty("command").GetString());
        Assert.Equal(3, sarifPlan[0].GetProperty("principalCount").GetInt32());

        var junit = XDocument.Parse(Write(run, ReportFormat.JUnit));
        var systemOut = junit.Root!.Element("testsuite")!.Element("system-out")!.Value;
        Assert.Contains("Fix plan:\n  Revoke-MarketplaceAccess -GroupName 'Developers' -Rule 1    # fixes 3 principals (MG1001, MG1002, MG1006); cause: group/Developers", systemOut, StringComparison.Ordinal);

        var markdown = Write(run, ReportFormat.Markdown);
        Assert.Contains("## Fix plan\n\nOne command per cause, group-level fixes first:\n\n1. `Revoke-MarketplaceAccess -GroupName 'Developers' -Rule 1`: fixes 3 principals (MG1001, MG1002, MG1006); cause: group/Developers\n", markdown, StringComparison.Ordinal);

        var html = Write(run, ReportFormat.Html);
        Assert.Contains("<h2>Fix plan</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>fixes 3 principals (MG1001, MG1002, MG1006)</td><td>group/Developers</td><td><code>Revoke-MarketplaceAccess -GroupName &#39;Developers&#39; -Rule 1</code></td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryFormatStatesTheAuditContext()
    {
        var run = GroupAudit();

        using var json = JsonDocument.Parse(Write(run, ReportFormat.Json));
        var audit = json.RootElement.GetProperty("audits")[0];
        Assert.Equal("444455556666", audit.GetProperty("accountId").GetString());
        Assert.Equal(["user/ida"], audit.GetProperty("procurementPrincipals").GetProperty("declared").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["user/ida"], audit.GetProperty("procurementPrincipals").GetProperty("resolved").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("suppressions.json", audit.GetProperty("suppressionFile").GetString());
        Assert.Equal(0, audit.GetProperty("expiredSuppressions").GetArrayLength());
        Assert.False(audit.GetProperty("incomplete").GetBoolean());

        using var sarif = JsonDocument.Parse(Write(run, ReportFormat.Sarif));
        var properties = sarif.RootElement.GetProperty("runs")[0].GetProperty("properties");
        Assert.Equal("444455556666", properties.GetProperty("accountId").GetString());
        Assert.Equal("suppressions.json", properties.GetProperty("suppressionFile").GetString());

        var suite = XDocument.Parse(Write(run, ReportFormat.JUnit)).Root!.Element("testsuite")!;
        string Property(string name) => (string)suite.Element("properties")!.Elements("property").Single(p => (string)p.Attribute("name")! == name).Attribute("value")!;
        Assert.Equal("444455556666", Property("accountId"));
        Assert.Equal("user/ida (user/ida)", Property("procurementPrincipals"));
        Assert.Equal("none", Property("viewerPrincipals"));
        Assert.Equal("suppressions.json", Property("suppressionFile"));
        Assert.Equal("false", Property("incomplete"));

        var markdown = Write(run, ReportFormat.Markdown);
        Assert.Contains("Account: `444455556666`  \n", markdown, StringComparison.Ordinal);
        Assert.Contains("Procurement principals: user/ida (user/ida)  \n", markdown, StringComparison.Ordinal);
        Assert.Contains("Suppression file: `suppressions.json`  \n", markdown, StringComparison.Ordinal);

        var html = Write(run, ReportFormat.Html);
        Assert.Contains("Account <code>444455556666</code>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">Suppression file</th><td>suppressions.json</td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpiredSuppressionsAreInTheReports()
    {
        var account = Account.Build(SnapshotLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(GroupSnapshot)), "groups.json"));
        var expired = new Suppression("MG1001", "user/jo", "pilot", new DateOnly(2026, 1, 31));
        var run = new LeastPrivilegeAudit().Run(account, account.Resolve(["user/ida"], out _), [], [expired], new DateOnly(2026, 11, 27));

        using var json = JsonDocument.Parse(Write(run, ReportFormat.Json));
        var listed = Assert.Single(json.RootElement.GetProperty("audits")[0].GetProperty("expiredSuppressions").EnumerateArray());
        Assert.Equal("2026-01-31", listed.GetProperty("expires").GetString());
        Assert.Contains("Expired suppressions: MG1001 user/jo (expired 2026-01-31)", Write(run, ReportFormat.Markdown), StringComparison.Ordinal);
        Assert.Contains("MG1001 user/jo (expired 2026-01-31)", Write(run, ReportFormat.Html), StringComparison.Ordinal);
    }

    [Fact]
    public void AnIncompleteSnapshotIsSaidInEveryFormatAndAPassIsNotGreen()
    {
        const string clean = """
            { "UserDetailList": [ { "UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice", "GroupList": ["Procurement"] } ],
              "GroupDetailList": [ { "GroupName": "Procurement", "Arn": "arn:aws:iam::111122223333:group/Procurement",
                "GroupPolicyList": [ { "PolicyName": "Buy", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
                  { "Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*" } ] } } ] } ] }
            """;
        var run = ReportFixture.Audit(clean, "clean.json");
        run.Incomplete = true;

        using var json = JsonDocument.Parse(Write(run, ReportFormat.Json));
        Assert.True(json.RootElement.GetProperty("audits")[0].GetProperty("incomplete").GetBoolean());
        using var sarif = JsonDocument.Parse(Write(run, ReportFormat.Sarif));
        Assert.True(sarif.RootElement.GetProperty("runs")[0].GetProperty("properties").GetProperty("incomplete").GetBoolean());
        var invocation = sarif.RootElement.GetProperty("runs")[0].GetProperty("invocations")[0];
        Assert.False(invocation.GetProperty("executionSuccessful").GetBoolean());
        Assert.Equal("error", invocation.GetProperty("toolExecutionNotifications")[0].GetProperty("level").GetString());
        var junit = Write(run, ReportFormat.JUnit);
        Assert.Contains("<property name=\"incomplete\" value=\"true\" />", junit, StringComparison.Ordinal);
        Assert.Contains(ReportText.IncompleteWarning, junit, StringComparison.Ordinal);
        Assert.Contains("<failure type=\"SnapshotIncomplete\"", junit, StringComparison.Ordinal);
        Assert.Contains("failures=\"1\"", junit, StringComparison.Ordinal);
        Assert.False(run.Passed);
        Assert.Contains("**Verdict: not passed: incomplete snapshot**", Write(run, ReportFormat.Markdown), StringComparison.Ordinal);
        var html = Write(run, ReportFormat.Html);
        Assert.Contains("<header class=\"verdict incomplete\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("verdict passed", html, StringComparison.Ordinal);
        Assert.Contains("the others were never audited", html, StringComparison.Ordinal);
        Assert.DoesNotContain("every principal has exactly", html, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonHasOneShapeForOneRunAndForSeveral()
    {
        using var one = JsonDocument.Parse(Write(GroupAudit(), ReportFormat.Json));
        using var output = new StringWriter();
        AuditReportWriter.Write([GroupAudit(), ReportFixture.Audit()], [], ReportFormat.Json, output, ReportFixture.GeneratedAt);
        using var two = JsonDocument.Parse(output.ToString());

        Assert.Equal(JsonValueKind.Object, one.RootElement.ValueKind);
        Assert.Equal(JsonValueKind.Object, two.RootElement.ValueKind);
        Assert.Equal(1, one.RootElement.GetProperty("audits").GetArrayLength());
        Assert.Equal(2, two.RootElement.GetProperty("audits").GetArrayLength());
        Assert.Equal(
            one.RootElement.EnumerateObject().Select(p => p.Name),
            two.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void SarifRulesHaveAHelpPageAndASecuritySeverity()
    {
        using var sarif = JsonDocument.Parse(Write(GroupAudit(), ReportFormat.Sarif));
        var rules = sarif.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();

        var mg1001 = rules.Single(r => r.GetProperty("id").GetString() == "MG1001");
        Assert.False(mg1001.TryGetProperty("helpUri", out _), "a relative helpUri makes code scanning reject the upload");
        Assert.False(string.IsNullOrWhiteSpace(mg1001.GetProperty("help").GetProperty("text").GetString()));
        Assert.Equal("8.0", mg1001.GetProperty("properties").GetProperty("security-severity").GetString());
        var mg1005 = rules.Single(r => r.GetProperty("id").GetString() == "MG1005");
        Assert.Equal("2.0", mg1005.GetProperty("properties").GetProperty("security-severity").GetString());
        Assert.All(rules, r => Assert.True(double.Parse(r.GetProperty("properties").GetProperty("security-severity").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0));
    }

    [Fact]
    public void SarifFingerprintsIdentifyAFindingAcrossAudits()
    {
        static string[] Fingerprints(AuditRun run, string source)
        {
            using var sarif = JsonDocument.Parse(Write(run, ReportFormat.Sarif));
            return sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
                .Select(r => r.GetProperty("partialFingerprints").GetProperty(SarifReportWriter.FingerprintKey).GetString()!)
                .ToArray();
        }

        var first = Fingerprints(GroupAudit(), "groups.json");
        var second = Fingerprints(GroupAudit(), "groups.json");

        Assert.Equal(first, second);
        Assert.Equal(first.Length, first.Distinct().Count());
        Assert.All(first, f => Assert.Matches("^[0-9a-f]{64}$", f));
    }

    [Fact]
    public void ListPropertiesReadAsTextForExportCsv()
    {
        var bob = ReportFixture.Audit().Findings.Single(f => f.RuleId == "MG1002");

        Assert.Equal("only if aws:MultiFactorAuthPresent is true", bob.Conditions.ToString());
        Assert.Equal("Allow CancelWithMfa statement 0", bob.Evidence.ToString());
    }

    [Fact]
    public void ARestoredFindingNeedsAValidRuleAndPrincipal()
    {
        var run = AuditRun.Restore(Guid.NewGuid(), "111122223333", "sample.json", DateTime.UtcNow, new AuditDeclaration(), [], [], 5, [], incomplete: false);

        Assert.Throws<ArgumentException>(() => Finding.Restore(run, "MG9999", Severity.High, PrincipalType.User, "bob", "arn:aws:iam::111122223333:user/bob", "user/bob", "Procure", AuditDecision.Allowed, [], "why", [], "fix", null, "$.UserDetailList[1]", 3));
        Assert.Throws<ArgumentException>(() => Finding.Restore(run, "MG1001", Severity.High, PrincipalType.User, "", "arn:aws:iam::111122223333:user/bob", "user/bob", "Procure", AuditDecision.Allowed, [], "why", [], "fix", null, "$.UserDetailList[1]", 3));
        Assert.Empty(run.Findings);

        var restored = Finding.Restore(run, "MG1001", Severity.High, PrincipalType.User, "bob", "arn:aws:iam::111122223333:user/bob", "user/bob", "Procure", AuditDecision.Allowed, [], "why", ["Allow X statement 0"], "fix", null, "$.UserDetailList[1]", 3);
        Assert.Same(restored, Assert.Single(run.Findings));
        Assert.False(run.Passed);
    }
}
