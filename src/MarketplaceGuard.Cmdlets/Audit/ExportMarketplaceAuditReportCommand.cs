using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Reports;
using MarketplaceGuard.Cmdlets.Errors;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>Export-MarketplaceAuditReport: writes the findings on the pipeline as JSON, SARIF, JUnit, Markdown or HTML.</summary>
[Cmdlet(VerbsData.Export, "MarketplaceAuditReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportMarketplaceAuditReportCommand : PSCmdlet
{
    private readonly List<Finding> findings = [];

    /// <summary>Findings from Test-MarketplaceLeastPrivilege.</summary>
    /// <remarks>
    /// Typed object, not Finding: PowerShell reads parameter types when it imports the module, before the engine's
    /// private load context can resolve them, so cmdlet signatures use only framework types.
    /// </remarks>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public object[] InputObject { get; set; } = [];

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

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject)
        {
            if ((item is PSObject ps ? ps.BaseObject : item) is Finding finding)
            {
                findings.Add(finding);
            }
            else
            {
                WriteError(new ErrorRecord(
                    new PSArgumentException($"-InputObject takes the findings of Test-MarketplaceLeastPrivilege, not {item?.GetType().FullName ?? "null"}."),
                    ErrorIds.InputNotAFinding,
                    ErrorCategory.InvalidArgument,
                    item));
            }
        }
    }

    protected override void EndProcessing()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        var format = Enum.Parse<ReportFormat>(Format, ignoreCase: true);
        if (!ShouldProcess(path, $"Write a {format} report of {findings.Count} finding(s)"))
        {
            return;
        }

        try
        {
            using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                AuditReportWriter.Write(findings, format, writer);
            }
        }
        catch (IOException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.OutputWriteFailed, ErrorCategory.WriteError, path));
        }
        catch (UnauthorizedAccessException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.OutputPathInvalid, ErrorCategory.PermissionDenied, path));
        }

        if (PassThru)
        {
            WriteObject(new FileInfo(path));
        }
    }
}
