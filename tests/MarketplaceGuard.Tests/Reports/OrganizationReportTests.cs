using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Organizations;
using MarketplaceGuard.Engine.Reports;

namespace MarketplaceGuard.Tests.Reports;

/// <summary>The organization summary and account sections of every format, on <see cref="OrganizationFixture"/>.</summary>
public sealed class OrganizationReportTests
{
    private static string Write(IEnumerable<Finding> findings, ReportFormat format) => Write([], findings, format);

    private static string Write(IEnumerable<AuditRun> runs, IEnumerable<Finding> findings, ReportFormat format)
    {
        using var output = new StringWriter { NewLine = "\n" };
        AuditReportWriter.Write(runs, findings, format, output, ReportFixture.GeneratedAt, Environment.CurrentDirectory);
        return output.ToString();
    }

    private const string Verdict = "Not passed: 1 account not audited (legacy (444455556666)), 8 findings to fix";

    // ---- What a report covers ----

    [Fact]
    public void FindingsOfOneAccountBringEveryAccountOfTheirOrganization()
    {
        var organization = new OrganizationFixture();

        // Only prod's findings are piped in: dev passed (no finding) and the sandbox's were not given.
        using var json = JsonDocument.Parse(Write(organization.Prod.Findings, ReportFormat.Json));
        var audits = json.RootElement.GetProperty("audits").EnumerateArray().ToList();

        Assert.Equal(["111122223333", "222233334444", "333344445555"], audits.Select(a => a.GetProperty("accountId").GetString()));
        Assert.Equal([5, 0, 5], audits.Select(a => a.GetProperty("findings").GetArrayLength()));
        Assert.True(audits[1].GetProperty("summary").GetProperty("passed").GetBoolean());
    }

    [Fact]
    public void RunsAreInAccountIdOrderHoweverTheyArrive()
    {
        var organization = new OrganizationFixture();

        // The findings of each run stay in the order given; the runs come in account id order.
        var forward = Write(organization.Runs.SelectMany(r => r.Findings), ReportFormat.Markdown);
        var backward = Write(organization.Runs.Reverse().SelectMany(r => r.Findings), ReportFormat.Markdown);

        Assert.Equal(forward, backward);
        Assert.True(forward.IndexOf("## prod (111122223333)", StringComparison.Ordinal) < forward.IndexOf("## dev (222233334444)", StringComparison.Ordinal));
    }

    [Fact]
    public void RunsOfTwoShardsOfOneOrganizationShareOneSummary()
    {
        var organization = new OrganizationFixture();
        var east = new OrganizationScope(OrganizationFixture.OrganizationId, OrganizationFixture.ManagementAccountId, true, null, 3);
        var west = new OrganizationScope(OrganizationFixture.OrganizationId, OrganizationFixture.ManagementAccountId, true, null, 1);
        organization.Join(east, organization.Prod, organization.Dev);
        organization.Join(west, organization.Sandbox);
        east.AddUnaudited(new UnauditedAccount("444455556666", "legacy", OrganizationFixture.NotAuditedReason));

        using var json = JsonDocument.Parse(Write(organization.Runs.Where(r => r != organization.Dev), [], ReportFormat.Json));
        var summary = json.RootElement.GetProperty("summary");

        Assert.Equal(OrganizationFixture.OrganizationId, json.RootElement.GetProperty("organization").GetProperty("id").GetString());
        Assert.Equal(4, summary.GetProperty("accountsRequested").GetInt32());
        Assert.Equal(3, summary.GetProperty("accountsAudited").GetInt32());
        Assert.Equal(4, summary.GetProperty("accounts").GetArrayLength());
    }

    // ---- Verdict ----

