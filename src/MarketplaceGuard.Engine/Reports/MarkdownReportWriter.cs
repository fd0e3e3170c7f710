using System;
using System.IO;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// GitHub-flavoured Markdown for a pull request or a wiki: summary, who-can matrix, then the findings by severity.
/// Several runs give several such documents separated by a rule.
/// </summary>
internal static class MarkdownReportWriter
{
    public static void Write(Report report, TextWriter output)
    {
        for (var i = 0; i < report.Runs.Count; i++)
        {
            if (i > 0)
            {
                output.WriteLine();
                output.WriteLine("---");
                output.WriteLine();
            }

            WriteRun(report, report.Runs[i], output);
        }
    }

    private static void WriteRun(Report report, RunReport run, TextWriter output)
    {
        var audit = run.Run;
        output.WriteLine("# MarketplaceGuard least-privilege report");
        output.WriteLine();
        output.WriteLine($"Account: {(audit.AccountId is null ? "unknown" : Code(audit.AccountId))}  ");
        output.WriteLine($"Source: {Code(run.Source)}  ");
        output.WriteLine($"Procurement principals: {Text(ReportText.Principals(audit.DeclaredProcurementPrincipals, audit.ProcurementPrincipals))}  ");
        output.WriteLine($"Viewer principals: {Text(ReportText.Principals(audit.DeclaredViewerPrincipals, audit.ViewerPrincipals))}  ");
        output.WriteLine($"Launcher principals: {Text(ReportText.Principals(audit.DeclaredLauncherPrincipals, audit.LauncherPrincipals))}  ");
        output.WriteLine($"Suppression file: {(audit.SuppressionPath is null ? "none" : Code(audit.SuppressionPath))}  ");
        output.WriteLine($"Expired suppressions: {Text(ReportText.Expired(audit))}  ");
        output.WriteLine($"Snapshot: {(audit.Incomplete ? "**incomplete**" : "complete")}  ");
        output.WriteLine($"Generated: {report.GeneratedAtDisplay} by {Report.ToolName} {Report.ToolVersion}");
        output.WriteLine();
        output.WriteLine($"**Verdict: {ReportText.Headline(run).ToLowerInvariant()}**");
        output.WriteLine();
        if (audit.Incomplete)
        {
            output.WriteLine($"> **Warning:** {Text(ReportText.IncompleteWarning)}");
            output.WriteLine();
        }

        output.WriteLine("## Summary");
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

        WriteFixPlan(run, output);

        if (run.MatrixRows.Count > 0)
        {
            WriteMatrix(run, output);
        }

        output.WriteLine("## Findings");
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

            output.WriteLine($"### {severity}");
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
            output.WriteLine("### Suppressed");
            output.WriteLine();
            foreach (var finding in suppressed)
            {
                WriteFinding(finding, output);
                output.WriteLine($"  - {Text(ReportText.SuppressionNote(finding.Suppression!))}");
            }

            output.WriteLine();
        }
    }

    private static void WriteFixPlan(RunReport run, TextWriter output)
    {
        output.WriteLine("## Fix plan");
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

    private static void WriteMatrix(RunReport run, TextWriter output)
    {
        output.WriteLine("## Who can do what");
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
    private static string Text(string text)
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
    private static string Code(string text)
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
