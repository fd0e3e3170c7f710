using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;

namespace MarketplaceGuard.HelpBuilder;

/// <summary>
/// Converts an <c>about_*.md</c> page into the plain-text <c>about_*.help.txt</c> that Get-Help prints as is, in the
/// layout of PowerShell's own about topics: headings upper-cased at the margin, prose wrapped at 80 columns, code
/// indented by four spaces.
/// </summary>
internal static class AboutTopicWriter
{
    public const int Width = 80;
    private const string SeeAlso = "SEE ALSO";
    private const string CodeIndent = "    ";

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UsePipeTables()
        .Build();

    /// <param name="markdown">The page's text.</param>
    /// <param name="topicName">The topic, e.g. "about_MarketplaceGuard"; a heading with exactly this text keeps its
    /// casing, since Get-Help users search for the topic by that name.</param>
    /// <returns>The text with "\n" line ends and a final newline.</returns>
    public static string Convert(string markdown, string topicName)
    {
        var lines = new List<string>();
        var previousWasHeading = false;
        var section = string.Empty;
        foreach (var block in Markdown.Parse(markdown, Pipeline))
        {
            if (block is YamlFrontMatterBlock or HtmlBlock or ThematicBreakBlock or LinkReferenceDefinitionGroup)
            {
                continue;
            }

            // A heading sits directly on top of its text; everything else is separated by one blank line.
            if (lines.Count > 0 && !previousWasHeading)
            {
                lines.Add(string.Empty);
            }

            if (block is HeadingBlock heading)
            {
                var text = MarkdownText.Inline(heading.Inline);
                var isTopicName = string.Equals(text, topicName, StringComparison.OrdinalIgnoreCase);
                lines.Add(isTopicName ? text : text.ToUpperInvariant());
                previousWasHeading = !isTopicName;
                section = text.ToUpperInvariant();
            }
            else if (section == SeeAlso && block is ParagraphBlock names)
            {
                // One name per line, as the author wrote them and as PowerShell's own about topics list them; flowed
                // into a paragraph the names would read as a sentence.
                lines.AddRange(TextWrapper.Wrap(MarkdownText.Inline(names.Inline, keepLineBreaks: true), string.Empty, string.Empty, Width));
                previousWasHeading = false;
            }
            else
            {
                AddBlock(block, markdown, string.Empty, lines);
                previousWasHeading = false;
            }
        }

        var result = new StringBuilder();
        foreach (var line in lines)
        {
            result.Append(line.TrimEnd()).Append('\n');
        }

        return result.ToString();
    }

    /// <summary>
    /// A problem for every line of a converted topic wider than <see cref="Width"/>. Get-Help prints the topic as is,
    /// so such a line is broken mid-word by an 80-column console; prose and tables are wrapped by this writer, so the
    /// cause is a code line (or a word, such as a URL, longer than a line) the author must shorten.
    /// </summary>
    public static IEnumerable<string> LongLines(string topicText)
    {
        var lines = topicText.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length > Width)
            {
                yield return string.Create(
                    CultureInfo.InvariantCulture,
                    $"line {i + 1} of the about topic is {lines[i].Length} columns wide, more than {Width}: {lines[i].Trim()}");
            }
        }
    }

    private static void AddBlock(Block block, string markdown, string indent, List<string> lines)
    {
        switch (block)
        {
            case ParagraphBlock paragraph:
                lines.AddRange(TextWrapper.Wrap(MarkdownText.Inline(paragraph.Inline), indent, indent, Width));
                break;
            case HeadingBlock heading:
                lines.Add(indent + MarkdownText.Inline(heading.Inline).ToUpperInvariant());
                break;
            case CodeBlock code:
                foreach (var line in MarkdownText.Code(code).Split('\n'))
                {
                    lines.Add(indent + CodeIndent + line);
                }

                break;
            case ListBlock list:
                AddList(list, markdown, indent, lines);
                break;
            case QuoteBlock quote:
                AddChildren(quote, markdown, indent + CodeIndent, lines);
                break;

            case Table table:
                lines.AddRange(TextTable.Render(table, indent, Width));
                break;
            default:
                break;
        }
    }

    private static void AddList(ListBlock list, string markdown, string indent, List<string> lines)
    {
        var number = int.TryParse(list.OrderedStart, NumberStyles.Integer, CultureInfo.InvariantCulture, out var start) ? start : 1;
        var firstItem = true;
        foreach (var item in list)
        {
            if (!firstItem && list.IsLoose)
            {
                lines.Add(string.Empty);
            }

            firstItem = false;
            var marker = list.IsOrdered ? number.ToString(CultureInfo.InvariantCulture) + ". " : "- ";
            number++;
            var hanging = indent + new string(' ', marker.Length);
            var firstChild = true;
            foreach (var child in (ListItemBlock)item)
            {
                if (firstChild && child is ParagraphBlock paragraph)
                {
                    lines.AddRange(TextWrapper.Wrap(MarkdownText.Inline(paragraph.Inline), indent + marker, hanging, Width));
                }
                else
                {
                    if (list.IsLoose || child is not ListBlock)
                    {
                        lines.Add(string.Empty);
                    }

                    AddBlock(child, markdown, hanging, lines);
                }

                firstChild = false;
            }
        }
    }

    private static void AddChildren(ContainerBlock container, string markdown, string indent, List<string> lines)
    {
        var first = true;
        foreach (var child in container)
        {
            if (!first)
            {
                lines.Add(string.Empty);
            }

            AddBlock(child, markdown, indent, lines);
            first = false;
        }
    }
}
