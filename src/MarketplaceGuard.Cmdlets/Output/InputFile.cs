using System;
using System.IO;
using System.Management.Automation;
using MarketplaceGuard.Cmdlets.Errors;

namespace MarketplaceGuard.Cmdlets.Output;

/// <summary>A file a cmdlet reads (a snapshot, a suppression file, a product-code map), resolved against PowerShell's location.</summary>
internal static class InputFile
{
    /// <summary>The full path; a missing file, a directory or a path that is not a file-system path is a terminating FileNotFound.</summary>
    public static string Resolve(PSCmdlet cmdlet, string path, string parameter)
    {
        string resolved;
        try
        {
            resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
            {
                throw new NotSupportedException($"it is in the {provider.Name} provider, not a file-system path.");
            }
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or ArgumentException)
        {
            // ArgumentException: .NET refuses the path itself (a NUL character).
            cmdlet.ThrowTerminatingError(ModuleErrors.Create($"-{parameter}: {ModuleErrors.Quote(path)}: {e.Message}", ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, path, e));
            throw;
        }

        if (Directory.Exists(resolved))
        {
            cmdlet.ThrowTerminatingError(ModuleErrors.Create($"-{parameter}: {ModuleErrors.Quote(resolved)} is a directory; give the file.", ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, path));
        }

        if (!File.Exists(resolved))
        {
            cmdlet.ThrowTerminatingError(ModuleErrors.Create($"-{parameter}: the file {ModuleErrors.Quote(resolved)} does not exist.", ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, path));
        }

        return resolved;
    }
}
