using System;
using System.IO;
using System.Management.Automation;

namespace MarketplaceGuard.Cmdlets.Errors;

/// <summary>
/// Builds the module's ErrorRecords: an id from <see cref="ErrorIds"/>, the category, the offending value as the
/// target, and a message in plain words (no ".NET (Parameter 'x')" suffix; long values shortened).
/// </summary>
public static class ModuleErrors
{
    /// <summary>Values longer than this are shortened when quoted in a message.</summary>
    public const int MaxQuotedLength = 200;

    /// <summary>The value in single quotes, shortened to <see cref="MaxQuotedLength"/> characters with its full length said.</summary>
    public static string Quote(string? value)
    {
        if (value is null)
        {
            return "(null)";
        }

        var oneLine = value.ReplaceLineEndings(" ");
        return oneLine.Length <= MaxQuotedLength
            ? $"'{oneLine}'"
            : $"'{oneLine[..MaxQuotedLength]}…' ({value.Length:N0} characters)";
    }

    /// <summary>An ErrorRecord whose exception type fits the category, so `catch [type]` in scripts works as expected.</summary>
    public static ErrorRecord Create(string message, string errorId, ErrorCategory category, object? target, Exception? inner = null)
    {
        Exception exception = category switch
        {
            ErrorCategory.ObjectNotFound => new ItemNotFoundException(message, inner),
            ErrorCategory.InvalidArgument or ErrorCategory.InvalidType => new PSArgumentException(message, inner),
            ErrorCategory.InvalidData => new InvalidDataException(message, inner),
            ErrorCategory.ReadError or ErrorCategory.WriteError => new IOException(message, inner),
            ErrorCategory.PermissionDenied when inner is UnauthorizedAccessException => new UnauthorizedAccessException(message, inner),
            _ => new InvalidOperationException(message, inner),
        };
        return new ErrorRecord(exception, errorId, category, target);
    }
}
