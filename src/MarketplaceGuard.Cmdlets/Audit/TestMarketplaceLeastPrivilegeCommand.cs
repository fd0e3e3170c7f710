using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using MarketplaceGuard.Cmdlets.Principals;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Reports;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Output;
using MarketplaceGuard.Cmdlets.Organizations;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>
/// Test-MarketplaceLeastPrivilege: audits an account against the least-privilege rules and returns findings, or
/// $true/$false with -Quiet.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MarketplaceLeastPrivilege", DefaultParameterSetName = LiveParameterSet)]
[OutputType(typeof(Finding), typeof(bool), typeof(AuditRun))]
public sealed class TestMarketplaceLeastPrivilegeCommand : AccountAuditCommand
{
    /// <summary>Who may procure: users, roles or groups (names, ARNs, wildcards).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [PrincipalTransformation]
    [ArgumentCompleter(typeof(PrincipalNameCompleter))]
    public string[] ProcurementPrincipal { get; set; } = [];

    /// <summary>Who may only view subscriptions (billing).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [PrincipalTransformation]
    [ArgumentCompleter(typeof(PrincipalNameCompleter))]
    public string[]? ViewerPrincipal { get; set; }

    /// <summary>Who may launch and replicate paid AMIs (Rule 2); nobody when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [PrincipalTransformation]
    [ArgumentCompleter(typeof(PrincipalNameCompleter))]
    public string[]? LauncherPrincipal { get; set; }

    /// <summary>Who may administer distribution: License Manager grants, Service Catalog portfolios, the Private Marketplace (Rule 3); nobody when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [PrincipalTransformation]
    [ArgumentCompleter(typeof(PrincipalNameCompleter))]
    public string[]? GovernancePrincipal { get; set; }

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

    /// <summary>Return the audit run (findings, matrix, verdict, context) instead of the findings.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        if (Quiet && PassThru)
        {
            ThrowTerminatingError(ModuleErrors.Create(
                "-Quiet returns $true or $false and -PassThru returns the audit run: give one of them.",
                ErrorIds.ParameterConflict,
                ErrorCategory.InvalidArgument,
                "-PassThru"));
        }

        // The report's path and format are checked, and its temporary file created, before the audit runs: a path
        // that cannot be written fails in a second, not after a long audit.
        using var report = ReportPath is null ? null : OutputFile.Check(this, ReportPath, nameof(ReportPath));
        var reportFormat = report is null ? null : FormatOf(report.Path);
        foreach (var input in new[] { ParameterSetName == SnapshotParameterSet ? AuthorizationDetailsPath : null, SuppressionPath }.Concat(ServiceControlPolicyPath ?? []))
        {
            if (report is not null && input is not null && string.Equals(GetUnresolvedProviderPathFromPSPath(input), report.Path, StringComparison.Ordinal))
            {
                ThrowTerminatingError(ModuleErrors.Create(
                    $"-ReportPath: {ModuleErrors.Quote(report.Path)} is also an input of the audit; the report would replace it. Write the report elsewhere.",
                    ErrorIds.OutputPathInvalid,
                    ErrorCategory.InvalidArgument,
                    ReportPath));
            }
        }

        report?.Reserve();

        var suppressions = LoadSuppressions(out var suppressionPath);
        if (IsOrganizationRun)
        {
            UseBatchCollections();
            AuditOrganization(report, reportFormat, suppressions, suppressionPath);
            return;
        }

        CheckOrganizationParameters();
        if (Quiet && report is null)
        {
            // Only the verdict outlives the audit: the model is garbage before the collector gets its mode back, so the
            // collection that ends an audit's no-GC region (see BatchCollections) copies none of it.
            var passed = AuditPassed(suppressions, suppressionPath);
            EndBatchCollections();
            WriteObject(passed);
            return;
        }

        var run = AuditAccount(suppressions, suppressionPath, explain: true);

        // The results first: a report that cannot be written must not cost the audit's answer.
        EndBatchCollections();
        if (Quiet)
        {
            WriteObject(run.Passed);
        }
        else if (PassThru)
        {
            WriteObject(run);
        }
        else
        {
            WriteObject(run.Findings, enumerateCollection: true);
        }

