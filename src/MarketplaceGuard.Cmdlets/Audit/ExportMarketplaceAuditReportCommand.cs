using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Reports;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>Export-MarketplaceAuditReport: writes the findings on the pipeline as JSON, SARIF, JUnit, Markdown or HTML.</summary>
[Cmdlet(VerbsData.Export, "MarketplaceAuditReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportMarketplaceAuditReportCommand : PSCmdlet
{
    private readonly List<Finding> findings = [];

    /// <summary>Findings from Test-MarketplaceLeastPrivilege.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public Finding[] InputObject { get; set; } = [];

    /// <summary>The report format.</summary>
    [Parameter(Mandatory = true)]
    public ReportFormat Format { get; set; }

    /// <summary>The file to write.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Return the written file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => findings.AddRange(InputObject);

    protected override void EndProcessing()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(path, $"Write a {Format} report of {findings.Count} finding(s)"))
        {
            return;
        }

        try
        {
            using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                AuditReportWriter.Write(findings, Format, writer);
            }
        }
        catch (IOException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "ExportMarketplaceAuditReportWriteFailed", ErrorCategory.WriteError, path));
        }
        catch (System.UnauthorizedAccessException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "ExportMarketplaceAuditReportAccessDenied", ErrorCategory.PermissionDenied, path));
        }

        if (PassThru)
        {
            WriteObject(new FileInfo(path));
        }
    }
}
