using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// MarketplaceGuard's JSON report: tool, time, source, summary, findings and matrix, camelCase. Enum values are
/// written by name ("High", "ExplicitDeny") as the PowerShell objects show them. Several runs give an array of such
/// objects.
/// </summary>
internal static class JsonReportWriter
{
    public static void Write(Report report, TextWriter output) => JsonOutput.Write(output, json =>
    {
        if (report.Runs.Count == 1)
        {
            WriteRun(json, report, report.Runs[0]);
            return;
        }

        json.WriteStartArray();
        foreach (var run in report.Runs)
        {
            WriteRun(json, report, run);
        }

        json.WriteEndArray();
    });

    private static void WriteRun(Utf8JsonWriter json, Report report, RunReport run)
    {
        json.WriteStartObject();
        json.WriteString("tool", Report.ToolName);
        json.WriteString("version", Report.ToolVersion);
        json.WriteString("generatedAt", report.GeneratedAtText);
        json.WriteNullable("source", run.Source);

        json.WriteStartObject("summary");
        json.WriteNumber("principals", run.Principals.Count);
        json.WriteNumber("findings", run.Findings.Count);
        json.WriteStartObject("bySeverity");
        foreach (var severity in ReportText.Severities)
        {
            json.WriteNumber(JsonNamingPolicy.CamelCase.ConvertName(severity.ToString()), run.OpenCount(severity));
        }

        json.WriteEndObject();
        json.WriteNumber("suppressed", run.SuppressedCount);
        json.WriteBoolean("passed", run.Passed);
        json.WriteEndObject();

        json.WriteStartArray("findings");
        foreach (var finding in run.Findings)
        {
            WriteFinding(json, finding);
        }

        json.WriteEndArray();

        json.WriteStartArray("matrix");
        foreach (var entry in run.Matrix)
        {
            json.WriteStartObject();
            json.WriteString("principal", entry.Principal.DisplayName);
            json.WriteString("arn", entry.PrincipalArn);
            json.WriteString("capability", entry.Capability);
            json.WriteString("decision", entry.Decision.ToString());
            WriteStrings(json, "conditions", entry.Conditions);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteFinding(Utf8JsonWriter json, Finding finding)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", finding.RuleId);
        json.WriteString("severity", finding.Severity.ToString());
        json.WriteString("principalType", finding.PrincipalType.ToString());
        json.WriteString("principalName", finding.PrincipalName);
        json.WriteString("principalArn", finding.PrincipalArn);
        json.WriteNullable("capability", finding.Capability);
        json.WriteString("decision", finding.Decision.ToString());
        WriteStrings(json, "conditions", finding.Conditions);
        json.WriteString("reason", finding.Reason);
        WriteStrings(json, "evidence", finding.Evidence.Select(e => e.ToString()));
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

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
