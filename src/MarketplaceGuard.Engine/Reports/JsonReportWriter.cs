using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// MarketplaceGuard's JSON report, camelCase, one shape however many audits it holds:
/// <c>{ "tool", "version", "generatedAt", "audits": [ { account, source, principals declared, suppressions,
/// incomplete, summary, fixPlan, findings, matrix } ] }</c>. Enum values are written by name ("High", "ExplicitDeny")
/// as the PowerShell objects show them.
/// </summary>
internal static class JsonReportWriter
{
    public static void Write(Report report, TextWriter output) => JsonOutput.Write(output, json =>
    {
        json.WriteStartObject();
        json.WriteString("tool", Report.ToolName);
        json.WriteString("version", Report.ToolVersion);
        json.WriteString("generatedAt", report.GeneratedAtText);
        json.WriteStartArray("audits");
        foreach (var run in report.Runs)
        {
            WriteRun(json, run);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    private static void WriteRun(Utf8JsonWriter json, RunReport report)
    {
        var run = report.Run;
        json.WriteStartObject();
        json.WriteNullable("accountId", run.AccountId);
        json.WriteString("source", run.Source);
        json.WriteBoolean("incomplete", run.Incomplete);
        WritePrincipals(json, "procurementPrincipals", run.DeclaredProcurementPrincipals, run.ProcurementPrincipals);
        WritePrincipals(json, "viewerPrincipals", run.DeclaredViewerPrincipals, run.ViewerPrincipals);
        WritePrincipals(json, "launcherPrincipals", run.DeclaredLauncherPrincipals, run.LauncherPrincipals);
        json.WriteNullable("suppressionFile", run.SuppressionPath);
        json.WriteStartArray("expiredSuppressions");
        foreach (var expired in run.ExpiredSuppressions)
        {
            json.WriteStartObject();
            json.WriteString("ruleId", expired.RuleId);
            json.WriteString("principal", expired.Principal);
            json.WriteString("justification", expired.Justification);
            json.WriteString("expires", ReportText.Date(expired.Expires));
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartObject("summary");
        json.WriteNumber("principals", report.PrincipalCount);
        json.WriteNumber("findings", report.Findings.Count);
        json.WriteStartObject("bySeverity");
        foreach (var severity in ReportText.Severities)
        {
            json.WriteNumber(JsonNamingPolicy.CamelCase.ConvertName(severity.ToString()), report.OpenCount(severity));
        }

        json.WriteEndObject();
        json.WriteNumber("suppressed", report.SuppressedCount);
        json.WriteBoolean("passed", report.Passed);
        json.WriteEndObject();

        json.WriteStartArray("fixPlan");
        foreach (var item in report.FixPlan)
        {
            json.WriteStartObject();
            json.WriteString("command", item.Command);
            json.WriteString("cause", item.Cause);
            json.WriteBoolean("atGroup", item.AtGroup);
            json.WriteNumber("principalCount", item.Principals.Count);
            json.WriteStrings("principals", item.Principals);
            json.WriteStrings("ruleIds", item.RuleIds);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("findings");
        foreach (var finding in report.Findings)
        {
            WriteFinding(json, finding);
        }

        json.WriteEndArray();

        json.WriteStartArray("matrix");
        foreach (var entry in report.Matrix)
        {
            json.WriteStartObject();
            json.WriteString("principal", entry.Principal.DisplayName);
            json.WriteString("arn", entry.PrincipalArn);
            json.WriteString("capability", entry.Capability);
            json.WriteString("decision", entry.Decision.ToString());
            json.WriteStrings("conditions", entry.Conditions);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WritePrincipals(Utf8JsonWriter json, string name, IReadOnlyList<string> declared, IReadOnlyList<string> resolved)
    {
        json.WriteStartObject(name);
        json.WriteStrings("declared", declared);
        json.WriteStrings("resolved", resolved);
        json.WriteEndObject();
    }

    private static void WriteFinding(Utf8JsonWriter json, Finding finding)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", finding.RuleId);
        json.WriteString("severity", finding.Severity.ToString());
        json.WriteString("principal", finding.Principal);
        json.WriteString("principalType", finding.PrincipalType.ToString());
        json.WriteString("principalName", finding.PrincipalName);
        json.WriteString("principalArn", finding.PrincipalArn);
        json.WriteString("cause", finding.Cause);
        json.WriteNullable("capability", finding.Capability);
        json.WriteString("decision", finding.Decision.ToString());
        json.WriteStrings("conditions", finding.Conditions);
        json.WriteString("reason", finding.Reason);
        json.WriteStrings("evidence", finding.EvidenceText);
        json.WriteString("recommendation", finding.Recommendation);
        json.WriteBoolean("suppressed", finding.Suppressed);
        if (finding.Suppression is { } suppression)
        {
            json.WriteStartObject("suppression");
            json.WriteString("justification", suppression.Justification);
            json.WriteString("expires", ReportText.Date(suppression.Expires));
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("suppression");
        }

        json.WriteStartObject("location");
        json.WriteString("file", finding.SourceFile);
        json.WriteNumber("line", finding.Line);
        json.WriteString("jsonPath", finding.JsonPath);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
