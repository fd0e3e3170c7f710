using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace MarketplaceGuard.Cmdlets.Completion;

/// <summary>What the completers share: reading the word typed so far, quoting what they offer, finding bound paths.</summary>
internal static class CompletionText
{
    /// <summary>The word without the quote the user may have started it with.</summary>
    public static string Typed(string? wordToComplete) => (wordToComplete ?? string.Empty).Trim('\'', '"');

    /// <summary>A pattern for "starts with what was typed", ignoring case; wildcard characters typed stay wildcards.</summary>
    public static WildcardPattern StartsWith(string? wordToComplete) =>
        new(Typed(wordToComplete) + "*", WildcardOptions.IgnoreCase);

    /// <summary>Completion results for values and their tooltips, each value quoted as it must be typed.</summary>
    public static List<CompletionResult> Offer(IEnumerable<(string Value, string Tooltip)> items) =>
        items.Select(i => new CompletionResult(Quote(i.Value), i.Value, CompletionResultType.ParameterValue, i.Tooltip)).ToList();

    /// <summary>
    /// The value as it must be typed: in single quotes when it holds anything PowerShell would read otherwise in
    /// argument mode (a space in a profile name, a comma in an IAM name, which would make an array).
    /// </summary>
    public static string Quote(string value)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '@' or '+' or '='))
            {
                return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
            }
        }

        return value;
    }

    /// <summary>
    /// The file system path of a parameter already bound on the command line (e.g. -AuthorizationDetailsPath), resolved
    /// against PowerShell's current location, as the cmdlet will resolve it; null when it is not bound, not a plain
    /// string, or cannot be resolved.
    /// </summary>
    public static string? BoundPath(IDictionary? fakeBoundParameters, params string[] names)
    {
        if (fakeBoundParameters is null)
        {
            return null;
        }

        foreach (var name in names)
        {
            if (!fakeBoundParameters.Contains(name))
            {
                continue;
            }

            var value = fakeBoundParameters[name] is PSObject wrapped ? wrapped.BaseObject : fakeBoundParameters[name];
            if (value is not string text || text.Trim().Length == 0)
            {
                return null;
            }

            try
            {
                // A completer gets no SessionState; a nested pipeline in the session being completed (completion runs on
                // its pipeline thread) asks that session for its current location.
                using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
                shell.AddScript("param($Path) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)").AddArgument(text);
                return shell.Invoke<string>() is [{ Length: > 0 } resolved] && !shell.HadErrors ? resolved : null;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return null;
            }
        }

        return null;
    }
}
