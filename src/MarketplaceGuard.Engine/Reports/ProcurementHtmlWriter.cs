using System;
using System.Globalization;
using System.IO;
using System.Linq;
using MarketplaceGuard.Engine.Procurement;
using static MarketplaceGuard.Engine.Reports.HtmlReportWriter;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// The procurement inventory as one self-contained HTML page, styled like the audit's: the verdict, what is missing, a
/// chart of running paid instances per account (inline SVG, leaking ones in red), a table per product code, the
/// findings. No script and no external resource; every value is HTML-encoded.
/// </summary>
internal static class ProcurementHtmlWriter
{
    private const string ChartStyle = """
        svg.chart { display: block; margin: .5rem 0 1rem; font: .8rem system-ui, sans-serif; }
        svg.chart .running { fill: #0969da; } svg.chart .leaking { fill: #cf222e; } svg.chart text { fill: #1f2328; }
        svg.chart .notread { fill: #9a6700; }
        """;

    public static void Write(ProcurementInventory inventory, TextWriter output)
    {
        WriteHead(output, "MarketplaceGuard procurement report", ChartStyle);
        var verdict = !inventory.Complete ? "incomplete" : inventory.Passed ? "passed" : "failed";
        output.WriteLine($"<header class=\"verdict {verdict}\">");
        output.WriteLine("<h1>AWS Marketplace procurement inventory</h1>");
        output.WriteLine($"<p class=\"result\">{E(ProcurementReportWriter.Headline(inventory))}</p>");
        output.WriteLine($"<p class=\"meta\">{E(ProcurementReportWriter.Totals(inventory))} &middot; generated {E(inventory.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))} by {E(Report.ToolName)} {E(Report.ToolVersion)}</p>");
        output.WriteLine("</header>");
        output.WriteLine($"<p class=\"warning\"><strong>Product codes are joined only through the map.</strong> {E(ProcurementInventory.MappingLimitation)}</p>");
        output.WriteLine("<table class=\"context\"><tbody>");
        Context(output, "Product-code map", ProcurementReportWriter.MapLine(inventory));
        Context(output, "Expiry window", ProcurementReportWriter.Window(inventory));
        output.WriteLine("</tbody></table>");

        output.WriteLine("<div class=\"cards\">");
        foreach (var severity in ReportText.Severities)
        {
            Card(output, SeverityClass(severity), inventory.Count(severity), $"{severity} severity");
        }

        Card(output, "gaps", inventory.Gaps.Count, "Gaps");
        output.WriteLine("</div>");

        if (inventory.Gaps.Count > 0)
        {
            output.WriteLine("<h2>What is missing</h2>");
            output.WriteLine("<p class=\"legend\">Nothing below is judged clean where it depends on these.</p>");
            output.WriteLine("<ul>");
            foreach (var gap in inventory.Gaps)
            {
                output.WriteLine($"<li><strong>{E(gap.Subject)}</strong>: {E(gap.Detail)}</li>");
            }

            output.WriteLine("</ul>");
        }

        WriteChart(inventory, output);
        WriteProducts(inventory, output);
        WriteFindings(inventory, output);
        output.WriteLine("</body>");
        output.WriteLine("</html>");
    }

    /// <summary>One bar per account, its length the running paid instances, the leaking part in red; an account not read says so instead.</summary>
    private static void WriteChart(ProcurementInventory inventory, TextWriter output)
    {
        const int Label = 260;
        const int Width = 420;
        const int Row = 22;
        output.WriteLine("<h2>Running paid instances per account</h2>");
        output.WriteLine("<p class=\"legend\">Blue: running paid instances. Red: those still running under an ended agreement (MG4001).</p>");
        var accounts = inventory.Accounts;
        var max = Math.Max(1, accounts.Count == 0 ? 0 : accounts.Max(a => a.RunningInstances));
        var height = Math.Max(1, accounts.Count) * Row;
        output.WriteLine($"<svg class=\"chart\" role=\"img\" aria-label=\"Running paid instances per account\" width=\"{Label + Width + 80}\" height=\"{height}\" viewBox=\"0 0 {Label + Width + 80} {height}\">");
        var y = 0;
        foreach (var account in accounts)
        {
            var name = ReportText.Account(account.AccountId, account.AccountName);
            output.WriteLine($"<text x=\"0\" y=\"{y + 15}\">{E(name.Length > 40 ? name[..39] + "…" : name)}</text>");
            if (account.NotReadReason is not null)
            {
                output.WriteLine($"<text class=\"notread\" x=\"{Label}\" y=\"{y + 15}\">not read</text>");
            }
            else
            {
                var running = Scale(account.RunningInstances, max, Width);
                var leaking = Scale(account.LeakingInstances, max, Width);
                output.WriteLine($"<rect class=\"running\" x=\"{Label}\" y=\"{y + 3}\" width=\"{N(running)}\" height=\"{Row - 6}\"><title>{E(name)}: {ReportText.Number(account.RunningInstances)} running</title></rect>");
                if (leaking > 0)
                {
                    output.WriteLine($"<rect class=\"leaking\" x=\"{Label}\" y=\"{y + 3}\" width=\"{N(leaking)}\" height=\"{Row - 6}\"><title>{E(name)}: {ReportText.Number(account.LeakingInstances)} leaking</title></rect>");
                }

                output.WriteLine($"<text x=\"{N(Label + running + 6)}\" y=\"{y + 15}\">{ReportText.Number(account.RunningInstances)}</text>");
            }

            y += Row;
        }

        output.WriteLine("</svg>");
    }

