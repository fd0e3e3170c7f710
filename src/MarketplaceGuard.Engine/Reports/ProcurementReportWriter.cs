using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MarketplaceGuard.Engine.Procurement;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// Writes a procurement inventory as JSON, Markdown or HTML, all from the same <see cref="ProcurementInventory"/>: the
/// verdict (never "no leaks" for an account that was not read), what is missing, running paid instances per account,
/// one table per product code, the findings, and the note that product codes are joined only through the user's map.
/// </summary>
public static class ProcurementReportWriter
{
    /// <summary>The formats a procurement report is written in (SARIF and JUnit are for the least-privilege audit).</summary>
    public static IReadOnlyList<ReportFormat> Formats { get; } = [ReportFormat.Html, ReportFormat.Markdown, ReportFormat.Json];

    public static void Write(ProcurementInventory inventory, ReportFormat format, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(output);
        switch (format)
        {
            case ReportFormat.Json:
                ProcurementJsonWriter.Write(inventory, output);
                break;
            case ReportFormat.Markdown:
                ProcurementMarkdownWriter.Write(inventory, output);
                break;
            case ReportFormat.Html:
                ProcurementHtmlWriter.Write(inventory, output);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, $"a procurement report is written as {string.Join(", ", Formats)}");
        }

        output.Flush();
    }

    /// <summary>The verdict line: "No finding", "3 findings (1 High)", "Not complete: 2 accounts not read; 3 findings".</summary>
    internal static string Headline(ProcurementInventory inventory)
    {
        var findings = inventory.Findings.Count == 0
            ? "no finding in what was read"
            : $"{ReportText.Count(inventory.Findings.Count, "finding")} ({string.Join(", ", ReportText.Severities.Select(s => $"{ReportText.Number(inventory.Count(s))} {s}"))})";
        if (inventory.Complete)
        {
            return inventory.Findings.Count == 0 ? "Passed: no finding" : "Failed: " + findings;
        }

        var missing = new List<string>();
        if (inventory.AccountsNotRead.Count > 0)
        {
            missing.Add($"{ReportText.Count(inventory.AccountsNotRead.Count, "account")} not read");
        }

        var unmapped = inventory.Gaps.Count(g => g.Kind == InventoryGapKind.ProductCodeNotMapped);
        if (unmapped > 0)
        {
            missing.Add($"{ReportText.Count(unmapped, "product code")} not mapped");
        }

        var unnamed = inventory.Gaps.Count(g => g.Kind == InventoryGapKind.AgreementWithoutProduct);
        if (unnamed > 0)
        {
            missing.Add($"{ReportText.Count(unnamed, "agreement")} without a product");
        }

        return $"Not complete ({string.Join(", ", missing)}): {findings}";
    }

    /// <summary>"Running paid instances: 120 in 4 accounts; agreements: 30 (25 ACTIVE); product codes: 6 (5 mapped)".</summary>
    internal static string Totals(ProcurementInventory inventory) =>
        $"Running paid instances: {ReportText.Number(inventory.Accounts.Sum(a => a.RunningInstances))} in {ReportText.Count(inventory.Accounts.Count(a => a.RunningInstances > 0), "account")}; " +
        $"agreements: {ReportText.Number(inventory.Agreements.Count)} ({ReportText.Number(inventory.Agreements.Count(a => a.IsActive))} ACTIVE); " +
        $"product codes: {ReportText.Number(inventory.Products.Count)} ({ReportText.Number(inventory.Products.Count(p => p.Mapped))} mapped)";

    /// <summary>The map line: "map.json (12 product codes)" or "none given".</summary>
    internal static string MapLine(ProcurementInventory inventory) => inventory.ProductCodeMapPath is { } path
        ? $"{path} ({ReportText.Count(inventory.ProductCodeMap.Count, "product code")})"
        : "none given: no product code can be joined to an agreement";

    internal static string Window(ProcurementInventory inventory) => ReportText.Count((int)Math.Min(int.MaxValue, Math.Floor(inventory.ExpiresWithin.TotalDays)), "day");

    internal static string Product(ProductInventory product) =>
        product.Mapped ? $"{product.ProductName ?? product.ProductId} ({product.ProductId})" : "not mapped";
}
