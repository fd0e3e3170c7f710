using System.IO;
using System.Linq;
using MarketplaceGuard.Engine.Procurement;
using static MarketplaceGuard.Engine.Reports.MarkdownReportWriter;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>The procurement inventory as GitHub-flavoured Markdown: verdict, what is missing, accounts, products, findings.</summary>
internal static class ProcurementMarkdownWriter
{
    public static void Write(ProcurementInventory inventory, TextWriter output)
    {
        output.WriteLine("# MarketplaceGuard procurement report");
        output.WriteLine();
        output.WriteLine($"Product-code map: {Text(ProcurementReportWriter.MapLine(inventory))}  ");
        output.WriteLine($"Expiry window: {ProcurementReportWriter.Window(inventory)}  ");
        output.WriteLine($"{Text(ProcurementReportWriter.Totals(inventory))}  ");
        output.WriteLine($"Generated: {Text(ReportText.Date(System.DateOnly.FromDateTime(inventory.GeneratedAt.UtcDateTime)))} by {Report.ToolName} {Report.ToolVersion}");
        output.WriteLine();
        output.WriteLine($"**Verdict: {Text(ProcurementReportWriter.Headline(inventory))}**");
        output.WriteLine();
        output.WriteLine($"> **Note:** {Text(ProcurementInventory.MappingLimitation)}");
        output.WriteLine();

        if (inventory.Gaps.Count > 0)
        {
            output.WriteLine("## What is missing");
            output.WriteLine();
            output.WriteLine("Nothing below is judged clean where it depends on these:");
            output.WriteLine();
            foreach (var gap in inventory.Gaps)
            {
                output.WriteLine($"- {Text(gap.Subject)}: {Text(gap.Detail)}");
            }

            output.WriteLine();
        }

        output.WriteLine("## Running paid instances per account");
        output.WriteLine();
        output.WriteLine("| Account | Running | Leaking (MG4001) | Stopped | Read |");
        output.WriteLine("|---|---:|---:|---:|---|");
        foreach (var account in inventory.Accounts)
        {
            output.WriteLine($"| {Text(ReportText.Account(account.AccountId, account.AccountName))} | {ReportText.Number(account.RunningInstances)} | {ReportText.Number(account.LeakingInstances)} | {ReportText.Number(account.StoppedInstances)} | {Text(account.NotReadReason is null ? "yes" : "no: " + account.NotReadReason)} |");
        }

        output.WriteLine();
        output.WriteLine("## Products");
        output.WriteLine();
        output.WriteLine("| Product code | Product | Account | Region | Running | Stopped | Images | Unprotected images | Agreement status | Agreements | Findings |");
        output.WriteLine("|---|---|---|---|---:|---:|---:|---:|---|---|---|");
        foreach (var row in inventory.Rows)
        {
            var product = row.ProductId is null ? "not mapped" : $"{row.ProductName ?? row.ProductId} ({row.ProductId})";
            output.WriteLine($"| {Text(row.ProductCode)} | {Text(product)} | {Text(ReportText.Account(row.AccountId, row.AccountName))} | {Text(row.Region)} | {ReportText.Number(row.RunningInstances)} | {ReportText.Number(row.StoppedInstances)} | {ReportText.Number(row.Images)} | {ReportText.Number(row.UnprotectedImages)} | {Text(row.AgreementStatus)} | {Text(row.AgreementIds)} | {Text(row.RuleIds)} |");
        }

        output.WriteLine();
        output.WriteLine("## Findings");
        output.WriteLine();
        if (inventory.Findings.Count == 0)
        {
            output.WriteLine(inventory.Complete ? "None." : "None in what could be read and joined; see what is missing above.");
            return;
        }

        foreach (var severity in ReportText.Severities)
        {
            var findings = inventory.Findings.Where(f => f.Severity == severity).ToList();
            if (findings.Count == 0)
            {
                continue;
            }

            output.WriteLine($"### {severity}");
            output.WriteLine();
            foreach (var finding in findings)
            {
                output.WriteLine($"- **{finding.RuleId}** {Text(ReportText.Account(finding.AccountId, finding.AccountName))}: {Text(finding.Reason)}");
                foreach (var evidence in finding.Evidence)
                {
                    output.WriteLine($"  - {Text(evidence)}");
                }

                output.WriteLine($"  - Fix: {Code(finding.Recommendation)}");
            }

            output.WriteLine();
        }
    }
}
