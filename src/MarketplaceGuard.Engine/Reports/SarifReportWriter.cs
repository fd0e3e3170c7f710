using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// SARIF 2.1.0: every MG rule in the driver (with its help page and security severity), one result per finding,
/// located at the principal's entry in the snapshot file and, logically, at the principal's ARN, with a fingerprint
/// that survives line moves. One SARIF run per audit run; the run's context and fix plan are in its property bag.
/// A report of an organization (or of several runs) gives each run its account's category in
/// <c>automationDetails</c> (code scanning keeps one analysis per category), adds a run that failed to execute for
/// each account that was not audited, so no dashboard shows the organization clean, and puts the organization and the
/// summary of every account in the log's property bag (as the JSON report has them).
/// </summary>
internal static class SarifReportWriter
{
    public const string Schema = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>The key of the result fingerprint: rule, principal ARN and capability, hashed; version 1.</summary>
    public const string FingerprintKey = "marketplaceGuardFinding/v1";

    public static void Write(Report report, TextWriter output) => JsonOutput.Write(output, json =>
    {
        json.WriteStartObject();
        json.WriteString("$schema", Schema);
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        foreach (var run in report.Runs)
        {
            WriteRun(json, report, run);
        }

        if (report.Organization is { } organization)
        {
            foreach (var account in organization.NotAudited)
            {
                WriteNotAudited(json, account);
            }

            json.WriteEndArray();
            json.WriteStartObject("properties");
            JsonReportWriter.WriteOrganization(json, organization.Scope);
            JsonReportWriter.WriteSummary(json, organization);
            json.WriteEndObject();
        }
        else
        {
            json.WriteEndArray();
        }

        json.WriteEndObject();
    });

