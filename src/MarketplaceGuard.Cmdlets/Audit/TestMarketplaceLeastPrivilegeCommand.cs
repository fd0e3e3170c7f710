using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Reports;
using MarketplaceGuard.Cmdlets.Errors;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>
/// Test-MarketplaceLeastPrivilege: audits an account against the least-privilege rules and returns findings, or
/// $true/$false with -Quiet.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MarketplaceLeastPrivilege", DefaultParameterSetName = LiveParameterSet)]
[OutputType(typeof(Finding), typeof(bool))]
public sealed class TestMarketplaceLeastPrivilegeCommand : AccountAuditCommand
{
    /// <summary>Who may procure: users, roles or groups (names, ARNs, wildcards).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[] ProcurementPrincipal { get; set; } = [];

    /// <summary>Who may only view subscriptions (billing).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ViewerPrincipal { get; set; }

    /// <summary>A JSON file of suppressions.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SuppressionPath { get; set; }

    /// <summary>Return only $true (no unsuppressed finding, and the snapshot is complete) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Also write a report of the whole audit to this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ReportPath { get; set; }

    /// <summary>The report's format; from the file extension when omitted.</summary>
    [Parameter]
    [ValidateSet(nameof(Engine.Reports.ReportFormat.Json), nameof(Engine.Reports.ReportFormat.Sarif), nameof(Engine.Reports.ReportFormat.JUnit), nameof(Engine.Reports.ReportFormat.Markdown), nameof(Engine.Reports.ReportFormat.Html), IgnoreCase = true)]
    public string? ReportFormat { get; set; }

    protected override void EndProcessing()
    {
        var suppressions = LoadSuppressions();
        var account = LoadAccount();
        var procurement = Resolve(account, ProcurementPrincipal, nameof(ProcurementPrincipal));
        var viewers = ViewerPrincipal is null ? [] : Resolve(account, ViewerPrincipal, nameof(ViewerPrincipal));
        WriteVerbose($"Procurement: {string.Join(", ", procurement.Select(p => p.DisplayName))}; viewers: {(viewers.Count == 0 ? "none" : string.Join(", ", viewers.Select(p => p.DisplayName)))}.");

        var stopwatch = Stopwatch.StartNew();
        var run = new LeastPrivilegeAudit().Run(account, procurement, viewers, suppressions, DateOnly.FromDateTime(DateTime.Today), EvaluationProgress(account.Principals.Count));
        WriteVerbose($"Evaluated {account.Principals.Count} principals × {Capabilities.All.Count} capabilities in {stopwatch.Elapsed.TotalMilliseconds:N0} ms: {run.Findings.Count(f => !f.Suppressed)} findings, {run.Findings.Count(f => f.Suppressed)} suppressed.");

        foreach (var expired in run.ExpiredSuppressions)
        {
            WriteWarning($"The suppression of {expired.RuleId} for {expired.Principal} expired on {expired.Expires:yyyy-MM-dd} and no longer applies ({expired.Justification}).");
        }

        if (ReportPath is not null)
        {
            WriteReport(run);
        }

        if (Quiet)
        {
            // An incomplete snapshot (-AllowIncomplete) never passes: what it does not hold was never audited.
            WriteObject(run.Passed && !account.Snapshot.Incomplete);
            return;
        }

        WriteObject(run.Findings, enumerateCollection: true);
    }

    private System.Collections.Generic.IReadOnlyList<Suppression> LoadSuppressions()
    {
        if (SuppressionPath is null)
        {
            return [];
        }

        var path = GetUnresolvedProviderPathFromPSPath(SuppressionPath);
        try
        {
            return SuppressionFile.Load(path);
        }
        catch (SuppressionFileException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.SuppressionsInvalid, ErrorCategory.InvalidData, path));
        }
        catch (IOException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.SuppressionsUnreadable, ErrorCategory.ReadError, path));
        }

        return [];
    }

    private void WriteReport(AuditRun run)
    {
        var path = GetUnresolvedProviderPathFromPSPath(ReportPath!);
        var format = ReportFormat is not null
            ? Enum.Parse<ReportFormat>(ReportFormat, ignoreCase: true)
            : Enum.GetValues<ReportFormat>().Cast<ReportFormat?>().FirstOrDefault(f => path.EndsWith(AuditReportWriter.FileExtension(f!.Value), StringComparison.OrdinalIgnoreCase));
        if (format is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSArgumentException($"-ReportPath '{path}': give -ReportFormat ({string.Join(", ", Enum.GetNames<ReportFormat>())}); the extension does not say which."),
                ErrorIds.ReportFormatUnknown,
                ErrorCategory.InvalidArgument,
                path));
        }

        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        AuditReportWriter.Write(run, format!.Value, writer);
        WriteVerbose($"Wrote the {format} report to {path}.");
    }
}
