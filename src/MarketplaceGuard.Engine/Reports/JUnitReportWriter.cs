using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// JUnit XML for CI: one test case per rule and audited principal, so a clean principal shows up as passed and a
/// dashboard counts the checks, not only the failures. A case fails when the rule has an unsuppressed finding for the
/// principal, and is skipped when every finding for it is suppressed. One test suite per audit run; a report of an
/// organization (or of several runs) names each suite after its account and adds first a suite with one case per
/// account, which errors for an account that was not audited, so CI never shows green for an organization it did not
/// see whole.
/// </summary>
internal static class JUnitReportWriter
{
    public const string SuiteName = "MarketplaceGuard least privilege";

    /// <summary>The suite of the organization summary: was every account audited.</summary>
    public const string AccountsSuiteName = "MarketplaceGuard accounts";

    public static void Write(Report report, TextWriter output)
    {
        var suites = report.Runs.Select(run => BuildSuite(report, run)).ToList();
        var accounts = report.Organization;
        var settings = new XmlWriterSettings
        {
            Indent = true,
            NewLineChars = Report.NewLine(output),
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };

        // Written to UTF-8 bytes first: an XmlWriter over a TextWriter declares the writer's encoding (UTF-16 for a
        // StringWriter), and the file is meant to be UTF-8.
        using var bytes = new MemoryStream();
        using (var xml = XmlWriter.Create(bytes, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", Report.ToolName);
            WriteCounts(
                xml,
                suites.Sum(s => s.Total) + (accounts?.Accounts.Count ?? 0),
                suites.Sum(s => s.Failures),
                accounts?.NotAudited.Count ?? 0,
                suites.Sum(s => s.Skipped));
            if (accounts is not null)
            {
                WriteAccountsSuite(xml, report, accounts);
            }

            foreach (var suite in suites)
            {
                WriteSuite(xml, report, suite);
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        output.Write(Encoding.UTF8.GetString(bytes.ToArray()));
        output.Write(settings.NewLineChars);
    }

    private static Suite BuildSuite(Report report, RunReport run)
    {
        var cases = new List<TestCase>();
        var byCase = run.Findings.ToLookup(f => (f.Rule, f.Principal));
        if (run.Principals is { } principals)
        {
            foreach (var rule in AuditRules.All)
            {
                foreach (var principal in principals)
                {
                    cases.Add(new TestCase(rule, principal, byCase[(rule, principal)].ToList()));
                }
            }
        }
        else
        {
            // A run restored from serialization knows how many principals it audited, not which: the findings become
            // test cases, and each rule without any finding one passed case for every principal.
            cases.AddRange(byCase.Select(g => new TestCase(g.Key.Rule, g.Key.Principal, g.ToList())));
            var passed = string.Create(CultureInfo.InvariantCulture, $"every principal ({run.PrincipalCount})");
            cases.AddRange(AuditRules.All.Where(r => !run.Findings.Any(f => f.Rule == r)).Select(r => new TestCase(r, passed, [])));
        }

        return new Suite(SuiteNameOf(report, run), run, cases);
    }

    /// <summary>
    /// One run alone is "MarketplaceGuard least privilege"; among several, each suite names its account ("...: prod
    /// (111122223333)"), and its source when the same account was audited twice, so a CI dashboard tells them apart.
    /// </summary>
    private static string SuiteNameOf(Report report, RunReport run)
    {
        if (report.Organization is null)
        {
            return SuiteName;
        }

        var account = ReportText.Account(run.Run.AccountId, run.Run.AccountName);
        var twice = report.Runs.Count(r => ReportText.Account(r.Run.AccountId, r.Run.AccountName) == account) > 1;
        return twice ? $"{SuiteName}: {account} ({run.Source})" : $"{SuiteName}: {account}";
    }

    /// <summary>
    /// The organization summary as a suite: its context as properties, one case per account that errors when the account
    /// was not audited (its findings are in its own suite, so they are not counted twice), and the summary in system-out.
    /// </summary>
    private static void WriteAccountsSuite(XmlWriter xml, Report report, OrganizationSummary organization)
    {
        var scope = organization.Scope;
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", Clean(scope?.OrganizationId is { } id ? $"{AccountsSuiteName} of {id}" : AccountsSuiteName));
        WriteCounts(xml, organization.Accounts.Count, 0, organization.NotAudited.Count, 0);
        xml.WriteAttributeString("timestamp", report.GeneratedAt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        xml.WriteStartElement("properties");
        if (scope is not null)
        {
            WriteProperty(xml, "organization", ReportText.Organization(scope));
            WriteProperty(xml, "serviceControlPolicies", ReportText.OrganizationServiceControlPolicies(scope));
        }

        WriteProperty(xml, "accountsRequested", ReportText.Number(organization.AccountsRequested));
        WriteProperty(xml, "accountsAudited", ReportText.Number(organization.AccountsAudited));
        WriteProperty(xml, "accountsNotAudited", ReportText.Number(organization.NotAudited.Count));
        WriteProperty(xml, "verdict", ReportText.Headline(organization));
        WriteProperty(xml, "tool", $"{Report.ToolName} {Report.ToolVersion}");
        xml.WriteEndElement();

        foreach (var account in organization.Accounts)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", "Account audited");
            xml.WriteAttributeString("name", Clean(account.Label));
            if (account.Run is null)
            {
                xml.WriteStartElement("error");
                xml.WriteAttributeString("type", "AccountNotAudited");
                xml.WriteAttributeString("message", Clean(account.NotAuditedReason ?? string.Empty));
                xml.WriteString(Clean($"{account.Label} was not audited: {account.NotAuditedReason}. What it holds is unknown, so the organization cannot pass."));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        xml.WriteStartElement("system-out");
        xml.WriteString(Clean(SummaryText(organization)));
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    /// <summary>The verdict, the SCP warning, the totals and one line per account, where CI systems show a suite's log.</summary>
    private static string SummaryText(OrganizationSummary organization)
    {
        var text = new StringBuilder();
        text.Append(ReportText.Headline(organization)).Append('\n');
        if (ReportText.ServiceControlPolicyWarning(organization) is { } warning)
        {
            text.Append("Warning: ").Append(warning).Append('\n');
        }

        text.Append("Accounts: ").Append(ReportText.Totals(organization));
        foreach (var account in organization.Accounts)
        {
            text.Append("\n  ").Append(account.Label);
            if (account.OrganizationPath is { } path)
            {
                text.Append(" [").Append(path).Append(']');
            }

            text.Append(": ").Append(account.Verdict);
            if (account.Run is { } run)
            {
                if (run.OpenByRule.Count > 0)
                {
                    text.Append(" (").AppendJoin(", ", run.OpenByRule.Select(r => $"{r.Key}: {ReportText.Number(r.Value)}")).Append(')');
                }

                text.Append("; SCPs ").Append(ReportText.ServiceControlPolicyLine(run.Run));
            }
        }

        return text.ToString();
    }

    private static void WriteSuite(XmlWriter xml, Report report, Suite suite)
    {
        var run = suite.Run.Run;
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", Clean(suite.Name));
        WriteCounts(xml, suite.Total, suite.Failures, 0, suite.Skipped);
        xml.WriteAttributeString("timestamp", report.GeneratedAt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        xml.WriteStartElement("properties");
        WriteProperty(xml, "source", run.Source);
        WriteProperty(xml, "accountId", run.AccountId ?? string.Empty);
        if (run.AccountName is not null)
        {
            WriteProperty(xml, "accountName", run.AccountName);
        }

        if (run.OrganizationPath is not null)
        {
            WriteProperty(xml, "organizationPath", run.OrganizationPath);
        }

        WriteProperty(xml, "serviceControlPolicies", ReportText.ServiceControlPolicies(run));
        WriteProperty(xml, "relevantServiceControlPolicies", ReportText.RelevantServiceControlPolicies(run));
        WriteProperty(xml, "procurementPrincipals", ReportText.Principals(run.DeclaredProcurementPrincipals, run.ProcurementPrincipals));
        WriteProperty(xml, "viewerPrincipals", ReportText.Principals(run.DeclaredViewerPrincipals, run.ViewerPrincipals));
        WriteProperty(xml, "launcherPrincipals", ReportText.Principals(run.DeclaredLauncherPrincipals, run.LauncherPrincipals));
        WriteProperty(xml, "governancePrincipals", ReportText.Principals(run.DeclaredGovernancePrincipals, run.GovernancePrincipals));
        WriteProperty(xml, "suppressionFile", ReportText.SuppressionFile(run));
        WriteProperty(xml, "expiredSuppressions", ReportText.Expired(run));
        WriteProperty(xml, "incomplete", run.Incomplete ? "true" : "false");
        WriteProperty(xml, "principals", ReportText.Number(suite.Run.PrincipalCount));
        WriteProperty(xml, "tool", $"{Report.ToolName} {Report.ToolVersion}");
        xml.WriteEndElement();

        foreach (var test in suite.Cases)
        {
            WriteCase(xml, test);
        }

        if (run.Incomplete)
        {
            // A CI dashboard must not show green for an audit that could not see the whole account.
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", "Snapshot");
            xml.WriteAttributeString("name", "the snapshot holds the whole account");
            xml.WriteStartElement("failure");
            xml.WriteAttributeString("type", "SnapshotIncomplete");
            xml.WriteAttributeString("message", ReportText.IncompleteWarning);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        if (run.ServiceControlPoliciesUnknown)
        {
            // Nor for an account whose organization's SCPs could not be read: one may lock out its procurement team.
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", "ServiceControlPolicies");
            xml.WriteAttributeString("name", "the organization's service control policies were considered");
            xml.WriteStartElement("failure");
            xml.WriteAttributeString("type", "ServiceControlPoliciesNotConsidered");
            xml.WriteAttributeString("message", run.ServiceControlPolicies.Summary);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        // The fix plan, where CI systems show a suite's log: one line per command, group-level fixes first.
        xml.WriteStartElement("system-out");
        xml.WriteString(Clean(FixPlanText(suite.Run)));
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static string FixPlanText(RunReport run)
    {
        var text = new StringBuilder();
        if (run.Run.Incomplete)
        {
            text.Append(ReportText.IncompleteWarning).Append('\n');
        }

        if (run.FixPlan.Count == 0)
        {
            text.Append("Fix plan: nothing to fix.");
            return text.ToString();
        }

        text.Append("Fix plan:");
        foreach (var item in run.FixPlan)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  {item.Command}    # {item.Fixes}; cause: {item.Cause}");
        }

        return text.ToString();
    }

    private static void WriteCase(XmlWriter xml, TestCase test)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("classname", $"{test.Rule.Id} {test.Rule.Name}");
        xml.WriteAttributeString("name", Clean(test.Principal));
        var open = test.Findings.Where(f => !f.Suppressed).ToList();
        if (open.Count > 0)
        {
            xml.WriteStartElement("failure");
            var message = open.Count == 1
                ? open[0].Reason
                : string.Create(CultureInfo.InvariantCulture, $"{open.Count} findings: {string.Join(" | ", open.Select(f => f.Reason))}");
            xml.WriteAttributeString("message", Clean(message));
            xml.WriteAttributeString("type", open.Max(f => f.Severity).ToString());
            xml.WriteString(Clean(string.Join("\n\n", open.Select(Details))));
            xml.WriteEndElement();
        }
        else if (test.Findings.Count > 0)
        {
            xml.WriteStartElement("skipped");
            var notes = test.Findings.Select(f => ReportText.SuppressionNote(f.Suppression!)).Distinct();
            xml.WriteAttributeString("message", Clean(string.Join("; ", notes)));
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    /// <summary>What a CI log shows under the failure: the reason, the statements behind it, and the fix.</summary>
    private static string Details(Finding finding)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"[{finding.Severity}] {finding.Reason}\n");
        if (finding.EvidenceText.Count > 0)
        {
            text.Append("Evidence:\n");
            foreach (var evidence in finding.EvidenceText)
            {
                text.Append(CultureInfo.InvariantCulture, $"  - {evidence}\n");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"Cause: {finding.Cause}\n");
        text.Append(CultureInfo.InvariantCulture, $"Fix: {finding.Recommendation}\n");
        text.Append(CultureInfo.InvariantCulture, $"Location: {finding.SourceFile}:{finding.Line} ({finding.JsonPath})");
        return text.ToString();
    }

    private static void WriteCounts(XmlWriter xml, int tests, int failures, int errors, int skipped)
    {
        xml.WriteAttributeString("tests", ReportText.Number(tests));
        xml.WriteAttributeString("failures", ReportText.Number(failures));
        xml.WriteAttributeString("errors", ReportText.Number(errors));
        xml.WriteAttributeString("skipped", ReportText.Number(skipped));
    }

    private static void WriteProperty(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", Clean(value));
        xml.WriteEndElement();
    }

    /// <summary>
    /// Drops characters XML 1.0 cannot carry (control characters a policy name or tag might hold), which would
    /// otherwise make XmlWriter throw and lose the whole report.
    /// </summary>
    private static string Clean(string text)
    {
        if (text.All(c => XmlConvert.IsXmlChar(c) || char.IsSurrogate(c)))
        {
            return text;
        }

        return new string(text.Where(c => XmlConvert.IsXmlChar(c) || char.IsSurrogate(c)).ToArray());
    }

    private sealed record TestCase(AuditRule Rule, string Principal, IReadOnlyList<Finding> Findings);

    private sealed record Suite(string Name, RunReport Run, IReadOnlyList<TestCase> Cases)
    {
        private int IncompleteCase => (Run.Run.Incomplete ? 1 : 0) + (Run.Run.ServiceControlPoliciesUnknown ? 1 : 0);

        public int Total => Cases.Count + IncompleteCase;

        public int Failures => Cases.Count(c => c.Findings.Any(f => !f.Suppressed)) + IncompleteCase;

        public int Skipped => Cases.Count(c => c.Findings.Count > 0 && c.Findings.All(f => f.Suppressed));
    }
}
