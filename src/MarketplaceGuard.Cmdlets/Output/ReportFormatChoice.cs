using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Engine.Reports;

namespace MarketplaceGuard.Cmdlets.Output;

/// <summary>The format of a report a cmdlet writes with -ReportPath: -ReportFormat when given, else the file's extension.</summary>
internal static class ReportFormatChoice
{
    /// <summary>The format; a terminating ReportFormatUnknown error when neither -ReportFormat nor the extension names one of <paramref name="allowed"/>.</summary>
    public static ReportFormat Resolve(PSCmdlet cmdlet, string path, string? format, IReadOnlyList<ReportFormat> allowed)
    {
        var chosen = format is not null
            ? Enum.Parse<ReportFormat>(format, ignoreCase: true)
            : allowed.Cast<ReportFormat?>().FirstOrDefault(f => path.EndsWith(AuditReportWriter.FileExtension(f!.Value), StringComparison.OrdinalIgnoreCase));
        if (chosen is null)
        {
            cmdlet.ThrowTerminatingError(ModuleErrors.Create(
                $"-ReportPath {ModuleErrors.Quote(path)}: give -ReportFormat ({string.Join(", ", allowed)}); the extension does not say which.",
                ErrorIds.ReportFormatUnknown,
                ErrorCategory.InvalidArgument,
                path));
        }

        return chosen!.Value;
    }
}
