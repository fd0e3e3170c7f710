using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// MarketplaceGuard's JSON report, camelCase, one shape however many audits it holds:
/// <c>{ "tool", "version", "formatVersion", "generatedAt", "organization", "summary", "audits": [ { runId, account,
/// organization path, source, start, SCP assessment, principals declared, suppressions, incomplete, summary, fixPlan,
/// findings, matrix } ] }</c>. Enum values are written by name ("High", "ExplicitDeny") as the PowerShell objects show
/// them. <c>organization</c> is the organization audit the runs belong to and <c>summary</c> the summary of every
/// account; both are null for the report of one run outside an organization audit.
/// </summary>
/// <remarks>
/// The report is also the format audits travel in: <see cref="JsonReportReader"/> reads it back into runs and findings,
/// so everything a report states of a run (its id, its start, every field of every finding) is written, and
/// <see cref="FormatVersion"/> changes whenever the reader would misread a report of the previous shape.
/// </remarks>
internal static class JsonReportWriter
{
    /// <summary>The version of the report's shape that <see cref="JsonReportReader"/> reads.</summary>
    public const int FormatVersion = 2;

    public static void Write(Report report, TextWriter output) => JsonOutput.Write(output, json =>
    {
        json.WriteStartObject();
        json.WriteString("tool", Report.ToolName);
        json.WriteString("version", Report.ToolVersion);
        json.WriteNumber("formatVersion", FormatVersion);
        json.WriteString("generatedAt", report.GeneratedAtText);
        WriteOrganization(json, report.Organization?.Scope);
        WriteSummary(json, report.Organization);
        json.WriteStartArray("audits");
        foreach (var run in report.Runs)
        {
            WriteRun(json, run);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>The assessment of SCPs, as an object named <paramref name="name"/> (shared with the SARIF writer).</summary>
    public static void WriteServiceControlPolicies(Utf8JsonWriter json, string name, ServiceControlPolicyAssessment assessment)
    {
        json.WriteStartObject(name);
        json.WriteBoolean("considered", assessment.Considered);
        json.WriteString("summary", assessment.Summary);
        json.WriteStrings("relevant", assessment.Relevant);
        json.WriteEndObject();
    }

    /// <summary>The organization audit: what a reader needs to rebuild its scope (shared with the SARIF writer).</summary>
    public static void WriteOrganization(Utf8JsonWriter json, OrganizationScope? scope)
    {
        if (scope is null)
        {
            json.WriteNull("organization");
            return;
        }

        json.WriteStartObject("organization");
        json.WriteNullable("id", scope.OrganizationId);
        json.WriteNullable("managementAccountId", scope.ManagementAccountId);
        json.WriteBoolean("serviceControlPoliciesRead", scope.ServiceControlPoliciesRead);
        json.WriteNullable("notReadReason", scope.NotReadReason);
        json.WriteNumber("accountsRequested", scope.AccountsRequested);
        json.WriteStartArray("unaudited");
        foreach (var account in scope.Unaudited)
        {
            json.WriteStartObject();
            json.WriteString("accountId", account.AccountId);
            json.WriteNullable("accountName", account.AccountName);
            json.WriteString("reason", account.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The summary of every account and the verdict of the whole (shared with the SARIF writer).</summary>
    public static void WriteSummary(Utf8JsonWriter json, OrganizationSummary? organization)
    {
        if (organization is null)
        {
            json.WriteNull("summary");
            return;
        }

        json.WriteStartObject("summary");
        json.WriteString("verdict", ReportText.Headline(organization));
        json.WriteBoolean("passed", organization.Passed);
        json.WriteNumber("accountsRequested", organization.AccountsRequested);
        json.WriteNumber("accountsAudited", organization.AccountsAudited);
        json.WriteNumber("accountsNotAudited", organization.NotAudited.Count);
        json.WriteNumber("findings", organization.OpenCount);
        json.WriteStartObject("bySeverity");
        foreach (var severity in ReportText.Severities)
        {
            json.WriteNumber(JsonNamingPolicy.CamelCase.ConvertName(severity.ToString()), organization.OpenCountOf(severity));
        }

        json.WriteEndObject();
        json.WriteNumber("suppressed", organization.SuppressedCount);
        json.WriteStrings("warnings", ReportText.ServiceControlPolicyWarning(organization) is { } warning ? [warning] : []);
        json.WriteStartArray("accounts");
        foreach (var account in organization.Accounts)
        {
            WriteAccount(json, account);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>One account of the summary; the counts of an account that was not audited are unknown, so null.</summary>
    private static void WriteAccount(Utf8JsonWriter json, AccountSummary account)
    {
        json.WriteStartObject();
        json.WriteNullable("accountId", account.AccountId);
        json.WriteNullable("accountName", account.AccountName);
        json.WriteNullable("organizationPath", account.OrganizationPath);
        json.WriteBoolean("audited", account.Run is not null);
        json.WriteNullable("notAuditedReason", account.NotAuditedReason);
        json.WriteString("verdict", account.Verdict);
        if (account.Run is not { } run)
        {
            foreach (var name in new[] { "passed", "findings", "bySeverity", "byRule", "suppressed", "serviceControlPolicies" })
            {
                json.WriteNull(name);
            }

            json.WriteEndObject();
            return;
        }

        json.WriteBoolean("passed", run.Passed);
        json.WriteNumber("findings", run.Open.Count());
        json.WriteStartObject("bySeverity");
        foreach (var severity in ReportText.Severities)
        {
            json.WriteNumber(JsonNamingPolicy.CamelCase.ConvertName(severity.ToString()), run.OpenCount(severity));
        }

        json.WriteEndObject();
        json.WriteStartObject("byRule");
        foreach (var (ruleId, count) in run.OpenByRule)
        {
            json.WriteNumber(ruleId, count);
        }

        json.WriteEndObject();
        json.WriteNumber("suppressed", run.SuppressedCount);
        WriteServiceControlPolicies(json, "serviceControlPolicies", run.Run.ServiceControlPolicies);
        json.WriteEndObject();
    }

    private static void WriteRun(Utf8JsonWriter json, RunReport report)
    {
        var run = report.Run;
        json.WriteStartObject();
        json.WriteString("runId", run.Id.ToString("D"));
        json.WriteNullable("accountId", run.AccountId);
        json.WriteNullable("accountName", run.AccountName);
        json.WriteNullable("organizationPath", run.OrganizationPath);
        json.WriteBoolean("inOrganization", run.Organization is not null);
        json.WriteString("source", run.Source);
        json.WriteString("startedAt", run.StartedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        json.WriteBoolean("incomplete", run.Incomplete);
        WriteServiceControlPolicies(json, "serviceControlPolicies", run.ServiceControlPolicies);
        WritePrincipals(json, "procurementPrincipals", run.DeclaredProcurementPrincipals, run.ProcurementPrincipals);
        WritePrincipals(json, "viewerPrincipals", run.DeclaredViewerPrincipals, run.ViewerPrincipals);
        WritePrincipals(json, "launcherPrincipals", run.DeclaredLauncherPrincipals, run.LauncherPrincipals);
        WritePrincipals(json, "governancePrincipals", run.DeclaredGovernancePrincipals, run.GovernancePrincipals);
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
        json.WriteNullable("accountId", finding.AccountId);
        json.WriteNullable("accountName", finding.AccountName);
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
            json.WriteString("principal", suppression.Principal);
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
