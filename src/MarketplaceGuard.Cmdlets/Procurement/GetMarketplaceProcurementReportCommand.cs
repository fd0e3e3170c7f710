using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Output;
using MarketplaceGuard.Cmdlets.PaidResources;
using MarketplaceGuard.Engine.PaidResources;
using MarketplaceGuard.Engine.Procurement;
using MarketplaceGuard.Engine.Reports;

namespace MarketplaceGuard.Cmdlets.Procurement;

/// <summary>
/// Get-MarketplaceProcurementReport: joins agreements (Get-MarketplaceAgreement) with paid EC2 resources
/// (Get-MarketplacePaidResource) through a product-code map and returns the findings MG4001 to MG4005; -PassThru returns
/// the whole inventory, -AsRows one flat row per product code, account and region; -ReportPath also writes a report.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MarketplaceProcurementReport", SupportsShouldProcess = true)]
[OutputType(typeof(ProcurementFinding), typeof(ProcurementInventory), typeof(ProcurementRow))]
public sealed class GetMarketplaceProcurementReportCommand : PSCmdlet
{
    private static readonly TimeSpan LongestWindow = TimeSpan.FromDays(3650);

    private readonly List<Agreement> agreements = [];
    private readonly List<PaidResource> resources = [];
    private readonly HashSet<object> seen = new(ReferenceEqualityComparer.Instance);
    private int rejected;
    private OutputFile? report;
    // System.Enum, not ReportFormat: a field of an engine value type would make PowerShell's reflection over the cmdlet
    // types load the engine before the module's load context is hooked.
    private Enum? reportFormat;
    private ProductCodeMap map = ProductCodeMap.Empty;

    /// <summary>Agreements from Get-MarketplaceAgreement (also deserialized).</summary>
    /// <remarks>Typed object: cmdlet signatures use only framework types (the engine loads in a private context).</remarks>
    [Parameter]
    [AllowEmptyCollection]
    public object[]? Agreement { get; set; }

    /// <summary>Paid resources from Get-MarketplacePaidResource (also deserialized).</summary>
    [Parameter]
    [AllowEmptyCollection]
    public object[]? PaidResource { get; set; }

