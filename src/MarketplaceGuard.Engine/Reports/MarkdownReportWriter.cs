using System;
using System.IO;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// GitHub-flavoured Markdown for a pull request or a wiki: summary, who-can matrix, then the findings by severity.
/// A report of an organization (or of several runs) opens with the verdict of the whole and a table of every account,
/// linked to one such section per account.
/// </summary>
internal static class MarkdownReportWriter
{
    public static void Write(Report report, TextWriter output)
    {
        if (report.Organization is not { } organization)
        {
            WriteRun(report, report.Runs[0], output, null);
            return;
        }

        WriteOrganization(report, organization, output);
        foreach (var run in report.Runs)
        {
            output.WriteLine();
            WriteRun(report, run, output, organization);
        }
    }

    private static void WriteOrganization(Report report, OrganizationSummary organization, TextWriter output)
    {
        output.WriteLine("# MarketplaceGuard least-privilege report");
        output.WriteLine();
        if (organization.Scope is { } scope)
        {
            output.WriteLine($"Organization: {Text(ReportText.Organization(scope))}  ");
            output.WriteLine($"Service control policies: {Text(ReportText.OrganizationServiceControlPolicies(scope))}  ");
        }

        output.WriteLine($"Accounts: {Text(ReportText.Totals(organization))}  ");
        output.WriteLine($"Generated: {report.GeneratedAtDisplay} by {Report.ToolName} {Report.ToolVersion}");
        output.WriteLine();
        // Lower case as a run's verdict is, but not the account names the headline may hold.
        var headline = ReportText.Headline(organization);
        output.WriteLine($"**Verdict: {Text(char.ToLowerInvariant(headline[0]) + headline[1..])}**");
        output.WriteLine();
        if (ReportText.ServiceControlPolicyWarning(organization) is { } warning)
        {
            output.WriteLine($"> **Warning:** {Text(warning)}");
            output.WriteLine();
        }

        output.WriteLine("## Accounts");
        output.WriteLine();
        output.WriteLine("| Account | OU path | Verdict | High | Medium | Low | Suppressed | Open by rule | Service control policies | Relevant SCPs |");
        output.WriteLine("|---|---|---|---:|---:|---:|---:|---|---|---|");
        foreach (var account in organization.Accounts)
        {
            var name = account.Anchor is null ? Text(account.Label) : $"[{Text(account.Label)}](#{account.Anchor})";
            var path = Text(account.OrganizationPath ?? string.Empty);
            if (account.Run is not { } run)
            {
                output.WriteLine($"| {name} | {path} | {Text(account.Verdict)} | | | | | | | |");
                continue;
            }

            var counts = string.Join(" | ", ReportText.Severities.Select(s => ReportText.Number(run.OpenCount(s))));
            var byRule = string.Join(", ", run.OpenByRule.Select(r => $"{r.Key}: {ReportText.Number(r.Value)}"));
            output.WriteLine($"| {name} | {path} | {Text(account.Verdict)} | {counts} | {ReportText.Number(run.SuppressedCount)} | {byRule} | {Text(ReportText.ServiceControlPolicies(run.Run))} | {Text(ReportText.RelevantServiceControlPolicies(run.Run))} |");
        }
    }

