using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Output;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Organizations;
using MarketplaceGuard.Engine.Reports;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>
/// Export-MarketplaceAuditReport: writes the audit runs and findings on the pipeline as JSON, SARIF, JUnit, Markdown
/// or HTML (a run of an organization audit brings every account of it: see <see cref="AuditReportWriter"/>). A report
/// always comes from an audit: when no valid finding nor run arrived, no file is written and the command fails.
/// </summary>
[Cmdlet(VerbsData.Export, "MarketplaceAuditReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportMarketplaceAuditReportCommand : PSCmdlet
{
    private const string DeserializedOrganizationTypeName = "Deserialized.MarketplaceGuard.Engine.Organizations.OrganizationScope";

    private readonly List<OrganizationScope> organizations = [];
    private readonly List<AuditRun> runs = [];
    private readonly List<Finding> findings = [];
    private readonly DeserializedAudit deserialized = new();
    private readonly Dictionary<AuditRun, object> restoredRuns = [];
    private int rejected;
    private OutputFile? output;

    /// <summary>
    /// Findings from Test-MarketplaceLeastPrivilege or Import-MarketplaceAuditReport, or what their -PassThru returns (an
    /// audit run, an organization audit); deserialized findings and runs too.
    /// </summary>
    /// <remarks>
    /// Typed object, not Finding: PowerShell reads parameter types when it imports the module, before the engine's
    /// private load context can resolve them, so cmdlet signatures use only framework types.
    /// </remarks>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    [AllowNull]
    public object?[]? InputObject { get; set; } = [];

    /// <summary>The report format.</summary>
    [Parameter(Mandatory = true)]
    [ValidateSet(nameof(ReportFormat.Json), nameof(ReportFormat.Sarif), nameof(ReportFormat.JUnit), nameof(ReportFormat.Markdown), nameof(ReportFormat.Html), IgnoreCase = true)]
    public string Format { get; set; } = string.Empty;

    /// <summary>The file to write.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Return the written file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        // Before any input is taken: a path that cannot be written is known at once, not after a long audit upstream.
        output = OutputFile.Check(this, Path, nameof(Path));
    }

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject ?? [null])
        {
            Take(item);
        }
    }

    protected override void EndProcessing()
    {
        var file = output!;
        foreach (var (run, item) in restoredRuns)
        {
            var missing = deserialized.MissingFindings(run);
            if (missing > 0)
            {
                Reject(item, $"-InputObject: the deserialized audit run of {ModuleErrors.Quote(run.Source)} has {run.Findings.Count + missing} finding(s) and {missing} of them did not arrive; pipe its findings too (they carry the run), or the live run.");
                runs.Remove(run);
                findings.RemoveAll(f => f.Run == run);
            }
        }

        if (organizations.Count == 0 && runs.Count == 0 && findings.Count == 0)
        {
            var why = rejected > 0
                ? $"none of the {rejected} object(s) received was a finding or an audit run (see the errors above)"
                : "nothing was received";
            ThrowTerminatingError(ModuleErrors.Create(
                $"No report written to {ModuleErrors.Quote(file.Path)}: {why}. A report is written from the findings of Test-MarketplaceLeastPrivilege or Import-MarketplaceAuditReport, or from " +
                "their audit runs (-PassThru), so an audit that found nothing is reported as passed only when its run arrives.",
                ErrorIds.ReportHasNoAudit,
                ErrorCategory.InvalidData,
                file.Path));
        }

        // The snapshot an audit read is its evidence: a report never replaces it.
        if (organizations.SelectMany(o => o.Runs).Concat(runs).Concat(findings.Select(f => f.Run)).Select(r => r.Source).FirstOrDefault(source => string.Equals(source, file.Path, StringComparison.Ordinal)) is { } input)
        {
            ThrowTerminatingError(ModuleErrors.Create(
                $"-Path: {ModuleErrors.Quote(input)} is the snapshot the audit read; the report would replace it. Write the report elsewhere.",
                ErrorIds.OutputPathInvalid,
                ErrorCategory.InvalidArgument,
                Path));
        }

        var format = Enum.Parse<ReportFormat>(Format, ignoreCase: true);
        var what = organizations.Count > 0 ? $"Write a {format} report of {organizations.Count} organization audit(s)"
            : runs.Count > 0 ? $"Write a {format} report of {runs.Count + findings.Select(f => f.Run).Distinct().Count(r => !runs.Contains(r))} audit run(s)"
            : $"Write a {format} report of {findings.Count} finding(s)";
        if (!ShouldProcess(file.Path, what))
        {
            return;
        }

        var location = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        using (file)
        {
            file.Reserve();
            file.Write(stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                AuditReportWriter.Write(organizations, runs, findings, format, writer, baseDirectory: location);
            });
        }

        if (PassThru)
        {
            WriteObject(new FileInfo(file.Path));
        }
    }

    private void Take(object? item)
    {
        var value = item is PSObject ps ? ps.BaseObject : item;
        switch (value)
        {
            case Finding finding:
                findings.Add(finding);
                return;
            case AuditRun run:
                if (!runs.Contains(run))
                {
                    runs.Add(run);
                }

                return;
            case OrganizationScope organization:
                if (!organizations.Contains(organization))
                {
                    organizations.Add(organization);
                }

                return;
        }

        // An organization audit holds every run of the organization: PowerShell serialization does not carry it.
        if (item is PSObject scopeBag && scopeBag.TypeNames.Contains(DeserializedOrganizationTypeName))
        {
            Reject(item, "-InputObject: a deserialized organization audit cannot be rebuilt (its runs do not travel with it). Write a JSON report where the audit runs (-ReportPath) and read it back with Import-MarketplaceAuditReport.");
            return;
        }

        if (item is PSObject bag && DeserializedAudit.IsFinding(bag))
        {
            if (deserialized.RestoreFinding(bag, out var problem) is { } restored)
            {
                findings.Add(restored);
            }
            else
            {
                Reject(item, $"-InputObject: a deserialized finding that cannot be rebuilt: {problem}.");
            }

            return;
        }

        if (item is PSObject runBag && DeserializedAudit.IsRun(runBag))
        {
            if (deserialized.RestoreRun(runBag, out var problem) is { } restored)
            {
                if (!runs.Contains(restored))
                {
                    runs.Add(restored);
                    restoredRuns[restored] = item;
                }
            }
            else
            {
                Reject(item, $"-InputObject: a deserialized audit run that cannot be rebuilt: {problem}.");
            }

            return;
        }

        var kind = item is PSObject shaped && shaped.TypeNames.Count > 0 ? shaped.TypeNames[0] : value?.GetType().FullName ?? "null";
        var hint = kind.StartsWith("Selected.", StringComparison.Ordinal)
            ? " (Select-Object makes a new object: filter with Where-Object instead, and select properties after the report)"
            : string.Empty;
        Reject(item, $"-InputObject takes the findings, audit runs or organization audits of Test-MarketplaceLeastPrivilege and Import-MarketplaceAuditReport (findings and runs also deserialized), not {kind}{hint}.");
    }

    private void Reject(object? item, string message)
    {
        rejected++;
        WriteError(ModuleErrors.Create(
            message,
            ErrorIds.InputNotAFinding,
            ErrorCategory.InvalidArgument,
            item));
    }
}
