using System.IO;
using System.Linq;
using System.Text.Json;
using MarketplaceGuard.Engine.Procurement;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// The procurement inventory as JSON, camelCase: <c>{ "tool", "version", "report": "procurement", "formatVersion",
/// "generatedAt", "complete", "passed", "headline", "mappingLimitation", "productCodeMap", "expiresWithinDays",
/// "summary", "accountsNotRead", "gaps", "accounts", "products", "agreements", "findings" }</c>. <c>report</c> tells it
/// from the audit's report; <see cref="FormatVersion"/> changes whenever a reader of the previous shape would misread it.
/// </summary>
internal static class ProcurementJsonWriter
{
    public const int FormatVersion = 1;

    public static void Write(ProcurementInventory inventory, TextWriter output) => JsonOutput.Write(output, json =>
    {
        json.WriteStartObject();
        json.WriteString("tool", Report.ToolName);
        json.WriteString("version", Report.ToolVersion);
        json.WriteString("report", "procurement");
        json.WriteNumber("formatVersion", FormatVersion);
        json.WriteString("generatedAt", ReportText.UtcTimestamp(inventory.GeneratedAt));
        json.WriteBoolean("complete", inventory.Complete);
        json.WriteBoolean("passed", inventory.Passed);
        json.WriteString("headline", ProcurementReportWriter.Headline(inventory));
        json.WriteString("mappingLimitation", ProcurementInventory.MappingLimitation);
        json.WriteStartObject("productCodeMap");
        json.WriteNullable("path", inventory.ProductCodeMapPath);
        json.WriteNumber("productCodes", inventory.ProductCodeMap.Count);
        json.WriteEndObject();
        json.WriteNumber("expiresWithinDays", inventory.ExpiresWithin.TotalDays);

        json.WriteStartObject("summary");
        json.WriteNumber("findings", inventory.Findings.Count);
        foreach (var severity in ReportText.Severities)
        {
            json.WriteNumber(severity.ToString().ToLowerInvariant(), inventory.Count(severity));
        }

        json.WriteNumber("runningInstances", inventory.Accounts.Sum(a => a.RunningInstances));
        json.WriteNumber("leakingInstances", inventory.Accounts.Sum(a => a.LeakingInstances));
        json.WriteNumber("agreements", inventory.Agreements.Count);
        json.WriteNumber("productCodes", inventory.Products.Count);
        json.WriteEndObject();

        json.WriteStartArray("accountsNotRead");
        foreach (var account in inventory.AccountsNotRead)
        {
            json.WriteStartObject();
            json.WriteString("accountId", account.AccountId);
            json.WriteNullable("accountName", account.AccountName);
            json.WriteString("reason", account.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("gaps");
        foreach (var gap in inventory.Gaps)
        {
            json.WriteStartObject();
            json.WriteString("kind", gap.Kind.ToString());
            json.WriteNullable("accountId", gap.AccountId);
            json.WriteString("subject", gap.Subject);
            json.WriteString("detail", gap.Detail);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("accounts");
        foreach (var account in inventory.Accounts)
        {
            json.WriteStartObject();
            json.WriteString("accountId", account.AccountId);
            json.WriteNullable("accountName", account.AccountName);
            json.WriteBoolean("read", account.NotReadReason is null);
            json.WriteNumber("runningInstances", account.RunningInstances);
            json.WriteNumber("stoppedInstances", account.StoppedInstances);
            json.WriteNumber("leakingInstances", account.LeakingInstances);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("products");
        foreach (var product in inventory.Products)
        {
            json.WriteStartObject();
            json.WriteString("productCode", product.ProductCode);
            json.WriteNullable("productId", product.ProductId);
            json.WriteNullable("productName", product.ProductName);
            json.WriteBoolean("mapped", product.Mapped);
            json.WriteNumber("runningInstances", product.RunningInstances);
            json.WriteNumber("stoppedInstances", product.StoppedInstances);
            json.WriteNumber("images", product.Images);
            json.WriteStrings("agreementIds", product.Agreements.Select(a => a.AgreementId));
            json.WriteStartArray("placements");
            foreach (var placement in product.Placements)
            {
                json.WriteStartObject();
                json.WriteString("accountId", placement.AccountId);
                json.WriteNullable("accountName", placement.AccountName);
                json.WriteString("region", placement.Region);
                json.WriteStrings("runningInstanceIds", placement.RunningInstanceIds);
                json.WriteStrings("stoppedInstanceIds", placement.StoppedInstanceIds);
                json.WriteStrings("imageIds", placement.ImageIds);
                json.WriteStrings("unprotectedImageIds", placement.UnprotectedImageIds);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("agreements");
        foreach (var agreement in inventory.Agreements)
        {
            json.WriteStartObject();
            json.WriteString("agreementId", agreement.AgreementId);
            json.WriteString("accountId", agreement.AccountId);
            json.WriteNullable("accountName", agreement.AccountName);
            json.WriteNullable("status", agreement.Status);
            json.WriteNullable("productId", agreement.ProductId);
            json.WriteNullable("productName", agreement.ProductName);
            json.WriteNullable("offerId", agreement.OfferId);
            json.WriteNullable("startTime", agreement.StartTime is { } start ? ReportText.UtcTimestamp(start) : null);
            json.WriteNullable("endTime", agreement.EndTime is { } end ? ReportText.UtcTimestamp(end) : null);
            json.WriteStrings("licenseArns", agreement.LicenseArns);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("findings");
        foreach (var finding in inventory.Findings)
        {
            json.WriteStartObject();
            json.WriteString("ruleId", finding.RuleId);
            json.WriteString("title", finding.Rule.Title);
            json.WriteString("severity", finding.Severity.ToString());
            json.WriteString("accountId", finding.AccountId);
            json.WriteNullable("accountName", finding.AccountName);
            json.WriteNullable("productCode", finding.ProductCode);
            json.WriteNullable("productId", finding.ProductId);
            json.WriteNullable("productName", finding.ProductName);
            json.WriteNumber("runningInstances", finding.RunningInstances);
            if (finding.DaysLeft is { } days)
            {
                json.WriteNumber("daysLeft", days);
            }
            else
            {
                json.WriteNull("daysLeft");
            }

            json.WriteStrings("agreementIds", finding.AgreementIds);
            json.WriteStrings("resourceIds", finding.ResourceIds);
            json.WriteStrings("regions", finding.Regions);
            json.WriteStrings("holderAccountIds", finding.HolderAccountIds);
            json.WriteStrings("licenseArns", finding.LicenseArns);
            json.WriteString("reason", finding.Reason);
            json.WriteStrings("evidence", finding.Evidence);
            json.WriteString("recommendation", finding.Recommendation);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });
}
