using System;
using System.IO;
using System.Management.Automation;
using MarketplaceGuard.Cmdlets.Errors;

namespace MarketplaceGuard.Cmdlets.Output;

/// <summary>
/// A file a cmdlet writes (a report, a snapshot), written atomically: the path is checked before any work, the
/// content goes to a temporary file beside the target, and only a complete file is moved into place. A failure
/// leaves neither a truncated file nor a damaged earlier one, and is a designed error (never a raw .NET exception).
/// </summary>
/// <remarks>
/// Use: <see cref="Check"/> when the command starts (before reading an account or running an audit), then
/// <see cref="Reserve"/> once the command is going to write (after ShouldProcess), then <see cref="Commit"/>;
/// <see cref="Dispose"/> removes the temporary file if the content never got committed.
/// </remarks>
public sealed class OutputFile : IDisposable
{
    private readonly PSCmdlet cmdlet;

    private OutputFile(PSCmdlet cmdlet, string path)
    {
        this.cmdlet = cmdlet;
        Path = path;
    }

    /// <summary>The full file-system path of the target.</summary>
    public string Path { get; }

    /// <summary>The temporary file beside the target; null until <see cref="Reserve"/>.</summary>
    public string? TemporaryPath { get; private set; }

    /// <summary>
    /// Resolves <paramref name="path"/> against PowerShell's current location and checks, without writing anything,
    /// that a file can be written there: a terminating OutputPathInvalid error when it is a directory, its folder does
    /// not exist, or the existing file is read-only.
    /// </summary>
    public static OutputFile Check(PSCmdlet cmdlet, string path, string parameter)
    {
        ArgumentNullException.ThrowIfNull(cmdlet);
        string full;
        ProviderInfo provider;
        try
        {
            full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or ArgumentException)
        {
            // ArgumentException: .NET refuses the path itself (a NUL character).
            throw Invalid(cmdlet, path, $"-{parameter} {ModuleErrors.Quote(path)} is not a file-system path: {e.Message}", e);
        }

        if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
        {
            throw Invalid(cmdlet, path, $"-{parameter} {ModuleErrors.Quote(path)} is not a file-system path: it is in the {provider.Name} provider.");
        }

        // A NUL (or, on Windows, another character no path may hold) would only fail when the file is written.
        if (full.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            throw Invalid(cmdlet, path, $"-{parameter} {ModuleErrors.Quote(path.Replace('\0', '?'))} is not a file-system path: it holds a character no path may hold (such as NUL).");
        }

        if (Directory.Exists(full))
        {
            throw Invalid(cmdlet, path, $"-{parameter} {ModuleErrors.Quote(full)} is a directory; give the path of the file to write.");
        }

        var folder = System.IO.Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
        {
            throw Invalid(cmdlet, path, $"-{parameter} {ModuleErrors.Quote(full)}: the folder {ModuleErrors.Quote(folder)} does not exist. Create it first (New-Item -ItemType Directory).");
        }

        if (File.Exists(full) && File.GetAttributes(full).HasFlag(FileAttributes.ReadOnly))
        {
            throw Invalid(cmdlet, path, $"-{parameter} {ModuleErrors.Quote(full)} is read-only; it is not replaced.");
        }

        return new OutputFile(cmdlet, full);
    }

    /// <summary>
    /// Creates the temporary file beside the target, which proves the folder writable before the work starts; a
    /// terminating OutputPathInvalid error when it cannot be created.
    /// </summary>
    public void Reserve()
    {
        if (TemporaryPath is not null)
        {
            return;
        }

        var temporary = $"{Path}.{System.IO.Path.GetRandomFileName()}.partial";
        try
        {
            using (new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Invalid(cmdlet, Path, $"Cannot write in the folder of {ModuleErrors.Quote(Path)}: {e.Message}", e);
        }

        TemporaryPath = temporary;
    }

    /// <summary>Opens the reserved temporary file for writing (truncated).</summary>
    public FileStream OpenTemporary(bool useAsync = false)
    {
        Reserve();
        return new FileStream(TemporaryPath!, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync);
    }

    /// <summary>Writes the content with <paramref name="write"/> and moves the complete file into place.</summary>
    public void Write(Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            using (var stream = OpenTemporary())
            {
                write(stream);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed(e);
        }

        Commit();
    }

    /// <summary>Moves the complete temporary file onto the target (replacing it); a terminating error when that fails.</summary>
    public void Commit()
    {
        if (TemporaryPath is null)
        {
            throw new InvalidOperationException("Nothing was written.");
        }

        try
        {
            File.Move(TemporaryPath, Path, overwrite: true);
            TemporaryPath = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed(e);
        }
    }

    /// <summary>The designed error for a write that failed once started: the earlier file is left as it was.</summary>
    public PipelineStoppedException Failed(Exception e)
    {
        Dispose();
        var record = ModuleErrors.Create(
            $"Writing {ModuleErrors.Quote(Path)} failed: {e.Message} The earlier file, if any, is left as it was.",
            ErrorIds.OutputWriteFailed,
            ErrorCategory.WriteError,
            Path,
            e);
        cmdlet.ThrowTerminatingError(record);
        return new PipelineStoppedException(); // unreachable: ThrowTerminatingError throws
    }

    /// <summary>Removes the temporary file when the content was not committed.</summary>
    public void Dispose()
    {
        if (TemporaryPath is { } temporary)
        {
            TemporaryPath = null;
            try
            {
                File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                cmdlet.WriteVerbose($"Could not remove the temporary file {temporary}: {e.Message}");
            }
        }
    }

    private static PipelineStoppedException Invalid(PSCmdlet cmdlet, string path, string message, Exception? inner = null)
    {
        cmdlet.ThrowTerminatingError(ModuleErrors.Create(message, ErrorIds.OutputPathInvalid, ErrorCategory.WriteError, path, inner));
        return new PipelineStoppedException(); // unreachable: ThrowTerminatingError throws
    }
}
