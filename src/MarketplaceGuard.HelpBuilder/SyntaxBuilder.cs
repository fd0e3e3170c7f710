using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MarketplaceGuard.HelpBuilder;

/// <summary>One MAML <c>command:syntaxItem</c>: the parameters of one set, each with its metadata in that set.</summary>
internal sealed record SyntaxItem(string? SetName, IReadOnlyList<(ParameterHelp Parameter, ParameterMetadata Metadata)> Parameters);

/// <summary>
/// Builds the syntax items from the parameters' yaml, as platyPS does: the page's SYNTAX code blocks are prose for
/// the markdown reader, while the yaml is what is checked against the cmdlet.
/// </summary>
internal static class SyntaxBuilder
{
    public static List<SyntaxItem> Build(CmdletHelpPage page)
    {
        var setNames = page.ParameterSetNames.Count > 0 ? page.ParameterSetNames : SetNamesFromYaml(page);
        if (setNames.Count == 0)
        {
            return [new SyntaxItem(null, Order(page.Parameters.Where(p => p.Metadata.Count > 0).Select(p => (p, p.Metadata[0]))))];
        }

        return setNames
            .Select(set => new SyntaxItem(set, Order(page.Parameters
                .Select(p => (Parameter: p, Metadata: MetadataForSet(p, set)))
                .Where(entry => entry.Metadata is not null)
                .Select(entry => (entry.Parameter, entry.Metadata!)))))
            .ToList();
    }

    /// <summary>A set-specific yaml block wins over an <c>(All)</c> block; null when the parameter is not in the set.</summary>
    private static ParameterMetadata? MetadataForSet(ParameterHelp parameter, string set) =>
        parameter.Metadata.FirstOrDefault(m => m.ParameterSets.Contains(set, System.StringComparer.OrdinalIgnoreCase))
        ?? parameter.Metadata.FirstOrDefault(m => m.AppliesToAllSets);

    private static List<string> SetNamesFromYaml(CmdletHelpPage page) =>
        page.Parameters
            .SelectMany(p => p.Metadata)
            .SelectMany(m => m.ParameterSets)
            .Distinct(System.StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>
    /// Positional parameters first, by position, then the mandatory named ones, then the optional ones, each group in
    /// page order. Pages list parameters alphabetically; this keeps the help's SYNTAX line close to Get-Command's.
    /// </summary>
    private static List<(ParameterHelp, ParameterMetadata)> Order(IEnumerable<(ParameterHelp Parameter, ParameterMetadata Metadata)> parameters) =>
        parameters
            .Select((entry, index) => (Entry: entry, Index: index))
            .OrderBy(x => x.Entry.Metadata.IsPositional ? int.Parse(x.Entry.Metadata.Position, CultureInfo.InvariantCulture) : int.MaxValue)
            .ThenBy(x => x.Entry.Metadata.Required ? 0 : 1)
            .ThenBy(x => x.Index)
            .Select(x => (x.Entry.Parameter, x.Entry.Metadata))
            .ToList();
}
