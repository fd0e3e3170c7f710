using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Reports;

namespace MarketplaceGuard.Tests.Reports;

/// <summary>Each report format, read back with a parser, on the account of <see cref="ReportFixture"/>.</summary>
public sealed class AuditReportWriterTests
{
    private static string Write(IEnumerable<Finding> findings, ReportFormat format)
    {
        using var output = new StringWriter { NewLine = "\n" };
        AuditReportWriter.Write(findings, format, output, ReportFixture.GeneratedAt, Environment.CurrentDirectory);
        return output.ToString();
    }

    private static string Write(ReportFormat format) => Write(ReportFixture.Audit().Findings, format);

    [Fact]
    public void FixtureHasTheFindingsTheReportsAreCheckedAgainst()
    {
        var run = ReportFixture.Audit();

        var actual = run.Findings
            .Select(f => $"{f.RuleId} {f.Severity} {f.Principal} {f.Capability ?? "-"}{(f.Suppressed ? " suppressed" : string.Empty)}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "MG1001 High user/bob Procure",
                "MG1002 Medium user/bob Cancel",
                "MG1004 High user/dave Cancel",
                "MG1004 High user/dave Procure",
                "MG1005 Low user/carol Procure suppressed",
            ],
            actual);
        Assert.Equal(5, run.Account.Principals.Count);
    }

    // ---- JSON ----

    [Fact]
    public void JsonHasTheSummaryTotals()
    {
        using var json = JsonDocument.Parse(Write(ReportFormat.Json));
        var root = json.RootElement;

        Assert.Equal("MarketplaceGuard", root.GetProperty("tool").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
        Assert.Equal("2026-11-27T12:00:00Z", root.GetProperty("generatedAt").GetString());
        var audit = Assert.Single(root.GetProperty("audits").EnumerateArray());
        Assert.Equal("sample.json", audit.GetProperty("source").GetString());
        var summary = audit.GetProperty("summary");
        Assert.Equal(5, summary.GetProperty("principals").GetInt32());
        Assert.Equal(5, summary.GetProperty("findings").GetInt32());
        Assert.Equal(3, summary.GetProperty("bySeverity").GetProperty("high").GetInt32());
        Assert.Equal(1, summary.GetProperty("bySeverity").GetProperty("medium").GetInt32());
        Assert.Equal(0, summary.GetProperty("bySeverity").GetProperty("low").GetInt32());
        Assert.Equal(1, summary.GetProperty("suppressed").GetInt32());
        Assert.False(summary.GetProperty("passed").GetBoolean());
        Assert.Equal(5, audit.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public void JsonFindingHasEveryField()
    {
        using var json = JsonDocument.Parse(Write(ReportFormat.Json));
        var bob = json.RootElement.GetProperty("audits")[0].GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "MG1001");

        Assert.Equal("High", bob.GetProperty("severity").GetString());
        Assert.Equal("User", bob.GetProperty("principalType").GetString());
        Assert.Equal("bob", bob.GetProperty("principalName").GetString());
        Assert.Equal("arn:aws:iam::111122223333:user/bob", bob.GetProperty("principalArn").GetString());
        Assert.Equal("Procure", bob.GetProperty("capability").GetString());
        Assert.Equal("Allowed", bob.GetProperty("decision").GetString());
        Assert.Equal(0, bob.GetProperty("conditions").GetArrayLength());
        Assert.StartsWith("user/bob is not authorized to procure", bob.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("Allow Dev<script>&Ops statement 0", Assert.Single(bob.GetProperty("evidence").EnumerateArray()).GetString());
        Assert.Equal("Revoke-MarketplaceAccess -UserName 'bob' -Rule 1", bob.GetProperty("recommendation").GetString());
        Assert.False(bob.GetProperty("suppressed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, bob.GetProperty("suppression").ValueKind);
        var location = bob.GetProperty("location");
        Assert.Equal("sample.json", location.GetProperty("file").GetString());
        Assert.True(location.GetProperty("line").GetInt32() > 1);
        Assert.Equal("$.UserDetailList[1]", location.GetProperty("jsonPath").GetString());
    }

    [Fact]
    public void JsonConditionalAndSuppressedFindings()
    {
        using var json = JsonDocument.Parse(Write(ReportFormat.Json));
        var findings = json.RootElement.GetProperty("audits")[0].GetProperty("findings").EnumerateArray().ToList();

        var cancel = findings.Single(f => f.GetProperty("ruleId").GetString() == "MG1002");
        Assert.Equal("ConditionallyAllowed", cancel.GetProperty("decision").GetString());
        Assert.Equal("only if aws:MultiFactorAuthPresent is true", Assert.Single(cancel.GetProperty("conditions").EnumerateArray()).GetString());

        var carol = findings.Single(f => f.GetProperty("ruleId").GetString() == "MG1005");
        Assert.True(carol.GetProperty("suppressed").GetBoolean());
        Assert.Equal("Billing reviews <quarterly> & signs off", carol.GetProperty("suppression").GetProperty("justification").GetString());
        Assert.Equal("2027-03-31", carol.GetProperty("suppression").GetProperty("expires").GetString());
    }

    [Fact]
    public void JsonHasTheWhoCanMatrix()
    {
        using var json = JsonDocument.Parse(Write(ReportFormat.Json));
        var matrix = json.RootElement.GetProperty("audits")[0].GetProperty("matrix").EnumerateArray().ToList();

        Assert.Equal(5 * Capabilities.All.Count, matrix.Count);
        var aliceProcure = matrix.Single(e => e.GetProperty("principal").GetString() == "user/alice" && e.GetProperty("capability").GetString() == "Procure");
        Assert.Equal("Allowed", aliceProcure.GetProperty("decision").GetString());
        Assert.Equal("arn:aws:iam::111122223333:user/alice", aliceProcure.GetProperty("arn").GetString());
        var deployer = matrix.Single(e => e.GetProperty("principal").GetString() == "role/deployer" && e.GetProperty("capability").GetString() == "Procure");
        Assert.Equal("ExplicitDeny", deployer.GetProperty("decision").GetString());
    }

    // ---- SARIF ----

    [Fact]
    public void SarifHasTheToolAndEveryRule()
    {
        using var sarif = JsonDocument.Parse(Write(ReportFormat.Sarif));
        var root = sarif.RootElement;

        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Equal("https://json.schemastore.org/sarif-2.1.0.json", root.GetProperty("$schema").GetString());
        var driver = Assert.Single(root.GetProperty("runs").EnumerateArray()).GetProperty("tool").GetProperty("driver");
        Assert.Equal("MarketplaceGuard", driver.GetProperty("name").GetString());
        Assert.False(driver.TryGetProperty("informationUri", out _));
        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(16, rules.Count); // MG1001–MG1007, MG2001–MG2005 and MG3001–MG3004
        Assert.Equal(AuditRules.All.Select(r => r.Id), rules.Select(r => r.GetProperty("id").GetString()));
        var mg1001 = rules[0];
        Assert.Equal("UnauthorizedProcurement", mg1001.GetProperty("name").GetString());
        Assert.Equal(AuditRules.UnauthorizedProcurement.Title, mg1001.GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.Equal(AuditRules.UnauthorizedProcurement.Description, mg1001.GetProperty("fullDescription").GetProperty("text").GetString());
        Assert.Equal("error", mg1001.GetProperty("defaultConfiguration").GetProperty("level").GetString());
        Assert.Equal("note", rules[4].GetProperty("defaultConfiguration").GetProperty("level").GetString());
        Assert.Equal("warning", rules[5].GetProperty("defaultConfiguration").GetProperty("level").GetString());
        Assert.False(string.IsNullOrEmpty(mg1001.GetProperty("help").GetProperty("text").GetString()));
    }

    [Fact]
    public void SarifResultPointsAtTheRuleTheFileAndThePrincipal()
    {
        var run = ReportFixture.Audit();
        var finding = run.Findings.Single(f => f.RuleId == "MG1002");
        using var sarif = JsonDocument.Parse(Write(run.Findings, ReportFormat.Sarif));
        var results = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();

        Assert.Equal(5, results.Count);
        var result = results.Single(r => r.GetProperty("ruleId").GetString() == "MG1002");
        Assert.Equal(1, result.GetProperty("ruleIndex").GetInt32());
        Assert.Equal("warning", result.GetProperty("level").GetString());
        Assert.Equal(finding.Reason + " Fix: Revoke-MarketplaceAccess -UserName 'bob' -Rule 1", result.GetProperty("message").GetProperty("text").GetString());
        var location = Assert.Single(result.GetProperty("locations").EnumerateArray());
        var physical = location.GetProperty("physicalLocation");
        Assert.Equal("sample.json", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(finding.Line, physical.GetProperty("region").GetProperty("startLine").GetInt32());
        var logical = Assert.Single(location.GetProperty("logicalLocations").EnumerateArray());
        Assert.Equal("arn:aws:iam::111122223333:user/bob", logical.GetProperty("fullyQualifiedName").GetString());
        Assert.Equal("object", logical.GetProperty("kind").GetString());
        Assert.Equal(0, result.GetProperty("suppressions").GetArrayLength());
        var properties = result.GetProperty("properties");
        Assert.Equal("user/bob", properties.GetProperty("principal").GetString());
        Assert.Equal("Cancel", properties.GetProperty("capability").GetString());
        Assert.Equal("ConditionallyAllowed", properties.GetProperty("decision").GetString());
        Assert.Equal("Revoke-MarketplaceAccess -UserName 'bob' -Rule 1", properties.GetProperty("recommendation").GetString());
    }

    [Fact]
    public void SarifSuppressedResultCarriesTheJustification()
    {
        using var sarif = JsonDocument.Parse(Write(ReportFormat.Sarif));
        var result = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Single(r => r.GetProperty("ruleId").GetString() == "MG1005");

        Assert.Equal(4, result.GetProperty("ruleIndex").GetInt32());
        Assert.Equal("note", result.GetProperty("level").GetString());
        var suppression = Assert.Single(result.GetProperty("suppressions").EnumerateArray());
        Assert.Equal("external", suppression.GetProperty("kind").GetString());
        Assert.Equal("Billing reviews <quarterly> & signs off", suppression.GetProperty("justification").GetString());
    }

    [Fact]
    public void SarifUsesAFileUriOutsideTheBaseDirectory()
    {
        var root = Path.GetPathRoot(Path.GetTempPath())!;
        var checkout = Path.Combine(root, "work", "checkout");
        var outside = Path.Combine(root, "snapshots outside", "account.json");

        var uri = SarifReportWriter.ArtifactUri(outside, checkout);

        Assert.StartsWith("file:///", uri, StringComparison.Ordinal);
        Assert.EndsWith("/snapshots%20outside/account.json", uri, StringComparison.Ordinal);
        Assert.Equal("sub/dir/account.json", SarifReportWriter.ArtifactUri(Path.Combine(checkout, "sub", "dir", "account.json"), checkout));
    }

    [Fact]
    public void SarifPathsAreRelativeToTheGivenBaseDirectoryNotTheProcess()
    {
        // The cmdlet passes PowerShell's current location, which need not be the process's current directory.
        var root = Path.GetPathRoot(Path.GetTempPath())!;
        var location = Path.Combine(root, "somewhere", "else");
        var run = ReportFixture.Audit(source: Path.Combine(location, "snapshots", "sample.json"));
        using var output = new StringWriter { NewLine = "\n" };
        AuditReportWriter.Write(run, ReportFormat.Sarif, output, ReportFixture.GeneratedAt, location);

        using var sarif = JsonDocument.Parse(output.ToString());
        var uris = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Select(r => r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString())
            .Distinct();
        Assert.Equal(["snapshots/sample.json"], uris);
    }

    [Fact]
    public void SarifWithoutABaseDirectoryUsesAbsoluteFileUris()
    {
        var run = ReportFixture.Audit(source: Path.Combine(Environment.CurrentDirectory, "sample.json"));
        using var output = new StringWriter { NewLine = "\n" };
        AuditReportWriter.Write(run, ReportFormat.Sarif, output, ReportFixture.GeneratedAt);

        Assert.Contains("\"uri\": \"file:///", output.ToString(), StringComparison.Ordinal);
    }

    // ---- JUnit ----

    [Fact]
    public void JUnitHasOneCasePerRuleAndPrincipal()
    {
        var text = Write(ReportFormat.JUnit);
        var xml = XDocument.Parse(text);

        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", text, StringComparison.Ordinal);
        var suite = Assert.Single(xml.Root!.Elements("testsuite"));
        Assert.Equal("MarketplaceGuard least privilege", (string?)suite.Attribute("name"));
        Assert.Equal(16 * 5, (int)suite.Attribute("tests")!); // 16 rules, 5 principals
        Assert.Equal(16 * 5, suite.Elements("testcase").Count());
        Assert.Equal(3, (int)suite.Attribute("failures")!); // bob MG1001, bob MG1002, dave MG1004 (two findings, one case)
        Assert.Equal(1, (int)suite.Attribute("skipped")!);
        Assert.Equal("2026-11-27T12:00:00", (string?)suite.Attribute("timestamp"));
        Assert.Equal(3, suite.Descendants("failure").Count());
        Assert.Equal(80, (int)xml.Root.Attribute("tests")!);
    }

    [Fact]
    public void JUnitFailureNamesTheRuleThePrincipalAndTheFix()
    {
        var xml = XDocument.Parse(Write(ReportFormat.JUnit));

        var failed = xml.Descendants("testcase").Single(c => (string?)c.Attribute("classname") == "MG1001 UnauthorizedProcurement" && c.Element("failure") is not null);
        Assert.Equal("user/bob", (string?)failed.Attribute("name"));
        var failure = failed.Element("failure")!;
        Assert.StartsWith("user/bob is not authorized to procure", (string?)failure.Attribute("message"), StringComparison.Ordinal);
        Assert.Contains("Allow Dev<script>&Ops statement 0", failure.Value, StringComparison.Ordinal);
        Assert.Contains("Fix: Revoke-MarketplaceAccess -UserName 'bob' -Rule 1", failure.Value, StringComparison.Ordinal);

        var dave = xml.Descendants("testcase").Single(c => (string?)c.Attribute("classname") == "MG1004 ViewerMisconfigured" && (string?)c.Attribute("name") == "user/dave");
        var both = Assert.Single(dave.Elements("failure"));
        Assert.StartsWith("2 findings:", (string?)both.Attribute("message"), StringComparison.Ordinal);
        Assert.Contains("can procure", both.Value, StringComparison.Ordinal);
        Assert.Contains("can cancel", both.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void JUnitSkipsSuppressedAndPassesClean()
    {
        var xml = XDocument.Parse(Write(ReportFormat.JUnit));
        XElement Case(string classname, string name) =>
            xml.Descendants("testcase").Single(c => (string?)c.Attribute("classname") == classname && (string?)c.Attribute("name") == name);

        var skipped = Case("MG1005 OnlyImplicitlyDenied", "user/carol").Element("skipped");
        Assert.Equal("suppressed: Billing reviews <quarterly> & signs off (until 2027-03-31)", (string?)skipped!.Attribute("message"));
        Assert.Empty(Case("MG1003 ProcurementLockedOut", "user/alice").Elements());
        Assert.Empty(Case("MG1001 UnauthorizedProcurement", "role/deployer").Elements());
    }

    // ---- Markdown ----

    [Fact]
    public void MarkdownHasTheSummaryAndTheMatrix()
    {
        var markdown = Write(ReportFormat.Markdown);

        Assert.Contains("Source: `sample.json`", markdown, StringComparison.Ordinal);
        Assert.Contains("Generated: 2026-11-27 12:00 UTC", markdown, StringComparison.Ordinal);
        Assert.Contains("**Verdict: failed, 4 findings to fix**", markdown, StringComparison.Ordinal);
        Assert.Contains("| High | 3 |\n| Medium | 1 |\n| Low | 0 |\n| Suppressed | 1 |\n| Principals audited | 5 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Principal | Role | Procure | Cancel | ViewSubscriptions | ManagePrivateMarketplace | LaunchPaidAmi | ReplicatePaidAmi | SharePaidAmi | DistributeLicenses | ShareThroughServiceCatalog | BedrockAutoSubscribe |\n|---|---|---|---|---|---|---|---|---|---|---|---|", markdown, StringComparison.Ordinal);
        Assert.Contains("| user/alice | Procurement | Allowed | Allowed | Allowed | Allowed | Denied (implicit) | Denied (implicit) | Denied (implicit) | Denied (implicit) | Denied (implicit) | Denied (implicit) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| user/bob | Other | Allowed | Conditional | Denied (implicit) | Denied (implicit) | Denied (implicit) | Denied (implicit) | Denied (implicit) | Denied (implicit) | Denied (implicit) | Denied (implicit) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| role/deployer | Other | Denied (explicit) | Denied (explicit) | Denied (explicit) | Denied (explicit) | Denied (implicit) | Denied (implicit) | Denied (implicit) | Denied (implicit) | Denied (implicit) | Denied (explicit) |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void MarkdownListsFindingsBySeverityWithTheFixAsCode()
    {
        var markdown = Write(ReportFormat.Markdown);

        var high = markdown.IndexOf("### High", StringComparison.Ordinal);
        var medium = markdown.IndexOf("### Medium", StringComparison.Ordinal);
        var suppressed = markdown.IndexOf("### Suppressed", StringComparison.Ordinal);
        Assert.True(high > 0 && medium > high && suppressed > medium);
        Assert.DoesNotContain("### Low", markdown, StringComparison.Ordinal); // the only Low finding is suppressed
        Assert.Matches(new Regex(@"^- \*\*MG1001\*\* `user/bob`: user/bob is not authorized to procure", RegexOptions.Multiline), markdown);

        // Markdown-active characters from the account are escaped, so a policy name cannot inject a tag.
        Assert.Contains("  - Allow Dev\\<script\\>\\&Ops statement 0\n  - Cause: policy arn:aws:iam::111122223333:policy/DevOps attached to user/bob\n  - Fix: `Revoke-MarketplaceAccess -UserName 'bob' -Rule 1`", markdown, StringComparison.Ordinal);
        Assert.Contains("  - suppressed: Billing reviews \\<quarterly\\> \\& signs off (until 2027-03-31)", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", markdown, StringComparison.Ordinal);
    }

    // ---- HTML ----

    [Fact]
    public void HtmlShowsTheVerdictCardsAndMatrix()
    {
        var html = Write(ReportFormat.Html);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<header class=\"verdict failed\">", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"result\">Failed, 4 findings to fix</p>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"n\">3</span>High severity", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"n\">5</span>Principals audited", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">user/alice</th><td>Procurement</td><td class=\"d-allowed\">Allowed</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"d-allowed flagged\">Allowed</td>", html, StringComparison.Ordinal); // bob's Procure
        Assert.Contains("<td class=\"d-conditional flagged\" title=\"only if aws:MultiFactorAuthPresent is true\">Conditional</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"d-explicit\">Denied (explicit)</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlEncodesEveryValueAndLoadsNothing()
    {
        var html = Write(ReportFormat.Html);

        Assert.Contains("Allow Dev&lt;script&gt;&amp;Ops statement 0", html, StringComparison.Ordinal);
        Assert.Contains("<td>Billing reviews &lt;quarterly&gt; &amp; signs off</td><td>2027-03-31</td>", html, StringComparison.Ordinal);
        Assert.Contains("<code>Revoke-MarketplaceAccess -UserName &#39;bob&#39; -Rule 1</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlIsBalanced()
    {
        var html = Write(ReportFormat.Html);

        foreach (var tag in new[] { "html", "head", "body", "section", "header", "table", "thead", "tbody", "tr", "td", "th", "ul", "li", "code", "p", "div", "span", "h1", "h2", "style", "title", "small" })
        {
            var opened = Regex.Count(html, $"<{tag}[ >]");
            var closed = Regex.Count(html, $"</{tag}>");
            Assert.True(opened == closed, $"<{tag}> opened {opened} times, closed {closed}");
        }

        // No raw '<' or '&' outside markup: every '<' starts a tag and every '&' an entity.
        Assert.DoesNotMatch(new Regex("<(?![/!a-z])"), html);
        Assert.DoesNotMatch(new Regex("&(?!(#[0-9]+|[a-z]+);)"), html);
    }

    [Fact]
    public void HtmlListsSuppressedFindingsApart()
    {
        var html = Write(ReportFormat.Html);

        var open = html.IndexOf("<h2>Findings to fix</h2>", StringComparison.Ordinal);
        var suppressed = html.IndexOf("<h2>Suppressed findings</h2>", StringComparison.Ordinal);
        Assert.True(open > 0 && suppressed > open);
        Assert.DoesNotContain("user/carol", html[open..suppressed], StringComparison.Ordinal);
        Assert.Contains("user/carol", html[suppressed..], StringComparison.Ordinal);
    }

    // ---- All formats ----

    [Theory]
    [InlineData(ReportFormat.Json)]
    [InlineData(ReportFormat.Sarif)]
    [InlineData(ReportFormat.JUnit)]
    [InlineData(ReportFormat.Markdown)]
    [InlineData(ReportFormat.Html)]
    public void SameInputAndTimeGiveTheSameBytes(ReportFormat format)
    {
        // Two independent audits: nothing that differs between runs (ordering, and start time but where said) may reach
        // the report.
        var first = Write(ReportFixture.Audit().Findings, format);
        var second = Write(ReportFixture.Audit().Findings, format);

        // Only the JSON report names its run (runId) and when it started (startedAt): it is also the format audits are
        // read back from (Import-MarketplaceAuditReport), where the id tells a run given twice from two runs.
        if (format == ReportFormat.Json)
        {
            var identity = new Regex("\"(runId|startedAt)\": \"[^\"]+\"");
            Assert.Equal(2, identity.Count(first));
            first = identity.Replace(first, "\"$1\": \"\"");
            second = identity.Replace(second, "\"$1\": \"\"");
        }

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(ReportFormat.Json, ".json")]
    [InlineData(ReportFormat.Sarif, ".sarif")]
    [InlineData(ReportFormat.JUnit, ".xml")]
    [InlineData(ReportFormat.Markdown, ".md")]
    [InlineData(ReportFormat.Html, ".html")]
    public void FileExtensions(ReportFormat format, string extension) =>
        Assert.Equal(extension, AuditReportWriter.FileExtension(format));

    [Fact]
    public void RunWithoutFindingsPasses()
    {
        const string clean = """
            { "UserDetailList": [ { "UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice", "GroupList": ["Procurement"] } ],
              "GroupDetailList": [ { "GroupName": "Procurement", "Arn": "arn:aws:iam::111122223333:group/Procurement",
                "GroupPolicyList": [ { "PolicyName": "Buy", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
                  { "Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*" } ] } } ] } ] }
            """;
        var run = ReportFixture.Audit(clean, "clean.json");
        Assert.Empty(run.Findings);

        using var jsonText = new StringWriter();
        AuditReportWriter.Write(run, ReportFormat.Json, jsonText, ReportFixture.GeneratedAt);
        using var json = JsonDocument.Parse(jsonText.ToString());
        Assert.True(json.RootElement.GetProperty("audits")[0].GetProperty("summary").GetProperty("passed").GetBoolean());
        Assert.Equal(1, json.RootElement.GetProperty("audits")[0].GetProperty("summary").GetProperty("principals").GetInt32());
        Assert.Equal(Capabilities.All.Count, json.RootElement.GetProperty("audits")[0].GetProperty("matrix").GetArrayLength());

        using var junitText = new StringWriter();
        AuditReportWriter.Write(run, ReportFormat.JUnit, junitText, ReportFixture.GeneratedAt);
        var suite = XDocument.Parse(junitText.ToString()).Root!.Element("testsuite")!;
        Assert.Equal(16, (int)suite.Attribute("tests")!); // one case per rule for the one principal
        Assert.Equal(0, (int)suite.Attribute("failures")!);

        using var htmlText = new StringWriter();
        AuditReportWriter.Write(run, ReportFormat.Html, htmlText, ReportFixture.GeneratedAt);
        Assert.Contains("<p class=\"result\">Passed</p>", htmlText.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReportFormat.Json)]
    [InlineData(ReportFormat.Sarif)]
    [InlineData(ReportFormat.JUnit)]
    [InlineData(ReportFormat.Markdown)]
    [InlineData(ReportFormat.Html)]
    public void NothingToReportIsAnErrorNotAPassedReport(ReportFormat format)
    {
        using var output = new StringWriter();

        Assert.Throws<ArgumentException>(() => AuditReportWriter.Write([], format, output, ReportFixture.GeneratedAt));
        Assert.Throws<ArgumentException>(() => AuditReportWriter.Write([], [], format, output, ReportFixture.GeneratedAt));
        Assert.Equal(string.Empty, output.ToString());
    }

    [Fact]
    public void FindingsOfTwoRunsGiveTwoReports()
    {
        var findings = ReportFixture.Audit().Findings.Concat(ReportFixture.Audit(source: "other.json").Findings).ToList();

        using var json = JsonDocument.Parse(Write(findings, ReportFormat.Json));
        Assert.Equal(["sample.json", "other.json"], json.RootElement.GetProperty("audits").EnumerateArray().Select(r => r.GetProperty("source").GetString()));

        using var sarif = JsonDocument.Parse(Write(findings, ReportFormat.Sarif));
        Assert.Equal(2, sarif.RootElement.GetProperty("runs").GetArrayLength());

        // A suite per run, named by account and (the same account twice) source, after the suite of the accounts.
        var suites = XDocument.Parse(Write(findings, ReportFormat.JUnit)).Root!.Elements("testsuite").ToList();
        Assert.Equal(
            ["MarketplaceGuard accounts", "MarketplaceGuard least privilege: 111122223333 (sample.json)", "MarketplaceGuard least privilege: 111122223333 (other.json)"],
            suites.Select(s => (string?)s.Attribute("name")));
        Assert.Equal(160, suites.Skip(1).Sum(s => (int)s.Attribute("tests")!));
        Assert.Equal(2, (int)suites[0].Attribute("tests")!);
    }

    [Fact]
    public void FilteredFindingsKeepTheRunsMatrixButCountOnlyWhatIsReported()
    {
        var high = ReportFixture.Audit().Findings.Where(f => f.Severity == Severity.High);

        using var json = JsonDocument.Parse(Write(high, ReportFormat.Json));
        var summary = json.RootElement.GetProperty("audits")[0].GetProperty("summary");
        Assert.Equal(3, summary.GetProperty("findings").GetInt32());
        Assert.Equal(0, summary.GetProperty("suppressed").GetInt32());
        Assert.Equal(5, summary.GetProperty("principals").GetInt32());
        Assert.Equal(5 * Capabilities.All.Count, json.RootElement.GetProperty("audits")[0].GetProperty("matrix").GetArrayLength());
    }
}
