using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Xml.Linq;
using MarketplaceGuard.Engine.PaidResources;
using MarketplaceGuard.Engine.Procurement;
using MarketplaceGuard.Engine.Reports;
using static MarketplaceGuard.Tests.Procurement.ProcurementFixture;

namespace MarketplaceGuard.Tests.Procurement;

public sealed class ProcurementReportTests
{
    private static ProcurementInventory Inventory() => Build(
        [Agreement("agmt-old", Prod, "CANCELLED"), Agreement("agmt-soon", Shared, "ACTIVE", endsInDays: 10, license: "arn:aws:license-manager::222222222222:license:l-1")],
        [
            new PaidResource(PaidResourceType.Instance, "i-1", "us-east-1", Prod) { ProductCodes = [Code], State = "running", AccountName = "<script>alert(1)</script> | *prod*" },
            Instance("i-2", Dev, "running"),
            Instance("i-3", Dev, "running", UnmappedCode),
            Image("ami-1", Dev, guarded: false),
        ],
        [new AccountNotRead("444444444444", "sandbox", "AssumeRole refused")]);

    private static string Write(ProcurementInventory inventory, ReportFormat format)
    {
        using var text = new StringWriter();
        ProcurementReportWriter.Write(inventory, format, text);
        return text.ToString();
    }

    [Fact]
    public void JsonIsVersionedAndHoldsEveryPart()
    {
        using var json = JsonDocument.Parse(Write(Inventory(), ReportFormat.Json));
        var root = json.RootElement;

        Assert.Equal("procurement", root.GetProperty("report").GetString());
        Assert.Equal(1, root.GetProperty("formatVersion").GetInt32());
        Assert.False(root.GetProperty("complete").GetBoolean());
        Assert.False(root.GetProperty("passed").GetBoolean());
        Assert.Contains("No AWS API maps", root.GetProperty("mappingLimitation").GetString(), StringComparison.Ordinal);
        Assert.Equal("444444444444", root.GetProperty("accountsNotRead")[0].GetProperty("accountId").GetString());
        Assert.Equal(["MG4001", "MG4002", "MG4003", "MG4004", "MG4005"], root.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()).ToArray());
        Assert.Equal(5, root.GetProperty("summary").GetProperty("findings").GetInt32());
        Assert.Equal(2, root.GetProperty("products").GetArrayLength());
        Assert.Equal(10, root.GetProperty("findings")[1].GetProperty("daysLeft").GetInt32());
        Assert.Equal(2, root.GetProperty("agreements").GetArrayLength());
    }

    [Fact]
    public void HtmlIsSelfContainedWithAChartAndEncodesEveryValue()
    {
        var html = Write(Inventory(), ReportFormat.Html);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http-equiv", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        var svg = html[html.IndexOf("<svg", StringComparison.Ordinal)..(html.IndexOf("</svg>", StringComparison.Ordinal) + 6)];
        var chart = XElement.Parse(svg);
        Assert.Equal(3, chart.Elements("rect").Count(r => (string?)r.Attribute("class") == "running"));
        Assert.Single(chart.Elements("rect"), r => (string?)r.Attribute("class") == "leaking");
        Assert.Single(chart.Elements("text"), t => t.Value == "not read");
        Assert.Contains("<table class=\"products\">", html, StringComparison.Ordinal);
        Assert.Contains("What is missing", html, StringComparison.Ordinal);
        Assert.Contains("class=\"verdict incomplete\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void MarkdownHasTheVerdictTheTablesAndEscapesNames()
    {
        var markdown = Write(Inventory(), ReportFormat.Markdown);

        Assert.Contains("**Verdict: Not complete (1 account not read, 1 product code not mapped)", markdown, StringComparison.Ordinal);
        Assert.Contains("| Product code | Product | Account |", markdown, StringComparison.Ordinal);
        Assert.Contains("\\<script\\>", markdown, StringComparison.Ordinal);
        Assert.Contains("\\| \\*prod\\*", markdown, StringComparison.Ordinal);
        Assert.Contains("- **MG4001**", markdown, StringComparison.Ordinal);
        Assert.Contains("No AWS API maps", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void ACompleteCleanInventoryPasses()
    {
        var inventory = Build([Agreement("agmt-1", Prod, "ACTIVE")], [Instance("i-1", Prod, "running")]);

        Assert.Contains("Passed: no finding", Write(inventory, ReportFormat.Markdown), StringComparison.Ordinal);
        Assert.Contains("class=\"verdict passed\"", Write(inventory, ReportFormat.Html), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReportFormat.Sarif)]
    [InlineData(ReportFormat.JUnit)]
    public void AuditOnlyFormatsAreRefused(ReportFormat format)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Write(Inventory(), format));
    }
}
