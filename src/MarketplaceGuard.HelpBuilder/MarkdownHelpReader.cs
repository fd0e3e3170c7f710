using System;
using System.Collections.Generic;
using System.Linq;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace MarketplaceGuard.HelpBuilder;

/// <summary>The page read from one markdown file and everything wrong with it.</summary>
internal sealed record HelpReadResult(CmdletHelpPage Page, IReadOnlyList<string> Problems);

/// <summary>
/// Reads a platyPS-style cmdlet page into a <see cref="CmdletHelpPage"/>. It keeps going after a problem so that an
/// author sees every problem of a page in one build.
/// </summary>
internal sealed class MarkdownHelpReader
{
    private const string DefaultSetSuffix = "(Default)";

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().UsePipeTables().Build();

    private static readonly string[] KnownSections =
    [
        "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS",
    ];

    private readonly List<string> _problems = [];
    private readonly CmdletHelpPage _page;

    private MarkdownHelpReader(string cmdletName)
    {
        _page = new CmdletHelpPage(cmdletName);
    }

    /// <param name="markdown">The page's text.</param>
    /// <param name="cmdletName">The cmdlet the page must describe: its file name without ".md".</param>
    public static HelpReadResult Read(string markdown, string cmdletName)
    {
        var reader = new MarkdownHelpReader(cmdletName);
        reader.ReadDocument(Markdown.Parse(markdown, Pipeline));
        return new HelpReadResult(reader._page, reader._problems);
    }

    private void ReadDocument(MarkdownDocument document)
    {
        string? title = null;
        var sections = new List<(string Name, List<Block> Blocks)>();
        foreach (var block in document)
        {
            if (block is YamlFrontMatterBlock)
            {
                continue;
            }

            if (block is HeadingBlock { Level: 1 } titleHeading && title is null && sections.Count == 0)
            {
                title = MarkdownText.Inline(titleHeading.Inline);
            }
            else if (block is HeadingBlock { Level: 2 } sectionHeading)
            {
                sections.Add((MarkdownText.Inline(sectionHeading.Inline).ToUpperInvariant(), []));
            }
            else if (sections.Count > 0)
            {
                sections[^1].Blocks.Add(block);
            }
        }

        if (title is null)
        {
            _problems.Add("missing title heading '# " + _page.Name + "'");
        }
        else if (!string.Equals(title, _page.Name, StringComparison.Ordinal))
        {
            _problems.Add("title '" + title + "' does not match the file name (expected '" + _page.Name + "')");
        }

        foreach (var (name, _) in sections)
        {
            if (!KnownSections.Contains(name, StringComparer.Ordinal))
            {
                _problems.Add("unknown section '## " + name + "' (expected one of: " + string.Join(", ", KnownSections) + ")");
            }
        }

        foreach (var duplicate in sections.GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            _problems.Add("section '## " + duplicate.Key + "' appears more than once");
        }

        List<Block>? Section(string name) => sections.FirstOrDefault(s => s.Name == name).Blocks;

        ReadRequiredText(Section("SYNOPSIS"), "SYNOPSIS", _page.Synopsis);
        ReadSyntax(Section("SYNTAX") ?? []);
        ReadRequiredText(Section("DESCRIPTION"), "DESCRIPTION", _page.Description);
        ReadExamples(Section("EXAMPLES"));
        ReadParameters(Section("PARAMETERS") ?? []);
        ReadTypes(Section("INPUTS") ?? [], "INPUTS", _page.Inputs);
        ReadTypes(Section("OUTPUTS") ?? [], "OUTPUTS", _page.Outputs);
        _page.Notes.AddRange(MarkdownText.ToParagraphs(Section("NOTES") ?? []));
        ReadRelatedLinks(Section("RELATED LINKS") ?? []);
    }

    private void ReadRequiredText(List<Block>? blocks, string section, List<string> target)
    {
        if (blocks is null)
        {
            _problems.Add("missing section '## " + section + "'");
            return;
        }

        target.AddRange(MarkdownText.ToParagraphs(blocks));
        if (target.Count == 0)
        {
            _problems.Add("section '## " + section + "' is empty");
        }
    }

    private void ReadSyntax(List<Block> blocks)
    {
        // The syntax code blocks are for the markdown reader only: Get-Help draws the syntax from the MAML syntax
        // items, which are built from the parameters' yaml. Only the set names (and their order) are taken from here.
        var (_, subsections) = SplitAtHeadings(blocks);
        foreach (var (heading, _) in subsections)
        {
            var name = heading.EndsWith(DefaultSetSuffix, StringComparison.OrdinalIgnoreCase)
                ? heading[..^DefaultSetSuffix.Length].TrimEnd()
                : heading;
            if (_page.ParameterSetNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                _problems.Add("parameter set '" + name + "' appears twice under '## SYNTAX'");
            }
            else
            {
                _page.ParameterSetNames.Add(name);
            }
        }
    }

    private void ReadExamples(List<Block>? blocks)
    {
        if (blocks is null)
        {
            _problems.Add("missing section '## EXAMPLES'");
            return;
        }

        var (leading, subsections) = SplitAtHeadings(blocks);
        ReportStrayText(leading, "EXAMPLES");
        foreach (var (title, content) in subsections)
        {
            var example = new ExampleHelp(title);
            foreach (var block in content)
            {
                if (block is CodeBlock code)
                {
                    // Get-Help -Examples prints the code, then the remarks; an output block in the remarks therefore
                    // shows right under the command that produced it.
                    var text = MarkdownText.Code(code);
                    var isOutput = string.Equals(MarkdownText.Language(code), "output", StringComparison.OrdinalIgnoreCase);
                    (isOutput ? example.Remarks : example.Code).Add(text);
                }
                else
                {
                    example.Remarks.AddRange(MarkdownText.ToParagraphs([block]));
                }
            }

            if (example.Code.Count == 0)
            {
                _problems.Add("example '" + title + "' has no code block");
            }

            _page.Examples.Add(example);
        }

        if (subsections.Count == 0)
        {
            _problems.Add("section '## EXAMPLES' has no example ('### Example 1: ...' followed by a code block)");
        }
    }