        if (report is not null)
        {
            var location = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            report.Write(stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                AuditReportWriter.Write(run, reportFormat!.Value, writer, baseDirectory: location);
            });
            WriteVerbose($"Wrote the {reportFormat} report to {report.Path}.");
        }
    }

    // Not inlined: nothing of the audit is left on the stack once it returns.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool AuditPassed(System.Collections.Generic.IReadOnlyList<Suppression> suppressions, string? suppressionPath) =>
        AuditAccount(suppressions, suppressionPath, explain: false).Passed;

    /// <summary>Loads, builds and audits the one account; <paramref name="explain"/> works out what the findings say, on every core.</summary>
    private AuditRun AuditAccount(System.Collections.Generic.IReadOnlyList<Suppression> suppressions, string? suppressionPath, bool explain)
    {
        var account = LoadAccount();
        var procurement = Resolve(account, ProcurementPrincipal, nameof(ProcurementPrincipal));
        var viewers = ViewerPrincipal is null ? [] : Resolve(account, ViewerPrincipal, nameof(ViewerPrincipal));
        var launchers = LauncherPrincipal is null ? [] : Resolve(account, LauncherPrincipal, nameof(LauncherPrincipal));
        var governance = GovernancePrincipal is null ? [] : Resolve(account, GovernancePrincipal, nameof(GovernancePrincipal));
        WriteVerbose($"Procurement: {string.Join(", ", procurement.Select(p => p.DisplayName))}; viewers: {Names(viewers)}; launchers: {Names(launchers)}; governance: {Names(governance)}.");

        var stopwatch = Stopwatch.StartNew();
        var declaration = new AuditDeclaration(ProcurementPrincipal, ViewerPrincipal ?? [], suppressionPath, LauncherPrincipal ?? [], GovernancePrincipal ?? []);
        var run = new LeastPrivilegeAudit().Run(account, procurement, viewers, suppressions, DateOnly.FromDateTime(DateTime.Today), EvaluationProgress(account.Principals.Count), declaration, launchers, governance);
        if (ServiceControlPolicyPath is { Length: > 0 } scps)
        {
            run.SetOrganizationContext(null, null, null, new Engine.Organizations.ServiceControlPolicyAssessment(true,
                $"applied as one level from -ServiceControlPolicyPath: {string.Join(", ", scps)} (the organization's other levels were not read)", []));
        }
        if (explain)
        {
            // What the findings say is read by the pipeline or the report. -Quiet without a report reads none.
            run.ExplainFindings();
        }

        WriteVerbose($"Evaluated {account.Principals.Count} principals × {Capabilities.All.Count} capabilities in {stopwatch.Elapsed.TotalMilliseconds:N0} ms: {run.Findings.Count(f => !f.Suppressed)} findings, {run.Findings.Count(f => f.Suppressed)} suppressed.");

        foreach (var expired in run.ExpiredSuppressions)
        {
            WriteWarning($"The suppression of {expired.RuleId} for {expired.Principal} expired on {expired.Expires:yyyy-MM-dd} and no longer applies ({expired.Justification}).");
        }

        return run;
    }

    /// <summary>
    /// The audit of every account of an organization run: findings stream out as each account is done (tagged with its
    /// AccountId and AccountName); -Quiet answers for the whole organization, -PassThru returns the organization scope
    /// (every run and the accounts left out), -ReportPath writes one report of all accounts.
    /// </summary>
    private void AuditOrganization(OutputFile? report, ReportFormat? reportFormat, System.Collections.Generic.IReadOnlyList<Suppression> suppressions, string? suppressionPath)
    {
        var declaration = new AuditDeclaration(ProcurementPrincipal, ViewerPrincipal ?? [], suppressionPath, LauncherPrincipal ?? [], GovernancePrincipal ?? []);
        var today = DateOnly.FromDateTime(DateTime.Today);
        var selectors = new OrganizationPrincipals(
            this,
            (nameof(ProcurementPrincipal), ProcurementPrincipal),
            (nameof(ViewerPrincipal), ViewerPrincipal),
            (nameof(LauncherPrincipal), LauncherPrincipal),
            (nameof(GovernancePrincipal), GovernancePrincipal));
        var scope = AuditAccounts((work, pump) =>
        {
            var procurement = selectors.Resolve(work, nameof(ProcurementPrincipal), pump);
            var viewers = selectors.Resolve(work, nameof(ViewerPrincipal), pump);
            var launchers = selectors.Resolve(work, nameof(LauncherPrincipal), pump);
            var governance = selectors.Resolve(work, nameof(GovernancePrincipal), pump);
            var run = new LeastPrivilegeAudit().Run(work.Account, procurement, viewers, suppressions, today, null, declaration, launchers, governance);
            run.SetOrganizationContext(work.Target.Name, work.Target.Path, work.Scope, work.ServiceControlPolicies);
            work.Scope.AddRun(run);
            run.Release();
            pump.Post(() =>
            {
                WriteVerbose($"Account {work.Target.Label}: {run.PrincipalCount} principals, {run.Findings.Count(f => !f.Suppressed)} findings, {run.Findings.Count(f => f.Suppressed)} suppressed; SCPs {work.ServiceControlPolicies.Summary}.");
                foreach (var expired in run.ExpiredSuppressions)
                {
                    WriteWarning($"Account {work.Target.Label}: the suppression of {expired.RuleId} for {expired.Principal} expired on {expired.Expires:yyyy-MM-dd} and no longer applies ({expired.Justification}).");
                }

                if (!Quiet && !PassThru)
                {
                    WriteObject(run.Findings, enumerateCollection: true);
                }
            });
        }, out var audited);

        var unmatched = selectors.ReportUnmatched(audited);
        if (Quiet)
        {
            WriteObject(!unmatched && scope.Unaudited.Count == 0 && scope.Runs.Count > 0 && scope.Runs.All(r => r.Passed));
        }
        else if (PassThru)
        {
            WriteObject(scope);
        }

        if (report is not null)
        {
            var location = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            report.Write(stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                AuditReportWriter.Write(scope, reportFormat!.Value, writer, baseDirectory: location);
            });
            WriteVerbose($"Wrote the {reportFormat} report of {scope.Runs.Count} account(s) to {report.Path}.");
        }
    }

    private ReportFormat? FormatOf(string path) => ReportFormatChoice.Resolve(this, path, ReportFormat, Enum.GetValues<ReportFormat>());

    private System.Collections.Generic.IReadOnlyList<Suppression> LoadSuppressions(out string? path)
    {
        path = null;
        if (SuppressionPath is null)
        {
            return [];
        }

        path = ResolveFile(SuppressionPath, nameof(SuppressionPath));
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

    private static string Names(System.Collections.Generic.IReadOnlyList<Engine.Accounts.AccountPrincipal> principals) =>
        principals.Count == 0 ? "none" : string.Join(", ", principals.Select(p => p.DisplayName));
}
