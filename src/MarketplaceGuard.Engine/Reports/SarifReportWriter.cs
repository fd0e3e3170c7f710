using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// SARIF 2.1.0: every MG rule in the driver, one result per finding, located at the principal's entry in the
/// snapshot file and, logically, at the principal's ARN. One SARIF run per audit run.
/// </summary>
internal static class SarifReportWriter
{
    public const string Schema = "https://json.schemastore.org/sarif-2.1.0.json";

    public static void Write(Report report, TextWriter output) => JsonOutput.Write(output, json =>
    {
        json.WriteStartObject();
        json.WriteString("$schema", Schema);
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        foreach (var run in report.Runs)
        {
            WriteRun(json, run);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>SARIF's level for a severity.</summary>
    public static string Level(Severity severity) => severity switch
    {
        Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>
    /// The snapshot as a SARIF artifact URI: relative (forward slashes, escaped) when it is under the current
    /// directory, which is how code-scanning tools match results to files in a checkout; otherwise a file:// URI.
    /// </summary>
    public static string ArtifactUri(string source)
    {
        var full = Path.GetFullPath(source);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        if (Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || relative.StartsWith("../", StringComparison.Ordinal))
        {
            return new Uri(full).AbsoluteUri;
        }

        var segments = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return string.Join('/', segments.Select(Uri.EscapeDataString));
    }

    private static void WriteRun(Utf8JsonWriter json, RunReport run)
    {
        json.WriteStartObject();
        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", Report.ToolName);
        json.WriteString("version", Report.ToolVersion);
        json.WriteStartArray("rules");
        foreach (var rule in AuditRules.All)
        {
            WriteRule(json, rule);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartArray("results");
        foreach (var finding in run.Findings)
        {
            WriteResult(json, finding);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteRule(Utf8JsonWriter json, AuditRule rule)
    {
        json.WriteStartObject();
        json.WriteString("id", rule.Id);
        json.WriteString("name", rule.Name);
        WriteMessage(json, "shortDescription", rule.Title);
        WriteMessage(json, "fullDescription", rule.Description);
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", Level(rule.DefaultSeverity));
        json.WriteEndObject();
        WriteMessage(json, "help", rule.Description);
        json.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter json, Finding finding)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", finding.RuleId);
        json.WriteNumber("ruleIndex", IndexOf(finding.Rule));
        json.WriteString("level", Level(finding.Severity));
        WriteMessage(json, "message", finding.Reason + " Fix: " + finding.Recommendation);

        json.WriteStartArray("locations");
        json.WriteStartObject();

        // A principal read from a live account has no line in any file: it keeps only its logical location.
        if (finding.Line > 0)
        {
            json.WriteStartObject("physicalLocation");
            json.WriteStartObject("artifactLocation");
            json.WriteString("uri", ArtifactUri(finding.SourceFile));
            json.WriteEndObject();
            json.WriteStartObject("region");
            json.WriteNumber("startLine", finding.Line);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteStartArray("logicalLocations");
        json.WriteStartObject();
        json.WriteString("fullyQualifiedName", finding.PrincipalArn);
        json.WriteString("kind", "object");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();

        // SARIF reads an absent "suppressions" as "not known"; an empty array says the result is not suppressed.
        json.WriteStartArray("suppressions");
        if (finding.Suppression is { } suppression)
        {
            json.WriteStartObject();
            json.WriteString("kind", "external");
            json.WriteString("justification", suppression.Justification);

            // SARIF has no field for the end of a suppression; the property bag keeps it visible.
            json.WriteStartObject("properties");
            json.WriteString("expires", ReportText.Date(suppression.Expires));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartObject("properties");
        json.WriteString("principal", finding.Principal.DisplayName);
        if (finding.Capability is { } capability)
        {
            json.WriteString("capability", capability);
        }

        json.WriteString("decision", finding.Decision.ToString());
        json.WriteString("recommendation", finding.Recommendation);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter json, string name, string text)
    {
        json.WriteStartObject(name);
        json.WriteString("text", text);
        json.WriteEndObject();
    }

    /// <summary>The rule's position in the driver's rules array, which lists <see cref="AuditRules.All"/> in order.</summary>
    private static int IndexOf(AuditRule rule)
    {
        for (var i = 0; i < AuditRules.All.Count; i++)
        {
            if (AuditRules.All[i] == rule)
            {
                return i;
            }
        }

        return -1;
    }
}