    private void ReadParameters(List<Block> blocks)
    {
        var (leading, subsections) = SplitAtHeadings(blocks);
        ReportStrayText(leading, "PARAMETERS");
        foreach (var (heading, content) in subsections)
        {
            // Get-Help describes the common parameters itself; the page's paragraph is for markdown readers.
            if (heading is "CommonParameters" or "WorkflowCommonParameters")
            {
                continue;
            }

            if (!heading.StartsWith('-') || heading.Length == 1)
            {
                _problems.Add("parameter heading '### " + heading + "' must be '### -Name' or '### CommonParameters'");
                continue;
            }

            ReadParameter(new ParameterHelp(heading[1..]), content);
        }
    }

    private void ReadParameter(ParameterHelp parameter, List<Block> content)
    {
        var descriptionBlocks = new List<Block>();
        foreach (var block in content)
        {
            if (block is FencedCodeBlock code
                && string.Equals(MarkdownText.Language(code), "yaml", StringComparison.OrdinalIgnoreCase))
            {
                if (ParameterYamlParser.Parse(MarkdownText.Code(code), parameter.Name, _problems) is { } metadata)
                {
                    parameter.Metadata.Add(metadata);
                }
            }
            else
            {
                descriptionBlocks.Add(block);
            }
        }

        parameter.Description.AddRange(MarkdownText.ToParagraphs(descriptionBlocks));
        if (parameter.Description.Count == 0)
        {
            _problems.Add("parameter -" + parameter.Name + " has no description");
        }

        if (!content.Any(b => b is FencedCodeBlock f && string.Equals(MarkdownText.Language(f), "yaml", StringComparison.OrdinalIgnoreCase)))
        {
            _problems.Add("parameter -" + parameter.Name + " has no ```yaml block");
        }

        if (_page.Parameters.Any(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)))
        {
            _problems.Add("parameter -" + parameter.Name + " is described twice");
        }

        CheckParameterSets(parameter);
        _page.Parameters.Add(parameter);
    }

    private void CheckParameterSets(ParameterHelp parameter)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var metadata in parameter.Metadata)
        {
            var sets = metadata.AppliesToAllSets ? ["(All)"] : metadata.ParameterSets;
            foreach (var set in sets)
            {
                if (!seen.Add(set))
                {
                    _problems.Add("parameter -" + parameter.Name + ": parameter set '" + set + "' is listed by two yaml blocks");
                }
                else if (set != "(All)" && _page.ParameterSetNames.Count > 0
                         && !_page.ParameterSetNames.Contains(set, StringComparer.OrdinalIgnoreCase))
                {
                    _problems.Add("parameter -" + parameter.Name + ": parameter set '" + set
                        + "' is not one of the sets under '## SYNTAX' (" + string.Join(", ", _page.ParameterSetNames) + ")");
                }
            }
        }
    }

    private void ReadTypes(List<Block> blocks, string section, List<TypeHelp> target)
    {
        var (leading, subsections) = SplitAtHeadings(blocks);
        ReportStrayText(leading, section);
        foreach (var (typeName, content) in subsections)
        {
            target.Add(new TypeHelp(typeName, MarkdownText.ToParagraphs(content)));
        }
    }

    private void ReadRelatedLinks(List<Block> blocks)
    {
        foreach (var block in blocks.SelectMany(Leaves))
        {
            var links = block.Inline?.Descendants<LinkInline>().Where(l => !l.IsImage).ToList() ?? [];
            foreach (var link in links)
            {
                var text = MarkdownText.Inline(link);
                var isAbsolute = Uri.TryCreate(link.Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
                _page.RelatedLinks.Add(new RelatedLink(text.Length > 0 ? text : link.Url ?? string.Empty, isAbsolute ? link.Url! : string.Empty));
            }

            // A bare line such as "Get-Help" is a link by name, which Get-Help lists as is.
            if (links.Count == 0 && MarkdownText.Inline(block.Inline) is { Length: > 0 } name)
            {
                _page.RelatedLinks.Add(new RelatedLink(name, string.Empty));
            }
        }
    }

    private static IEnumerable<LeafBlock> Leaves(Block block) => block switch
    {
        ContainerBlock container => container.SelectMany(Leaves),
        ParagraphBlock paragraph => [paragraph],
        _ => [],
    };

    private void ReportStrayText(List<Block> leading, string section)
    {
        if (MarkdownText.ToParagraphs(leading).Count > 0)
        {
            _problems.Add("text under '## " + section + "' before its first '###' heading would be lost");
        }
    }

    /// <summary>Splits a section at its <c>###</c> headings; returns the blocks before the first one separately.</summary>
    private static (List<Block> Leading, List<(string Heading, List<Block> Content)> Subsections) SplitAtHeadings(List<Block> blocks)
    {
        var leading = new List<Block>();
        var subsections = new List<(string Heading, List<Block> Content)>();
        foreach (var block in blocks)
        {
            if (block is HeadingBlock { Level: 3 } heading)
            {
                subsections.Add((MarkdownText.Inline(heading.Inline), []));
            }
            else
            {
                (subsections.Count > 0 ? subsections[^1].Content : leading).Add(block);
            }
        }

        return (leading, subsections);
    }
}