    /// <summary>SARIF's level for a severity.</summary>
    public static string Level(Severity severity) => severity switch
    {
        Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>GitHub's security-severity scale: high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9.</summary>
    public static string SecuritySeverity(Severity severity) => severity switch
    {
        Severity.High => "8.0",
        Severity.Medium => "5.0",
        _ => "2.0",
    };

    /// <summary>
    /// The snapshot as a SARIF artifact URI: relative (forward slashes, escaped) when it is under
    /// <paramref name="baseDirectory"/> (PowerShell's current location), which is how code-scanning tools match results
    /// to files in a checkout; otherwise, or without a base directory, a file:// URI.
    /// </summary>
    public static string ArtifactUri(string source, string? baseDirectory)
    {
        var full = Path.GetFullPath(source);
        if (baseDirectory is null)
        {
            return new Uri(full).AbsoluteUri;
        }

        var relative = Path.GetRelativePath(baseDirectory, full);
        if (Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || relative.StartsWith("../", StringComparison.Ordinal))
        {
            return new Uri(full).AbsoluteUri;
        }

        var segments = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return string.Join('/', segments.Select(Uri.EscapeDataString));
    }

    private static void WriteRun(Utf8JsonWriter json, Report report, RunReport run)
    {
        json.WriteStartObject();
        WriteTool(json, withRules: true);
        if (report.Organization is { } organization)
        {
            WriteAutomationDetails(json, organization.AnchorOf(run), "Audit of account " + ReportText.AccountHeading(run.Run));
        }

        json.WriteStartArray("results");
        foreach (var finding in run.Findings)
        {
            WriteResult(json, report, finding);
        }

        json.WriteEndArray();

        // SARIF's own word for "this analysis did not see everything": an incomplete snapshot is an unsuccessful
        // execution with an error notification, so a code-scanning view never shows it as a clean pass.
        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", !run.Run.Incomplete);
        if (run.Run.Incomplete)
        {
            json.WriteStartArray("toolExecutionNotifications");
            json.WriteStartObject();
            json.WriteString("level", "error");
            WriteMessage(json, "message", ReportText.IncompleteWarning);
            json.WriteEndObject();
            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteEndArray();
        WriteRunProperties(json, run);
        json.WriteEndObject();
    }

    /// <summary>
    /// An account the organization audit could not audit: a run with no result whose execution failed, SARIF's way of
    /// saying the analysis did not happen, with the reason as an error notification.
    /// </summary>
    private static void WriteNotAudited(Utf8JsonWriter json, UnauditedAccount account)
    {
        json.WriteStartObject();
        WriteTool(json, withRules: false);
        var label = ReportText.Account(account.AccountId, account.AccountName);
        WriteAutomationDetails(json, OrganizationSummary.AccountAnchor(account.AccountId), $"Account {label}, not audited");
        json.WriteStartArray("results");
        json.WriteEndArray();
        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", false);
        json.WriteStartArray("toolExecutionNotifications");
        json.WriteStartObject();
        json.WriteString("level", "error");
        WriteMessage(json, "message", $"{label} was not audited: {account.Reason}. What it holds is unknown, so the organization cannot pass.");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("properties");
        json.WriteString("accountId", account.AccountId);
        json.WriteNullable("accountName", account.AccountName);
        json.WriteString("notAuditedReason", account.Reason);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>The driver; its rules only for a run that has results to point at them.</summary>
    private static void WriteTool(Utf8JsonWriter json, bool withRules)
    {
        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", Report.ToolName);
        json.WriteString("version", Report.ToolVersion);
        if (withRules)
        {
            json.WriteStartArray("rules");
            foreach (var rule in AuditRules.All)
            {
                WriteRule(json, rule);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>
    /// The run's category, one per account ("MarketplaceGuard/account-111122223333/": the trailing slash makes it a
    /// category without an instance id), so that code scanning keeps each account's alerts as its own analysis.
    /// </summary>
    private static void WriteAutomationDetails(Utf8JsonWriter json, string anchor, string description)
    {
        json.WriteStartObject("automationDetails");
        json.WriteString("id", $"{Report.ToolName}/{anchor}/");
        WriteMessage(json, "description", description);
        json.WriteEndObject();
    }

    /// <summary>What SARIF has no field for: the audit's context and its fix plan.</summary>
    private static void WriteRunProperties(Utf8JsonWriter json, RunReport report)
    {
        var run = report.Run;
        json.WriteStartObject("properties");
        json.WriteNullable("accountId", run.AccountId);
        json.WriteNullable("accountName", run.AccountName);
        json.WriteNullable("organizationPath", run.OrganizationPath);
        JsonReportWriter.WriteServiceControlPolicies(json, "serviceControlPolicies", run.ServiceControlPolicies);
        json.WriteString("source", run.Source);
        json.WriteBoolean("incomplete", run.Incomplete);
        json.WriteStrings("declaredProcurementPrincipals", run.DeclaredProcurementPrincipals);
        json.WriteStrings("procurementPrincipals", run.ProcurementPrincipals);
        json.WriteStrings("declaredViewerPrincipals", run.DeclaredViewerPrincipals);
        json.WriteStrings("viewerPrincipals", run.ViewerPrincipals);
        json.WriteStrings("declaredLauncherPrincipals", run.DeclaredLauncherPrincipals);
        json.WriteStrings("launcherPrincipals", run.LauncherPrincipals);
        json.WriteStrings("declaredGovernancePrincipals", run.DeclaredGovernancePrincipals);
        json.WriteStrings("governancePrincipals", run.GovernancePrincipals);
        json.WriteNullable("suppressionFile", run.SuppressionPath);
        json.WriteStrings("expiredSuppressions", run.ExpiredSuppressions.Select(s => s.ToString()));
        json.WriteNumber("principals", report.PrincipalCount);
        json.WriteStartArray("fixPlan");
        foreach (var item in report.FixPlan)
        {
            json.WriteStartObject();
            json.WriteString("command", item.Command);
            json.WriteString("cause", item.Cause);
            json.WriteNumber("principalCount", item.Principals.Count);
            json.WriteStrings("ruleIds", item.RuleIds);
            json.WriteEndObject();
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
        // No helpUri: SARIF requires an absolute URI there (GitHub code scanning rejects the whole upload for a
        // relative one), and the module has no published documentation site; the rule's text travels in "help", and
        // Get-Help about_MarketplaceGuardAudit documents every rule where the module is installed.
        json.WriteStartObject("properties");
        json.WriteString("security-severity", SecuritySeverity(rule.DefaultSeverity));
        json.WriteStartArray("tags");
        json.WriteStringValue("security");
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter json, Report report, Finding finding)
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
            json.WriteString("uri", ArtifactUri(finding.SourceFile, report.BaseDirectory));
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

        json.WriteStartObject("partialFingerprints");
        json.WriteString(FingerprintKey, Fingerprint(finding));
        json.WriteEndObject();

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
        json.WriteNullable("accountId", finding.AccountId);
        json.WriteNullable("accountName", finding.AccountName);
        json.WriteString("principal", finding.Principal);
        json.WriteString("cause", finding.Cause);
        if (finding.Capability is { } capability)
        {
            json.WriteString("capability", capability);
        }

        json.WriteString("decision", finding.Decision.ToString());
        json.WriteString("recommendation", finding.Recommendation);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>
    /// The same finding in two audits has the same fingerprint, wherever its entry moved in the file: the rule, the
    /// principal's ARN and the capability identify it.
    /// </summary>
    private static string Fingerprint(Finding finding)
    {
        var identity = $"{finding.RuleId}|{finding.PrincipalArn}|{finding.Capability}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
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
