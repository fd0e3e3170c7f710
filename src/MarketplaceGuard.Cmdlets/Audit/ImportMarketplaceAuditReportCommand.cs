using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Organizations;
using MarketplaceGuard.Engine.Reports;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>
/// Import-MarketplaceAuditReport: reads MarketplaceGuard JSON reports back into findings (or, with -PassThru, the
/// organization audits and the runs of accounts audited on their own), so that the reports of separate jobs or machines (shards of one organization) are joined into one by
/// Export-MarketplaceAuditReport. The reading and joining are the engine's (<see cref="JsonReportReader"/>).
/// </summary>
/// <remarks>
/// Every file is read whole before anything is written, and the joined runs are written at the end: a file that cannot
/// be read is a non-terminating error that leaves nothing of it in the output, and the other files are still read.
/// </remarks>
[Cmdlet(VerbsData.Import, "MarketplaceAuditReport")]
[OutputType(typeof(Finding), typeof(OrganizationScope), typeof(AuditRun))]
public sealed class ImportMarketplaceAuditReportCommand : PSCmdlet
{
    private readonly List<ReportFile> files = [];
    private readonly HashSet<string> read = new(StringComparer.Ordinal);

    /// <summary>The JSON report files; wildcards are expanded.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>
    /// Return the organization audits (each with its runs and the accounts not audited) and the runs of accounts audited
    /// on their own, those that found nothing too, instead of the findings.
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var path in Path)
        {
            foreach (var file in Resolve(path).Where(read.Add))
            {
                Read(file);
            }
        }
    }

    protected override void EndProcessing()
    {
        var combined = JsonReportReader.Combine(files);
        var runs = combined.Runs;
        var given = files.Sum(f => f.Runs.Count);
        WriteVerbose(given == runs.Count
            ? $"Read {files.Count} report(s): {runs.Count} audit run(s), {runs.Sum(r => r.Findings.Count)} finding(s)."
            : $"Read {files.Count} report(s): {runs.Count} audit run(s), {runs.Sum(r => r.Findings.Count)} finding(s); {given - runs.Count} run(s) given twice (the same run id) were taken once.");
        foreach (var organization in combined.Organizations.Where(o => o.SupersededRuns > 0))
        {
            WriteWarning($"{organization.SupersededRuns} audit run(s) of accounts that another report audited again were left out: the latest audit of each account stands, so each account is counted once.");
        }

        if (PassThru)
        {
            // As Test-MarketplaceLeastPrivilege -PassThru: an organization audit as its scope, an account on its own as its run.
            WriteObject(combined.Organizations, enumerateCollection: true);
            WriteObject(runs.Where(r => r.Organization is null), enumerateCollection: true);
            return;
        }

        // An organization audit comes with the findings of any of its accounts (through its scope); one without any
        // finding, or a run on its own that found nothing, would be lost without -PassThru.
        foreach (var organization in combined.Organizations.Where(o => o.Runs.All(r => r.Findings.Count == 0)))
        {
            WriteWarning($"The organization audit {organization.OrganizationId ?? "(organization not read)"} has no finding to return ({organization.Runs.Count} account(s) audited, {organization.Unaudited.Count} not audited); give -PassThru to get it, which Export-MarketplaceAuditReport reports whole.");
        }

        foreach (var run in runs)
        {
            if (run.Findings.Count == 0 && run.Organization is null)
            {
                WriteWarning($"The audit of {run.AccountId ?? "an account without principals"} ({run.Source}) found nothing, so it has no finding to return; give -PassThru to get its run, which Export-MarketplaceAuditReport reports as passed.");
            }

            WriteObject(run.Findings, enumerateCollection: true);
        }
    }

    /// <summary>
    /// The files a -Path value names: the path itself when such a file exists (a name may hold '[' or '*'), else the files
    /// its wildcards match, in name order. A value that names no file is a non-terminating FileNotFound.
    /// </summary>
    private List<string> Resolve(string path)
    {
        string literal;
        try
        {
            literal = GetUnresolvedProviderPathFromPSPath(path);
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or PSArgumentException)
        {
            NotFound(path, $"-Path {ModuleErrors.Quote(path)} is not a file-system path: {e.Message}", e);
            return [];
        }

        if (File.Exists(literal))
        {
            return [literal];
        }

        if (Directory.Exists(literal))
        {
            NotFound(path, $"-Path {ModuleErrors.Quote(literal)} is a directory; give the report files (a wildcard like {System.IO.Path.Combine(path, "*.json")} names every one in it).");
            return [];
        }

        if (!WildcardPattern.ContainsWildcardCharacters(path))
        {
            NotFound(path, $"-Path: the file {ModuleErrors.Quote(literal)} does not exist.");
            return [];
        }

        List<string> matched;
        try
        {
            matched = GetResolvedProviderPathFromPSPath(path, out _).Where(File.Exists).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or PSArgumentException)
        {
            matched = [];
        }

        if (matched.Count == 0)
        {
            NotFound(path, $"-Path {ModuleErrors.Quote(path)} matches no file.");
        }

        return matched;
    }

    private void Read(string file)
    {
        try
        {
            var report = JsonReportReader.Read(file);
            files.Add(report);
            WriteVerbose($"Read {file}: {report.Runs.Count} audit run(s), {report.Runs.Sum(r => r.Findings.Count)} finding(s){(report.Organization is null ? string.Empty : " of an organization audit")}.");
        }
        catch (ReportFileException e)
        {
            var id = e.Kind switch
            {
                ReportFileProblem.NotAReport => ErrorIds.NotMarketplaceGuardReport,
                ReportFileProblem.UnsupportedVersion => ErrorIds.ReportVersionUnsupported,
                _ => ErrorIds.ReportInvalid,
            };
            WriteError(ModuleErrors.Create($"{e.Message}. Nothing of the file was read.", id, ErrorCategory.InvalidData, file, e));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(ModuleErrors.Create($"{file} cannot be read: {e.Message}", ErrorIds.ReportUnreadable, ErrorCategory.ReadError, file, e));
        }
    }

    private void NotFound(string path, string message, Exception? inner = null) =>
        WriteError(ModuleErrors.Create(message, ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, path, inner));
}
