using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// One self-contained HTML page for someone who does not read JSON: the verdict first, then counts, the who-can
/// matrix, what to fix, and what was accepted. No script, no external resource (the page is mailed and archived), and
/// every value from the account is HTML-encoded: names and tags are attacker-controllable text.
/// </summary>
internal static class HtmlReportWriter
{
    /// <summary>The page style, shared with the procurement report so both read alike.</summary>
    internal const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 0 auto; max-width: 72rem; padding: 1.5rem; line-height: 1.45; }
        h1 { font-size: 1.6rem; margin: 0 0 .4rem; }
        h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; }
        .verdict { border-radius: .5rem; padding: 1rem 1.25rem; color: #fff; }
        .verdict.passed { background: #1a7f37; }
        .verdict.failed { background: #cf222e; }
        .verdict.incomplete { background: #9a6700; }
        .warning { border: 1px solid #d4a72c; background: #fff8c5; border-radius: .5rem; padding: .6rem 1rem; }
        table.context { width: auto; margin-top: 1rem; } table.context th { background: #f6f8fa; font-weight: 600; }
        .verdict .result { font-size: 1.4rem; font-weight: 600; margin: 0; }
        .verdict .meta { margin: .3rem 0 0; opacity: .9; }
        .verdict code { color: inherit; background: rgba(255,255,255,.2); }
        .cards { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
        .card { border: 1px solid #d0d7de; border-radius: .5rem; padding: .6rem 1rem; min-width: 7rem; }
        .card .n { display: block; font-size: 1.6rem; font-weight: 600; }
        .card.high .n { color: #cf222e; } .card.medium .n { color: #bc4c00; } .card.low .n { color: #9a6700; }
        table { border-collapse: collapse; width: 100%; font-size: .92rem; }
        th, td { border: 1px solid #d0d7de; padding: .35rem .55rem; text-align: left; vertical-align: top; }
        thead th { background: #f6f8fa; }
        td.d-allowed { background: #dafbe1; } td.d-conditional { background: #fff8c5; }
        td.d-explicit { background: #d0d7de; } td.d-implicit { background: #f6f8fa; color: #57606a; } td.d-unknown { background: #fbefff; }
        td.flagged { outline: 3px solid #cf222e; outline-offset: -3px; font-weight: 600; }
        .sev { display: inline-block; border-radius: 1rem; padding: 0 .55rem; color: #fff; font-size: .85rem; }
        .sev.high { background: #cf222e; } .sev.medium { background: #bc4c00; } .sev.low { background: #9a6700; }
        code { font-family: ui-monospace, SFMono-Regular, Consolas, monospace; font-size: .85rem; background: #f6f8fa; padding: .1rem .25rem; border-radius: .25rem; word-break: break-word; }
        ul.evidence { margin: .3rem 0 0; padding-left: 1.1rem; color: #57606a; font-size: .85rem; }
        .legend { color: #57606a; font-size: .88rem; }
        small { color: #57606a; }
        section + section { margin-top: 3rem; border-top: 3px double #d0d7de; }
        h3 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; }
        .verdict h2 { border: 0; margin: 0 0 .4rem; padding: 0; }
        tr.not-audited td, tr.not-audited th { background: #fff8c5; }
        a { color: inherit; }
        """;

    public static void Write(Report report, TextWriter output)
    {
        WriteHead(output, "MarketplaceGuard least-privilege report", string.Empty);
        if (report.Organization is { } organization)
        {
            WriteOrganization(report, organization, output);
        }

        foreach (var run in report.Runs)
        {
            WriteRun(report, run, output, report.Organization);
        }

        output.WriteLine("</body>");
        output.WriteLine("</html>");
    }

    /// <summary>The page up to its body: no script, no external resource, the shared style and any <paramref name="extraStyle"/>.</summary>
    internal static void WriteHead(TextWriter output, string title, string extraStyle)
    {
        output.WriteLine("<!DOCTYPE html>");
        output.WriteLine("<html lang=\"en\">");
        output.WriteLine("<head>");
        output.WriteLine("<meta charset=\"utf-8\">");
        output.WriteLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");

        // Belt and braces on top of the encoding: even injected markup could not load or run anything.
        output.WriteLine("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
        output.WriteLine($"<title>{E(title)}</title>");
        output.WriteLine("<style>");
        output.WriteLine(Style.Trim());
        if (extraStyle.Length > 0)
        {
            output.WriteLine(extraStyle.Trim());
        }

        output.WriteLine("</style>");
        output.WriteLine("</head>");
        output.WriteLine("<body>");
    }

    /// <summary>
    /// The verdict of the whole, then a table of every account (audited or not) whose names link to the accounts'
    /// sections below it.
    /// </summary>
    private static void WriteOrganization(Report report, OrganizationSummary organization, TextWriter output)
    {
        // Not green when an account was not audited or a snapshot was incomplete: what was not read was not audited.
        var verdict = organization.NotAudited.Count > 0 || organization.Runs.Any(r => r.Run.Incomplete || r.Run.ServiceControlPoliciesUnknown) ? "incomplete"
            : organization.Passed ? "passed"
            : "failed";
        output.WriteLine($"<header class=\"verdict {verdict}\">");
        output.WriteLine("<h1>AWS Marketplace least-privilege audit</h1>");
        output.WriteLine($"<p class=\"result\">{E(ReportText.Headline(organization))}</p>");
        output.WriteLine($"<p class=\"meta\">{E(ReportText.Totals(organization))} &middot; generated {E(report.GeneratedAtDisplay)} by {E(Report.ToolName)} {E(Report.ToolVersion)}</p>");
        output.WriteLine("</header>");
        if (ReportText.ServiceControlPolicyWarning(organization) is { } warning)
        {
            output.WriteLine($"<p class=\"warning\"><strong>Service control policies not considered.</strong> {E(warning)}</p>");
        }

        if (organization.Scope is { } scope)
        {
            output.WriteLine("<table class=\"context\"><tbody>");
            Context(output, "Organization", ReportText.Organization(scope));
            Context(output, "Service control policies", ReportText.OrganizationServiceControlPolicies(scope));
            output.WriteLine("</tbody></table>");
        }

        output.WriteLine("<h2>Accounts</h2>");
        output.WriteLine("<table class=\"accounts\">");
        output.WriteLine("<thead><tr><th>Account</th><th>OU path</th><th>Verdict</th><th>High</th><th>Medium</th><th>Low</th><th>Suppressed</th><th>Open by rule</th><th>Service control policies</th><th>Relevant SCPs</th></tr></thead>");
        output.WriteLine("<tbody>");
        foreach (var account in organization.Accounts)
        {
            var name = account.Anchor is null ? E(account.Label) : $"<a href=\"#{account.Anchor}\">{E(account.Label)}</a>";
            var row = account.Run is null ? " class=\"not-audited\"" : string.Empty;
            output.Write($"<tr{row}><th scope=\"row\">{name}</th><td>{E(account.OrganizationPath ?? string.Empty)}</td><td>{E(account.Verdict)}</td>");
            if (account.Run is not { } run)
            {
                output.WriteLine("<td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr>");
                continue;
            }

            foreach (var severity in ReportText.Severities)
            {
                output.Write($"<td>{ReportText.Number(run.OpenCount(severity))}</td>");
            }

            output.Write($"<td>{ReportText.Number(run.SuppressedCount)}</td>");
            output.Write($"<td>{E(string.Join(", ", run.OpenByRule.Select(r => $"{r.Key}: {ReportText.Number(r.Value)}")))}</td>");
            output.WriteLine($"<td>{E(ReportText.ServiceControlPolicies(run.Run))}</td><td>{E(ReportText.RelevantServiceControlPolicies(run.Run))}</td></tr>");
        }

        output.WriteLine("</tbody>");
        output.WriteLine("</table>");
    }

    /// <summary>
    /// One run: on its own (<paramref name="organization"/> null) the page's only section; in an organization report the
    /// section of its account, with the anchor the summary links to and its headings one level down.
    /// </summary>
    private static void WriteRun(Report report, RunReport run, TextWriter output, OrganizationSummary? organization)
    {
        var audit = run.Run;
        var level = organization is null ? 1 : 2;

        // A pass on an incomplete snapshot is not green: what was not read was not audited.
        var verdict = audit.Incomplete || audit.ServiceControlPoliciesUnknown ? "incomplete" : run.Passed ? "passed" : "failed";

        // The anchor is made of letters, digits and '-' only (see OrganizationSummary), so it is safe as markup.
        output.WriteLine(organization is null ? "<section>" : $"<section id=\"{organization.AnchorOf(run)}\">");
        output.WriteLine($"<header class=\"verdict {verdict}\">");
        output.WriteLine(organization is null
            ? "<h1>AWS Marketplace least-privilege audit</h1>"
            : $"<h2>{E(ReportText.AccountHeading(audit))}</h2>");
        output.WriteLine($"<p class=\"result\">{E(ReportText.Headline(run))}</p>");
        var account = audit.AccountId is null ? string.Empty : $"Account <code>{E(audit.AccountId)}</code> &middot; ";
        var generated = organization is null ? $" &middot; generated {E(report.GeneratedAtDisplay)} by {E(Report.ToolName)} {E(Report.ToolVersion)}" : string.Empty;
        output.WriteLine($"<p class=\"meta\">{account}Source <code>{E(run.Source)}</code>{generated}</p>");
        output.WriteLine("</header>");
        if (audit.Incomplete)
        {
            output.WriteLine($"<p class=\"warning\"><strong>Incomplete snapshot.</strong> {E(ReportText.IncompleteWarning)}</p>");
        }

        output.WriteLine("<table class=\"context\"><tbody>");
        Context(output, "Procurement principals", ReportText.Principals(audit.DeclaredProcurementPrincipals, audit.ProcurementPrincipals));
        Context(output, "Viewer principals", ReportText.Principals(audit.DeclaredViewerPrincipals, audit.ViewerPrincipals));
        Context(output, "Launcher principals", ReportText.Principals(audit.DeclaredLauncherPrincipals, audit.LauncherPrincipals));
        Context(output, "Governance principals", ReportText.Principals(audit.DeclaredGovernancePrincipals, audit.GovernancePrincipals));
        Context(output, "Suppression file", ReportText.SuppressionFile(audit));
        Context(output, "Expired suppressions", ReportText.Expired(audit));
        Context(output, "Snapshot", audit.Incomplete ? "incomplete" : "complete");
        Context(output, "Service control policies", ReportText.ServiceControlPolicyLine(audit));
        output.WriteLine("</tbody></table>");

        output.WriteLine("<div class=\"cards\">");
        foreach (var severity in ReportText.Severities)
        {
            Card(output, SeverityClass(severity), run.OpenCount(severity), $"{severity} severity");
        }

        Card(output, "suppressed", run.SuppressedCount, "Suppressed");
        Card(output, "principals", run.PrincipalCount, "Principals audited");
        output.WriteLine("</div>");

        var heading = $"h{level + 1}";
        if (run.MatrixRows.Count > 0)
        {
            WriteMatrix(run, output, heading);
        }

        WriteFixPlan(run, output, heading);
        WriteOpenFindings(run, output, heading);
        WriteSuppressedFindings(run, output, heading);
        output.WriteLine("</section>");
    }

    internal static void Context(TextWriter output, string label, string value) =>
        output.WriteLine($"<tr><th scope=\"row\">{E(label)}</th><td>{E(value)}</td></tr>");

    private static void WriteFixPlan(RunReport run, TextWriter output, string heading)
    {
        output.WriteLine($"<{heading}>Fix plan</{heading}>");
        if (run.FixPlan.Count == 0)
        {
            output.WriteLine("<p>Nothing to fix.</p>");
            return;
        }

        output.WriteLine("<p class=\"legend\">One command per cause, group-level fixes first: each line fixes every principal it counts.</p>");
        output.WriteLine("<table class=\"fixplan\">");
        output.WriteLine("<thead><tr><th>Fixes</th><th>Cause</th><th>Command</th></tr></thead>");
        output.WriteLine("<tbody>");
        foreach (var item in run.FixPlan)
        {
            output.Write($"<tr><td>{E(item.Fixes)}</td><td>{E(item.Cause)}</td>");
            output.WriteLine($"<td><code>{E(item.Command)}</code></td></tr>");
        }

        output.WriteLine("</tbody>");
        output.WriteLine("</table>");
    }

    internal static void Card(TextWriter output, string kind, int count, string label) =>
        output.WriteLine($"<div class=\"card {kind}\"><span class=\"n\">{ReportText.Number(count)}</span>{E(label)}</div>");

    private static void WriteMatrix(RunReport run, TextWriter output, string heading)
    {
        // The cells behind an open finding are outlined, so the matrix shows where the problems are at a glance.
        var flagged = new HashSet<AccessEntry>(run.Open.Select(f => f.Access).OfType<AccessEntry>());

        output.WriteLine($"<{heading}>Who can do what</{heading}>");
        output.WriteLine("<p class=\"legend\">Green: allowed. Yellow: allowed in some contexts (hover for the conditions). Grey: denied, dark when an explicit deny protects it. Red outline: a finding to fix.</p>");
        output.WriteLine("<table class=\"matrix\">");
        output.WriteLine("<thead><tr><th>Principal</th><th>Role</th>" + string.Concat(run.Capabilities.Select(c => $"<th title=\"{E(c.Description)}\">{E(c.Name)}</th>"))
            + "</tr></thead>");
        output.WriteLine("<tbody>");
        foreach (var row in run.MatrixRows)
        {
            output.Write($"<tr><th scope=\"row\">{E(row.Principal.DisplayName)}</th><td>{E(row.Role)}</td>");
            foreach (var capability in run.Capabilities)
            {
                if (row.For(capability) is not { } entry)
                {
                    output.Write("<td></td>");
                    continue;
                }

                var classes = DecisionClass(entry.Decision) + (flagged.Contains(entry) ? " flagged" : string.Empty);
                var title = entry.Conditions.Count > 0 ? $" title=\"{E(string.Join("; ", entry.Conditions))}\"" : string.Empty;
                output.Write($"<td class=\"{classes}\"{title}>{E(ReportText.Label(entry.Decision))}</td>");
            }

            output.WriteLine("</tr>");
        }

        output.WriteLine("</tbody>");
        output.WriteLine("</table>");
    }

    private static void WriteOpenFindings(RunReport run, TextWriter output, string heading)
    {
        var open = ReportText.Severities.SelectMany(s => run.Open.Where(f => f.Severity == s)).ToList();
        output.WriteLine($"<{heading}>Findings to fix</{heading}>");
        if (open.Count == 0)
        {
            output.WriteLine(run.Run.Incomplete
                ? "<p>None among the principals the incomplete snapshot holds; the others were never audited.</p>"
                : "<p>None: every principal has exactly the Marketplace access its role allows.</p>");
            return;
        }

        output.WriteLine("<table class=\"findings\">");
        output.WriteLine("<thead><tr><th>Severity</th><th>Rule</th><th>Principal</th><th>Reason</th><th>Fix</th></tr></thead>");
        output.WriteLine("<tbody>");
        foreach (var finding in open)
        {
            output.Write($"<tr><td><span class=\"sev {SeverityClass(finding.Severity)}\">{E(finding.Severity.ToString())}</span></td>");
            output.Write($"<td>{E(finding.RuleId)}<br><small>{E(finding.Rule.Title)}</small></td>");
            output.Write($"<td>{E(finding.Principal)}</td>");
            output.Write($"<td>{E(finding.Reason)}{Evidence(finding)}<br><small>Cause: {E(finding.Cause)}</small></td>");
            output.WriteLine($"<td><code>{E(finding.Recommendation)}</code></td></tr>");
        }

        output.WriteLine("</tbody>");
        output.WriteLine("</table>");
    }

    private static void WriteSuppressedFindings(RunReport run, TextWriter output, string heading)
    {
        var suppressed = run.Suppressed.ToList();
        if (suppressed.Count == 0)
        {
            return;
        }

        output.WriteLine($"<{heading}>Suppressed findings</{heading}>");
        output.WriteLine("<p class=\"legend\">Accepted on purpose until the date shown; after it they count again.</p>");
        output.WriteLine("<table class=\"suppressed\">");
        output.WriteLine("<thead><tr><th>Severity</th><th>Rule</th><th>Principal</th><th>Reason</th><th>Justification</th><th>Expires</th></tr></thead>");
        output.WriteLine("<tbody>");
        foreach (var finding in suppressed)
        {
            var suppression = finding.Suppression!;
            output.Write($"<tr><td><span class=\"sev {SeverityClass(finding.Severity)}\">{E(finding.Severity.ToString())}</span></td>");
            output.Write($"<td>{E(finding.RuleId)}<br><small>{E(finding.Rule.Title)}</small></td>");
            output.Write($"<td>{E(finding.Principal)}</td>");
            output.Write($"<td>{E(finding.Reason)}</td>");
            output.Write($"<td>{E(suppression.Justification)}</td>");
            output.WriteLine($"<td>{E(ReportText.Date(suppression.Expires))}</td></tr>");
        }

        output.WriteLine("</tbody>");
        output.WriteLine("</table>");
    }

    private static string Evidence(Finding finding) => finding.EvidenceText.Count == 0
        ? string.Empty
        : "<ul class=\"evidence\">" + string.Concat(finding.EvidenceText.Select(e => $"<li>{E(e)}</li>")) + "</ul>";

    private static string DecisionClass(AuditDecision decision) => decision switch
    {
        AuditDecision.Allowed => "d-allowed",
        AuditDecision.ConditionallyAllowed => "d-conditional",
        AuditDecision.ExplicitDeny => "d-explicit",
        AuditDecision.ImplicitDeny => "d-implicit",
        _ => "d-unknown",
    };

    internal static string SeverityClass(Severity severity) => severity switch
    {
        Severity.High => "high",
        Severity.Medium => "medium",
        _ => "low",
    };

    /// <summary>HTML-encoded text (shared with the procurement report).</summary>
    internal static string E(string text) => WebUtility.HtmlEncode(text);
}