    [Fact]
    public void AnAccountNotAuditedKeepsTheOrganizationFromPassing()
    {
        var organization = new OrganizationFixture();
        var scope = new OrganizationScope(OrganizationFixture.OrganizationId, null, true, null, 2);
        organization.Join(scope, organization.Dev);
        scope.AddUnaudited(new UnauditedAccount("444455556666", null, OrganizationFixture.NotAuditedReason));

        using var json = JsonDocument.Parse(Write([organization.Dev], [], ReportFormat.Json));
        var summary = json.RootElement.GetProperty("summary");

        Assert.True(json.RootElement.GetProperty("audits")[0].GetProperty("summary").GetProperty("passed").GetBoolean());
        Assert.False(summary.GetProperty("passed").GetBoolean());
        Assert.Equal("Not passed: 1 account not audited (444455556666)", summary.GetProperty("verdict").GetString());
        var html = Write([organization.Dev], [], ReportFormat.Html);
        Assert.Contains("<header class=\"verdict incomplete\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<header class=\"verdict passed\">\n<h1>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceControlPoliciesNotConsideredKeepTheOrganizationFromPassing()
    {
        // An SCP may lock out a procurement team the audit cannot see: without the SCPs, an account that had no finding
        // does not pass, and the reports say why.
        var organization = new OrganizationFixture();
        var scope = new OrganizationScope(null, null, false, "AWSOrganizationsNotInUseException", 1);
        organization.Dev.SetOrganizationContext("dev", null, scope, ServiceControlPolicyAssessment.NotConsidered("the organization could not be read"));
        scope.AddRun(organization.Dev);

        using var json = JsonDocument.Parse(Write([organization.Dev], [], ReportFormat.Json));
        var summary = json.RootElement.GetProperty("summary");
        var markdown = Write([organization.Dev], [], ReportFormat.Markdown);
        var junit = Write([organization.Dev], [], ReportFormat.JUnit);

        Assert.False(organization.Dev.Passed);
        Assert.False(scope.Passed);
        Assert.False(summary.GetProperty("passed").GetBoolean());
        Assert.Equal("Not passed: SCPs not considered for 1 account", summary.GetProperty("verdict").GetString());
        const string Warning = "Service control policies were not considered for 1 of 1 audited account (the organization's SCPs were not read: AWSOrganizationsNotInUseException): access an SCP blocks may be reported as allowed, and a lockout an SCP causes may be missed.";
        Assert.Equal(Warning, Assert.Single(summary.GetProperty("warnings").EnumerateArray()).GetString());
        Assert.Contains("**Verdict: not passed: SCPs not considered for 1 account**", markdown, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Organization: unknown (AWSOrganizationsNotInUseException)  \nService control policies: not read: AWSOrganizationsNotInUseException  ", markdown, StringComparison.Ordinal);
        Assert.Contains("type=\"ServiceControlPoliciesNotConsidered\"", junit, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIncompleteSnapshotKeepsTheOrganizationFromPassing()
    {
        var organization = new OrganizationFixture();
        var scope = new OrganizationScope(OrganizationFixture.OrganizationId, null, true, null, 1);
        organization.Join(scope, organization.Dev);
        organization.Dev.Incomplete = true;

        using var json = JsonDocument.Parse(Write([organization.Dev], [], ReportFormat.Json));

        Assert.Equal("Not passed: incomplete snapshot of 1 account", json.RootElement.GetProperty("summary").GetProperty("verdict").GetString());
    }

    // ---- JSON ----

    [Fact]
    public void JsonHasTheOrganizationTheSummaryAndTheAccountOfEveryRunAndFinding()
    {
        var organization = new OrganizationFixture();
        using var json = JsonDocument.Parse(Write(organization.Runs, [], ReportFormat.Json));
        var root = json.RootElement;

        Assert.Equal(2, root.GetProperty("formatVersion").GetInt32());
        var scope = root.GetProperty("organization");
        Assert.Equal(OrganizationFixture.OrganizationId, scope.GetProperty("id").GetString());
        Assert.Equal(OrganizationFixture.ManagementAccountId, scope.GetProperty("managementAccountId").GetString());
        Assert.True(scope.GetProperty("serviceControlPoliciesRead").GetBoolean());
        Assert.Equal(JsonValueKind.Null, scope.GetProperty("notReadReason").ValueKind);
        Assert.Equal(4, scope.GetProperty("accountsRequested").GetInt32());
        var unaudited = Assert.Single(scope.GetProperty("unaudited").EnumerateArray());
        Assert.Equal(["444455556666", "legacy", OrganizationFixture.NotAuditedReason], new[] { "accountId", "accountName", "reason" }.Select(n => unaudited.GetProperty(n).GetString()));

        var summary = root.GetProperty("summary");
        Assert.Equal(Verdict, summary.GetProperty("verdict").GetString());
        Assert.False(summary.GetProperty("passed").GetBoolean());
        Assert.Equal([4, 3, 1, 8, 2], new[] { "accountsRequested", "accountsAudited", "accountsNotAudited", "findings", "suppressed" }.Select(n => summary.GetProperty(n).GetInt32()));
        Assert.Equal(6, summary.GetProperty("bySeverity").GetProperty("high").GetInt32());
        var accounts = summary.GetProperty("accounts").EnumerateArray().ToList();
        Assert.Equal(["111122223333", "222233334444", "333344445555", "444455556666"], accounts.Select(a => a.GetProperty("accountId").GetString()));
        Assert.Equal([true, true, true, false], accounts.Select(a => a.GetProperty("audited").GetBoolean()));
        Assert.Equal("Root / Workloads / Prod", accounts[0].GetProperty("organizationPath").GetString());
        Assert.Equal("Failed, 4 findings to fix", accounts[0].GetProperty("verdict").GetString());
        Assert.Equal("""{"MG1001":1,"MG1002":1,"MG1004":2}""", JsonSerializer.Serialize(accounts[0].GetProperty("byRule")));
        Assert.Equal("DenyMarketplace (OU Workloads)", Assert.Single(accounts[0].GetProperty("serviceControlPolicies").GetProperty("relevant").EnumerateArray()).GetString());
        Assert.True(accounts[1].GetProperty("passed").GetBoolean());
        Assert.Equal("Not audited: " + OrganizationFixture.NotAuditedReason, accounts[3].GetProperty("verdict").GetString());
        Assert.Equal(OrganizationFixture.NotAuditedReason, accounts[3].GetProperty("notAuditedReason").GetString());
        Assert.Equal(JsonValueKind.Null, accounts[3].GetProperty("findings").ValueKind);

        var prod = root.GetProperty("audits")[0];
        Assert.Equal(organization.Prod.Id.ToString(), prod.GetProperty("runId").GetString());
        Assert.Equal("prod", prod.GetProperty("accountName").GetString());
        Assert.Equal("Root / Workloads / Prod", prod.GetProperty("organizationPath").GetString());
        Assert.True(prod.GetProperty("inOrganization").GetBoolean());
        Assert.True(prod.GetProperty("serviceControlPolicies").GetProperty("considered").GetBoolean());
        Assert.Equal(OrganizationFixture.ProdPolicies.Summary, prod.GetProperty("serviceControlPolicies").GetProperty("summary").GetString());
        Assert.All(prod.GetProperty("findings").EnumerateArray(), f =>
        {
            Assert.Equal("111122223333", f.GetProperty("accountId").GetString());
            Assert.Equal("prod", f.GetProperty("accountName").GetString());
        });
    }

    [Fact]
    public void JsonOfASingleAccountSaysWhetherSCPsWereConsideredAndHasNoOrganization()
    {
        using var json = JsonDocument.Parse(Write(ReportFixture.Audit().Findings, ReportFormat.Json));
        var root = json.RootElement;

        Assert.Equal(JsonValueKind.Null, root.GetProperty("organization").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("summary").ValueKind);
        var audit = root.GetProperty("audits")[0];
        Assert.False(audit.GetProperty("inOrganization").GetBoolean());
        Assert.Equal(JsonValueKind.Null, audit.GetProperty("accountName").ValueKind);
        Assert.False(audit.GetProperty("serviceControlPolicies").GetProperty("considered").GetBoolean());
        Assert.Equal(ServiceControlPolicyAssessment.NotRead.Summary, audit.GetProperty("serviceControlPolicies").GetProperty("summary").GetString());
    }

    // ---- Markdown ----

    [Fact]
    public void MarkdownOpensWithTheVerdictAndATableOfEveryAccountLinkedToItsSection()
    {
        var markdown = Write(new OrganizationFixture().Runs, [], ReportFormat.Markdown);

        Assert.StartsWith(
            "# MarketplaceGuard least-privilege report\n\n" +
            "Organization: o-a1b2c3d4e5 (management account 999988887777)  \n" +
            "Service control policies: read and applied to every audited account  \n" +
            "Accounts: 3 of 4 accounts audited, 1 not audited; 8 findings to fix, 2 suppressed  \n" +
            "Generated: 2026-11-27 12:00 UTC by MarketplaceGuard ",
            markdown,
            StringComparison.Ordinal);
        Assert.Contains("**Verdict: not passed: 1 account not audited (legacy (444455556666)), 8 findings to fix**\n\n> **Warning:** Service control policies were not considered for 1 of 3 audited accounts: ", markdown, StringComparison.Ordinal);
        Assert.Contains(
            "## Accounts\n\n" +
            "| Account | OU path | Verdict | High | Medium | Low | Suppressed | Open by rule | Service control policies | Relevant SCPs |\n" +
            "|---|---|---|---:|---:|---:|---:|---|---|---|\n" +
            "| [prod (111122223333)](#account-111122223333) | Root / Workloads / Prod | Failed, 4 findings to fix | 3 | 1 | 0 | 1 | MG1001: 1, MG1002: 1, MG1004: 2 | applied: root r-a1b2, OU Workloads (ou-a1b2-11111111), account prod (111122223333) | DenyMarketplace (OU Workloads) |\n" +
            "| [dev (222233334444)](#account-222233334444) | Root / Workloads / Dev | Passed | 0 | 0 | 0 | 0 |  | applied: root r-a1b2, OU Workloads (ou-a1b2-11111111), account dev (222233334444) | none |\n" +
            "| [Sand\\<box\\> \\& \\*Co\\* (333344445555)](#account-333344445555) | Root / Sandbox | Failed, 4 findings to fix | 3 | 1 | 0 | 1 | MG1001: 1, MG1002: 1, MG1004: 2 | not considered: the SCP p-broken is not valid JSON | none |\n" +
            "| legacy (444455556666) |  | Not audited: AssumeRole was denied (AccessDenied) | | | | | | | |\n",
            markdown,
            StringComparison.Ordinal);
    }

    [Fact]
    public void MarkdownHasASectionPerAccountWithTheRunInsideOneLevelDown()
    {
        var markdown = Write(new OrganizationFixture().Runs, [], ReportFormat.Markdown);

        Assert.Contains(
            "<a id=\"account-111122223333\"></a>\n\n## prod (111122223333), Root / Workloads / Prod\n\nAccount: `111122223333`  \nSource: `prod.json`  \n",
            markdown,
            StringComparison.Ordinal);
        Assert.Contains(
            "Service control policies: applied: root r-a1b2, OU Workloads (ou-a1b2-11111111), account prod (111122223333); relevant: DenyMarketplace (OU Workloads)\n\n**Verdict: failed, 4 findings to fix**\n\n### Summary\n",
            markdown,
            StringComparison.Ordinal);
        Assert.Contains("## Sand\\<box\\> \\& \\*Co\\* (333344445555), Root / Sandbox\n", markdown, StringComparison.Ordinal);
        Assert.Equal(3, Regex.Count(markdown, "^### Fix plan$", RegexOptions.Multiline));
        Assert.Equal(2, Regex.Count(markdown, "^#### High$", RegexOptions.Multiline));
        Assert.DoesNotContain("\n# MarketplaceGuard", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<box>", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void MarkdownOfASingleAccountKeepsItsShapeAndStatesTheSCPs()
    {
        var markdown = Write(ReportFixture.Audit().Findings, ReportFormat.Markdown);

        Assert.StartsWith("# MarketplaceGuard least-privilege report\n\nAccount: `111122223333`  \n", markdown, StringComparison.Ordinal);
        Assert.Contains(
            "Snapshot: complete  \nService control policies: not considered: the account was audited on its own (give -AccountId or -AllAccounts to read the organization's SCPs, or -ServiceControlPolicyPath)  \nGenerated: ",
            markdown,
            StringComparison.Ordinal);
        Assert.DoesNotContain("## Accounts", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<a id=", markdown, StringComparison.Ordinal);
    }

    // ---- HTML ----

    [Fact]
    public void HtmlOpensWithTheVerdictAndATableOfEveryAccountLinkedToItsSection()
    {
        var html = Write(new OrganizationFixture().Runs, [], ReportFormat.Html);

        Assert.Contains($"<header class=\"verdict incomplete\">\n<h1>AWS Marketplace least-privilege audit</h1>\n<p class=\"result\">{Verdict}</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"warning\"><strong>Service control policies not considered.</strong> Service control policies were not considered for 1 of 3 audited accounts: ", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">Organization</th><td>o-a1b2c3d4e5 (management account 999988887777)</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\"><a href=\"#account-111122223333\">prod (111122223333)</a></th><td>Root / Workloads / Prod</td><td>Failed, 4 findings to fix</td><td>3</td><td>1</td><td>0</td><td>1</td><td>MG1001: 1, MG1002: 1, MG1004: 2</td>", html, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"not-audited\"><th scope=\"row\">legacy (444455556666)</th><td></td><td>Not audited: AssumeRole was denied (AccessDenied)</td>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#account-333344445555\">Sand&lt;box&gt; &amp; *Co* (333344445555)</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlHasASectionPerAccountInAccountIdOrderWithItsAnchor()
    {
        var html = Write(new OrganizationFixture().Runs, [], ReportFormat.Html);

        var sections = Regex.Matches(html, "<section id=\"([^\"]+)\">\n<header class=\"verdict (\\w+)\">\n<h2>([^<]*)</h2>").Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value} {m.Groups[3].Value}");
        Assert.Equal(
            [
                "account-111122223333 failed prod (111122223333), Root / Workloads / Prod",
                "account-222233334444 passed dev (222233334444), Root / Workloads / Dev",
                "account-333344445555 failed Sand&lt;box&gt; &amp; *Co* (333344445555), Root / Sandbox",
            ],
            sections);
        Assert.Equal(3, Regex.Count(html, "<h3>Fix plan</h3>"));
        Assert.Single(Regex.Matches(html, "<h1>"));
        Assert.Contains("<tr><th scope=\"row\">Service control policies</th><td>not considered: the SCP p-broken is not valid JSON</td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlOfAnOrganizationIsBalancedAndLinksOnlyWithinThePage()
    {
        var html = Write(new OrganizationFixture().Runs, [], ReportFormat.Html);

        foreach (var tag in new[] { "section", "header", "table", "thead", "tbody", "tr", "td", "th", "a", "p", "h1", "h2", "h3" })
        {
            Assert.True(Regex.Count(html, $"<{tag}[ >]") == Regex.Count(html, $"</{tag}>"), $"<{tag}> is not balanced");
        }

        Assert.All(Regex.Matches(html, "href=\"([^\"]*)\"").Select(m => m.Groups[1].Value), href => Assert.Matches("^#account-[0-9]+$", href));
        Assert.DoesNotMatch(new Regex("<(?![/!a-z])"), html);
    }

    [Fact]
    public void HtmlOfASingleAccountStatesTheSCPsInItsContext()
    {
        var html = Write(ReportFixture.Audit().Findings, ReportFormat.Html);

        Assert.Contains("<tr><th scope=\"row\">Snapshot</th><td>complete</td></tr>\n<tr><th scope=\"row\">Service control policies</th><td>not considered: the account was audited on its own", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<section id=", html, StringComparison.Ordinal);
    }

    // ---- JUnit ----

    [Fact]
    public void JUnitHasASuitePerAccountAndAnErrorForTheAccountNotAudited()
    {
        var xml = XDocument.Parse(Write(new OrganizationFixture().Runs, [], ReportFormat.JUnit));
        var suites = xml.Root!.Elements("testsuite").ToList();

        Assert.Equal(
            [
                "MarketplaceGuard accounts of o-a1b2c3d4e5",
                "MarketplaceGuard least privilege: prod (111122223333)",
                "MarketplaceGuard least privilege: dev (222233334444)",
                "MarketplaceGuard least privilege: Sand<box> & *Co* (333344445555)",
            ],
            suites.Select(s => (string?)s.Attribute("name")));
        var accounts = suites[0];
        Assert.Equal(4, (int)accounts.Attribute("tests")!);
        Assert.Equal(1, (int)accounts.Attribute("errors")!);
        Assert.Equal(1, (int)xml.Root.Attribute("errors")!);
        var error = Assert.Single(accounts.Descendants("error"));
        Assert.Equal("legacy (444455556666)", (string?)error.Parent!.Attribute("name"));
        Assert.Equal("AccountNotAudited", (string?)error.Attribute("type"));
        Assert.Equal(OrganizationFixture.NotAuditedReason, (string?)error.Attribute("message"));
        Assert.Contains("  legacy (444455556666): Not audited: AssumeRole was denied (AccessDenied)", accounts.Element("system-out")!.Value, StringComparison.Ordinal);
        Assert.StartsWith(Verdict + "\nWarning: Service control policies were not considered", accounts.Element("system-out")!.Value, StringComparison.Ordinal);

        string? Property(XElement suite, string name) => (string?)suite.Element("properties")!.Elements("property").SingleOrDefault(p => (string?)p.Attribute("name") == name)?.Attribute("value");
        Assert.Equal("prod", Property(suites[1], "accountName"));
        Assert.Equal("Root / Workloads / Prod", Property(suites[1], "organizationPath"));
        Assert.Equal("DenyMarketplace (OU Workloads)", Property(suites[1], "relevantServiceControlPolicies"));
        Assert.Equal("0", (string?)suites[2].Attribute("failures"));
    }

    [Fact]
    public void JUnitOfASingleAccountStatesTheSCPsAndHasNoAccountsSuite()
    {
        var xml = XDocument.Parse(Write(ReportFixture.Audit().Findings, ReportFormat.JUnit));

        var suite = Assert.Single(xml.Root!.Elements("testsuite"));
        var property = suite.Element("properties")!.Elements("property").Single(p => (string?)p.Attribute("name") == "serviceControlPolicies");
        Assert.StartsWith("not considered: the account was audited on its own", (string?)property.Attribute("value"), StringComparison.Ordinal);
        Assert.Null(suite.Element("properties")!.Elements("property").SingleOrDefault(p => (string?)p.Attribute("name") == "accountName"));
    }

    // ---- SARIF ----

    [Fact]
    public void SarifHasARunPerAccountWithItsCategoryAndAFailedRunForTheAccountNotAudited()
    {
        using var sarif = JsonDocument.Parse(Write(new OrganizationFixture().Runs, [], ReportFormat.Sarif));
        var runs = sarif.RootElement.GetProperty("runs").EnumerateArray().ToList();

        Assert.Equal(
            ["MarketplaceGuard/account-111122223333/", "MarketplaceGuard/account-222233334444/", "MarketplaceGuard/account-333344445555/", "MarketplaceGuard/account-444455556666/"],
            runs.Select(r => r.GetProperty("automationDetails").GetProperty("id").GetString()));
        Assert.Equal("Audit of account prod (111122223333), Root / Workloads / Prod", runs[0].GetProperty("automationDetails").GetProperty("description").GetProperty("text").GetString());
        var notAudited = runs[3];
        Assert.Equal(0, notAudited.GetProperty("results").GetArrayLength());
        var invocation = notAudited.GetProperty("invocations")[0];
        Assert.False(invocation.GetProperty("executionSuccessful").GetBoolean());
        Assert.Equal(
            "legacy (444455556666) was not audited: AssumeRole was denied (AccessDenied). What it holds is unknown, so the organization cannot pass.",
            invocation.GetProperty("toolExecutionNotifications")[0].GetProperty("message").GetProperty("text").GetString());

        var result = runs[0].GetProperty("results")[0].GetProperty("properties");
        Assert.Equal("111122223333", result.GetProperty("accountId").GetString());
        Assert.Equal("prod", result.GetProperty("accountName").GetString());
        var properties = runs[2].GetProperty("properties");
        Assert.Equal("Root / Sandbox", properties.GetProperty("organizationPath").GetString());
        Assert.False(properties.GetProperty("serviceControlPolicies").GetProperty("considered").GetBoolean());
        var log = sarif.RootElement.GetProperty("properties");
        Assert.Equal(OrganizationFixture.OrganizationId, log.GetProperty("organization").GetProperty("id").GetString());
        Assert.Equal(Verdict, log.GetProperty("summary").GetProperty("verdict").GetString());
    }

    [Fact]
    public void SarifOfASingleAccountHasNoCategoryAndStatesTheSCPs()
    {
        using var sarif = JsonDocument.Parse(Write(ReportFixture.Audit().Findings, ReportFormat.Sarif));
        var run = Assert.Single(sarif.RootElement.GetProperty("runs").EnumerateArray());

        Assert.False(run.TryGetProperty("automationDetails", out _));
        Assert.False(sarif.RootElement.TryGetProperty("properties", out _));
        Assert.False(run.GetProperty("properties").GetProperty("serviceControlPolicies").GetProperty("considered").GetBoolean());
        Assert.Equal("111122223333", run.GetProperty("results")[0].GetProperty("properties").GetProperty("accountId").GetString());
    }

    // ---- All formats ----

    [Theory]
    [InlineData(ReportFormat.Json)]
    [InlineData(ReportFormat.Sarif)]
    [InlineData(ReportFormat.JUnit)]
    [InlineData(ReportFormat.Markdown)]
    [InlineData(ReportFormat.Html)]
    public void EveryFormatNamesTheAccountNotAuditedAndTheReason(ReportFormat format)
    {
        var text = Write(new OrganizationFixture().Runs, [], format);

        Assert.Contains("444455556666", text, StringComparison.Ordinal);
        Assert.Contains(OrganizationFixture.NotAuditedReason, text, StringComparison.Ordinal);
    }
}