    /// <summary>
    /// One run: on its own (<paramref name="organization"/> null) a whole document as before organizations; in an
    /// organization report a section under the account's heading, its headings one level down, with an anchor the
    /// summary table links to.
    /// </summary>
    private static void WriteRun(Report report, RunReport run, TextWriter output, OrganizationSummary? organization)
    {
        var audit = run.Run;
        var level = organization is null ? 1 : 2;
        if (organization is null)
        {
            output.WriteLine("# MarketplaceGuard least-privilege report");
        }
        else
        {
            // The anchor is made of letters, digits and '-' only (see OrganizationSummary), so it is safe as markup.
            output.WriteLine($"<a id=\"{organization.AnchorOf(run)}\"></a>");
            output.WriteLine();
            output.WriteLine($"## {Text(ReportText.AccountHeading(audit))}");
        }

        output.WriteLine();
        output.WriteLine($"Account: {(audit.AccountId is null ? "unknown" : Code(audit.AccountId))}  ");
        output.WriteLine($"Source: {Code(run.Source)}  ");
        output.WriteLine($"Procurement principals: {Text(ReportText.Principals(audit.DeclaredProcurementPrincipals, audit.ProcurementPrincipals))}  ");
        output.WriteLine($"Viewer principals: {Text(ReportText.Principals(audit.DeclaredViewerPrincipals, audit.ViewerPrincipals))}  ");
        output.WriteLine($"Launcher principals: {Text(ReportText.Principals(audit.DeclaredLauncherPrincipals, audit.LauncherPrincipals))}  ");
        output.WriteLine($"Governance principals: {Text(ReportText.Principals(audit.DeclaredGovernancePrincipals, audit.GovernancePrincipals))}  ");
        output.WriteLine($"Suppression file: {(audit.SuppressionPath is null ? "none" : Code(audit.SuppressionPath))}  ");
        output.WriteLine($"Expired suppressions: {Text(ReportText.Expired(audit))}  ");
        output.WriteLine($"Snapshot: {(audit.Incomplete ? "**incomplete**" : "complete")}  ");
        if (organization is null)
        {
            output.WriteLine($"Service control policies: {Text(ReportText.ServiceControlPolicyLine(audit))}  ");
            output.WriteLine($"Generated: {report.GeneratedAtDisplay} by {Report.ToolName} {Report.ToolVersion}");
        }
        else
        {
            output.WriteLine($"Service control policies: {Text(ReportText.ServiceControlPolicyLine(audit))}");
        }

        output.WriteLine();
        output.WriteLine($"**Verdict: {ReportText.Headline(run).ToLowerInvariant()}**");
        output.WriteLine();
        if (audit.Incomplete)
        {
            output.WriteLine($"> **Warning:** {Text(ReportText.IncompleteWarning)}");
            output.WriteLine();
        }

        output.WriteLine($"{Heading(level + 1)} Summary");
        output.WriteLine();
        output.WriteLine("| | Count |");
        output.WriteLine("|---|---:|");
        foreach (var severity in ReportText.Severities)
        {
            output.WriteLine($"| {severity} | {ReportText.Number(run.OpenCount(severity))} |");
        }

        output.WriteLine($"| Suppressed | {ReportText.Number(run.SuppressedCount)} |");
        output.WriteLine($"| Principals audited | {ReportText.Number(run.PrincipalCount)} |");
        output.WriteLine();

        WriteFixPlan(run, output, level + 1);

        if (run.MatrixRows.Count > 0)
        {
            WriteMatrix(run, output, level + 1);
        }

        output.WriteLine($"{Heading(level + 1)} Findings");
        output.WriteLine();
        if (!run.Open.Any())
        {
            output.WriteLine("No finding left to fix.");
            output.WriteLine();
        }

        foreach (var severity in ReportText.Severities)
        {
            var findings = run.Open.Where(f => f.Severity == severity).ToList();
            if (findings.Count == 0)
            {
                continue;
            }

            output.WriteLine($"{Heading(level + 2)} {severity}");
            output.WriteLine();
            foreach (var finding in findings)
            {
                WriteFinding(finding, output);
            }

            output.WriteLine();
        }

        var suppressed = run.Suppressed.ToList();
        if (suppressed.Count > 0)
        {
            output.WriteLine($"{Heading(level + 2)} Suppressed");
            output.WriteLine();
            foreach (var finding in suppressed)
            {
                WriteFinding(finding, output);
                output.WriteLine($"  - {Text(ReportText.SuppressionNote(finding.Suppression!))}");
            }

            output.WriteLine();
        }
    }

    private static string Heading(int level) => new('#', level);

    private static void WriteFixPlan(RunReport run, TextWriter output, int level)
    {
        output.WriteLine($"{Heading(level)} Fix plan");
        output.WriteLine();
        if (run.FixPlan.Count == 0)
        {
            output.WriteLine("Nothing to fix.");
            output.WriteLine();
            return;
        }

        output.WriteLine("One command per cause, group-level fixes first:");
        output.WriteLine();
        var number = 1;
        foreach (var item in run.FixPlan)
        {
            output.WriteLine($"{ReportText.Number(number++)}. {Code(item.Command)}: {Text(item.Fixes)}; cause: {Text(item.Cause)}");
        }

        output.WriteLine();
    }

    private static void WriteMatrix(RunReport run, TextWriter output, int level)
    {
        output.WriteLine($"{Heading(level)} Who can do what");
        output.WriteLine();
        output.WriteLine("| Principal | Role | " + string.Join(" | ", run.Capabilities.Select(c => Text(c.Name))) + " |");
        output.WriteLine("|---|---|" + string.Concat(run.Capabilities.Select(_ => "---|")));
        foreach (var row in run.MatrixRows)
        {
            var cells = run.Capabilities.Select(c => row.For(c) is { } entry ? ReportText.Label(entry.Decision) : string.Empty);
            output.WriteLine($"| {Text(row.Principal.DisplayName)} | {row.Role} | {string.Join(" | ", cells)} |");
        }

        output.WriteLine();
    }

    private static void WriteFinding(Finding finding, TextWriter output)
    {
        output.WriteLine($"- **{finding.RuleId}** {Code(finding.Principal)}: {Text(finding.Reason)}");
        foreach (var evidence in finding.EvidenceText)
        {
            output.WriteLine($"  - {Text(evidence)}");
        }

        output.WriteLine($"  - Cause: {Text(finding.Cause)}");

        output.WriteLine($"  - Fix: {Code(finding.Recommendation)}");
    }

    /// <summary>
    /// Plain text with Markdown's active characters escaped, so a name cannot become a link, tag, entity or emphasis, and in a
    /// table '|' cannot end the cell nor a backtick open a code span.
    /// </summary>
    internal static string Text(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '#' or '&')
            {
                escaped.Append('\\');
            }

            escaped.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return escaped.ToString();
    }

    /// <summary>
    /// A code span (never used in a table). Backslashes do not escape inside one, so the fence is a backtick run longer
    /// than any in the text.
    /// </summary>
    internal static string Code(string text)
    {
        text = text.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
        var longest = 0;
        var current = 0;
        foreach (var c in text)
        {
            current = c == '`' ? current + 1 : 0;
            longest = Math.Max(longest, current);
        }

        var fence = new string('`', longest + 1);

        // A space keeps a backtick at either end from merging with the fence; Markdown strips one space each side.
        var pad = text.StartsWith('`') || text.EndsWith('`') ? " " : string.Empty;
        return fence + pad + text + pad + fence;
    }
}
