using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MarketplaceGuard.Cmdlets.Completion;
using MarketplaceGuard.Engine.Accounts;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>
/// Tab completion of principals (-ProcurementPrincipal, -ViewerPrincipal, -Principal) from the snapshot named by
/// -AuthorizationDetailsPath, when that is already on the command line: the names of its users, groups and roles. A
/// name that several kinds share is offered as "group/name", "role/name" ..., and typing "group/" completes in that
/// form. Nothing is offered without a snapshot (a live account is not called for a Tab press) or when the file cannot
/// be read; completion never throws.
/// </summary>
public sealed class PrincipalNameCompleter : IArgumentCompleter
{
    private static readonly object Gate = new();

    // The last snapshot read, so repeated Tab presses on the same file do not read it again. A class, not a tuple:
    // PowerShell lists this assembly's types before the engine can be resolved, and a static field of a value type
    // that names an engine type would have to load the engine right then.
    private static ReadSnapshot? cache;

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var path = CompletionText.BoundPath(fakeBoundParameters, "AuthorizationDetailsPath", "Path", "SnapshotPath");
            return path is null ? [] : Complete(NamesIn(path), wordToComplete);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return [];
        }
    }

    private static List<CompletionResult> Complete(IReadOnlyList<SnapshotPrincipalName> names, string? wordToComplete)
    {
        var pattern = CompletionText.StartsWith(wordToComplete);
        var qualified = CompletionText.Typed(wordToComplete).Contains('/', StringComparison.Ordinal);
        var shared = names.GroupBy(n => n.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return names
            .Where(n => pattern.IsMatch(qualified ? n.Qualified : n.Name))
            .Select(n => (Text: qualified || shared.Contains(n.Name) ? n.Qualified : n.Name, Tooltip: n.Qualified))
            .DistinctBy(n => n.Text, StringComparer.Ordinal)
            .OrderBy(n => n.Text, StringComparer.OrdinalIgnoreCase)
            .Select(n => new CompletionResult(CompletionText.Quote(n.Text), n.Text, CompletionResultType.ParameterValue, n.Tooltip))
            .ToList();
    }

    private static IReadOnlyList<SnapshotPrincipalName> NamesIn(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return [];
        }

        lock (Gate)
        {
            if (cache is { } last && last.Path == file.FullName && last.Written == file.LastWriteTimeUtc && last.Length == file.Length)
            {
                return last.Names;
            }

            var names = SnapshotPrincipalNames.Read(file.FullName);
            cache = new ReadSnapshot(file.FullName, file.LastWriteTimeUtc, file.Length, names);
            return names;
        }
    }

    private sealed record ReadSnapshot(string Path, DateTime Written, long Length, IReadOnlyList<SnapshotPrincipalName> Names);
}