    private static double Scale(int value, int max, int width) => value == 0 ? 0 : Math.Max(1.0, (double)value / max * width);

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static void WriteProducts(ProcurementInventory inventory, TextWriter output)
    {
        output.WriteLine("<h2>Products</h2>");
        if (inventory.Rows.Count == 0)
        {
            output.WriteLine("<p>No paid instance nor account-owned paid image in the input.</p>");
            return;
        }

        output.WriteLine("<table class=\"products\">");
        output.WriteLine("<thead><tr><th>Product code</th><th>Product</th><th>Account</th><th>Region</th><th>Running</th><th>Stopped</th><th>Images</th><th>Unprotected images</th><th>Agreement status</th><th>Agreements</th><th>Findings</th></tr></thead>");
        output.WriteLine("<tbody>");
        foreach (var product in inventory.Products)
        {
            var rows = inventory.Rows.Where(r => r.ProductCode == product.ProductCode).ToList();
            var first = true;
            foreach (var row in rows)
            {
                output.Write("<tr>");
                if (first)
                {
                    output.Write($"<th scope=\"rowgroup\" rowspan=\"{rows.Count}\"><code>{E(product.ProductCode)}</code></th><td rowspan=\"{rows.Count}\">{E(ProcurementReportWriter.Product(product))}</td>");
                    first = false;
                }

                output.Write($"<td>{E(ReportText.Account(row.AccountId, row.AccountName))}</td><td>{E(row.Region)}</td>");
                output.Write($"<td>{ReportText.Number(row.RunningInstances)}</td><td>{ReportText.Number(row.StoppedInstances)}</td><td>{ReportText.Number(row.Images)}</td><td>{ReportText.Number(row.UnprotectedImages)}</td>");
                output.WriteLine($"<td>{E(row.AgreementStatus)}</td><td>{E(row.AgreementIds)}</td><td>{E(row.RuleIds)}</td></tr>");
            }
        }

        output.WriteLine("</tbody>");
        output.WriteLine("</table>");
    }

    private static void WriteFindings(ProcurementInventory inventory, TextWriter output)
    {
        output.WriteLine("<h2>Findings</h2>");
        if (inventory.Findings.Count == 0)
        {
            output.WriteLine(inventory.Complete ? "<p>None.</p>" : "<p>None in what could be read and joined; see what is missing above.</p>");
            return;
        }

        output.WriteLine("<table class=\"findings\">");
        output.WriteLine("<thead><tr><th>Severity</th><th>Rule</th><th>Account</th><th>Reason</th><th>Fix</th></tr></thead>");
        output.WriteLine("<tbody>");
        foreach (var finding in ReportText.Severities.SelectMany(s => inventory.Findings.Where(f => f.Severity == s)))
        {
            output.Write($"<tr><td><span class=\"sev {SeverityClass(finding.Severity)}\">{E(finding.Severity.ToString())}</span></td>");
            output.Write($"<td>{E(finding.RuleId)}<br><small>{E(finding.Rule.Title)}</small></td>");
            output.Write($"<td>{E(ReportText.Account(finding.AccountId, finding.AccountName))}</td>");
            var evidence = finding.Evidence.Count == 0 ? string.Empty : "<ul class=\"evidence\">" + string.Concat(finding.Evidence.Select(e => $"<li>{E(e)}</li>")) + "</ul>";
            output.Write($"<td>{E(finding.Reason)}{evidence}</td>");
            output.WriteLine($"<td><code>{E(finding.Recommendation)}</code></td></tr>");
        }

        output.WriteLine("</tbody>");
        output.WriteLine("</table>");
    }
}