    /// <summary>Agreements and paid resources from the pipeline, in any mix.</summary>
    [Parameter(ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyCollection]
    public object?[]? InputObject { get; set; }

    /// <summary>The JSON file that maps EC2 product codes to Marketplace product ids.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProductCodeMapPath { get; set; }

    /// <summary>How far ahead an ACTIVE agreement's end is flagged (MG4002); 30 days by default.</summary>
    [Parameter]
    public TimeSpan ExpiresWithin { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Also write a report of the inventory to this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ReportPath { get; set; }

    /// <summary>The report's format; from the file extension when omitted.</summary>
    [Parameter]
    [ValidateSet(nameof(Engine.Reports.ReportFormat.Html), nameof(Engine.Reports.ReportFormat.Markdown), nameof(Engine.Reports.ReportFormat.Json), IgnoreCase = true)]
    public string? ReportFormat { get; set; }

    /// <summary>Return the whole inventory instead of the findings.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Return one flat row per product code, account and region (for Export-Csv) instead of the findings.</summary>
    [Parameter]
    public SwitchParameter AsRows { get; set; }

    protected override void BeginProcessing()
    {
        if (PassThru && AsRows)
        {
            ThrowTerminatingError(ModuleErrors.Create(
                "-PassThru returns the inventory and -AsRows its rows: give one of them.",
                ErrorIds.ParameterConflict,
                ErrorCategory.InvalidArgument,
                "-AsRows"));
        }

        if (ExpiresWithin < TimeSpan.FromDays(1) || ExpiresWithin > LongestWindow)
        {
            var hint = ExpiresWithin > TimeSpan.Zero && ExpiresWithin.Ticks < 100_000
                ? $" A bare number binds as ticks: -ExpiresWithin {ExpiresWithin.Ticks} is {ExpiresWithin.Ticks} ticks; write {ExpiresWithin.Ticks}.00:00:00 or (New-TimeSpan -Days {ExpiresWithin.Ticks}) for days."
                : string.Empty;
            ThrowTerminatingError(ModuleErrors.Create(
                $"-ExpiresWithin {ExpiresWithin}: the window must be between 1 day and {LongestWindow.TotalDays:0} days.{hint}",
                ErrorIds.ExpiresWithinInvalid,
                ErrorCategory.InvalidArgument,
                ExpiresWithin));
        }

        // Inputs first, then the output path: a bad map or an unwritable path fails before any object is taken.
        if (ProductCodeMapPath is not null)
        {
            var path = InputFile.Resolve(this, ProductCodeMapPath, nameof(ProductCodeMapPath));
            try
            {
                map = ProductCodeMap.Load(path);
            }
            catch (ProductCodeMapException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, ErrorIds.ProductCodeMapInvalid, ErrorCategory.InvalidData, path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ThrowTerminatingError(ModuleErrors.Create($"-ProductCodeMapPath: {ModuleErrors.Quote(path)} could not be read: {e.Message}", ErrorIds.ProductCodeMapInvalid, ErrorCategory.ReadError, path, e));
            }

            WriteVerbose($"Read {map.Count} product code mapping(s) from {path}.");
        }

        if (ReportPath is not null)
        {
            report = OutputFile.Check(this, ReportPath, nameof(ReportPath));
            reportFormat = ReportFormatChoice.Resolve(this, report.Path, ReportFormat, ProcurementReportWriter.Formats);
            if (map.Source is { } mapPath && string.Equals(mapPath, report.Path, StringComparison.Ordinal))
            {
                ThrowTerminatingError(ModuleErrors.Create(
                    $"-ReportPath: {ModuleErrors.Quote(report.Path)} is the product-code map; the report would replace it. Write the report elsewhere.",
                    ErrorIds.OutputPathInvalid,
                    ErrorCategory.InvalidArgument,
                    ReportPath));
            }
        }

        Take(Agreement, nameof(Agreement));
        Take(PaidResource, nameof(PaidResource));
    }

    protected override void ProcessRecord() => Take(InputObject, nameof(InputObject));

    protected override void EndProcessing()
    {
        if (agreements.Count == 0 && resources.Count == 0)
        {
            var why = rejected > 0
                ? $"none of the {rejected} object(s) received was an agreement or a paid resource (see the errors above)"
                : "nothing was received";
            ThrowTerminatingError(ModuleErrors.Create(
                $"No procurement inventory: {why}. Give the agreements of Get-MarketplaceAgreement and the paid resources of Get-MarketplacePaidResource (-Agreement, -PaidResource or the pipeline); an empty input is not a clean inventory.",
                ErrorIds.ProcurementInputMissing,
                ErrorCategory.InvalidData,
                null));
        }

        var inventory = ProcurementInventory.Build(agreements, resources, map, [], DateTimeOffset.UtcNow, ExpiresWithin);
        WriteVerbose($"Joined {agreements.Count} agreement(s) and {resources.Count} paid resource(s): {inventory.Products.Count} product code(s), {inventory.Findings.Count} finding(s), {inventory.Gaps.Count} gap(s).");
        foreach (var gap in inventory.Gaps.Where(g => g.Kind != InventoryGapKind.ProductCodeNotMapped))
        {
            WriteWarning($"{gap.Subject}: {gap.Detail}");
        }

        if (map.Count == 0 && inventory.Products.Count > 0)
        {
            WriteWarning($"No -ProductCodeMapPath: none of the {inventory.Products.Count} product code(s) can be joined to agreements (MG4005). {ProcurementInventory.MappingLimitation}");
        }

        if (PassThru)
        {
            WriteObject(inventory);
        }
        else if (AsRows)
        {
            WriteObject(inventory.Rows, enumerateCollection: true);
        }
        else
        {
            WriteObject(inventory.Findings, enumerateCollection: true);
        }

        if (report is not null)
        {
            using (report)
            {
                if (!ShouldProcess(report.Path, $"Write a {reportFormat} procurement report of {inventory.Products.Count} product code(s) and {inventory.Findings.Count} finding(s)"))
                {
                    return;
                }

                report.Reserve();
                report.Write(stream =>
                {
                    using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                    ProcurementReportWriter.Write(inventory, (ReportFormat)reportFormat!, writer);
                });
            }

            WriteVerbose($"Wrote the {reportFormat} procurement report to {report.Path}.");
        }
    }

    private void Take(object?[]? items, string parameter)
    {
        foreach (var item in items ?? [])
        {
            var ps = item as PSObject ?? (item is null ? null : PSObject.AsPSObject(item));
            // The same object piped twice counts once; a property bag (deserialized) is its own identity, since all of
            // them share one PSCustomObject base.
            var identity = ps?.BaseObject is PSCustomObject ? ps : ps?.BaseObject;
            if (identity is not null && !seen.Add(identity))
            {
                continue;
            }

            if (AgreementInput.TryRead(ps, out var problem) is { } agreement)
            {
                agreements.Add(agreement);
            }
            else if (problem is null && PaidResourceInput.TryReadResource(ps) is { } resource)
            {
                resources.Add(resource);
            }
            else
            {
                rejected++;
                var kind = ps is { TypeNames.Count: > 0 } ? ps.TypeNames[0] : "null";
                var hint = kind.StartsWith("Selected.", StringComparison.Ordinal)
                    ? " (Select-Object makes a new object: filter with Where-Object instead)"
                    : string.Empty;
                WriteError(ModuleErrors.Create(
                    problem is not null
                        ? $"-{parameter}: {problem}."
                        : $"-{parameter} takes the agreements of Get-MarketplaceAgreement and the paid resources of Get-MarketplacePaidResource (also deserialized), not {kind}{hint}.",
                    ErrorIds.InputNotProcurementData,
                    ErrorCategory.InvalidArgument,
                    item));
            }
        }
    }
}
