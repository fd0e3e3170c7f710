using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace MarketplaceGuard.HelpBuilder;

/// <summary>
/// Turns markdown into the plain text Get-Help prints: the words stay, the markup goes. Help is read in a console,
/// where <c>**bold**</c> or <c>[text](url)</c> would show up literally.
/// </summary>
internal static class MarkdownText
{
    /// <summary>
    /// The width of a table in MAML text. Get-Help keeps a paragraph's line breaks and spaces and indents every line:
    /// by 4 columns in DESCRIPTION, NOTES and example remarks, by 8 under PARAMETERS. 72 columns fit everywhere in an
    /// 80-column console; a wider line would be broken mid-word by the console.
    /// </summary>
    public const int MamlTableWidth = 72;

    /// <summary>
    /// One string per paragraph. List items become paragraphs of their own that start with "- " (or "1. " for
    /// ordered lists), so a list still reads as a list once Get-Help has re-flowed the text.
    /// </summary>
    public static List<string> ToParagraphs(IEnumerable<Block> blocks)
    {
        var paragraphs = new List<string>();
        foreach (var block in blocks)
        {
            AddParagraphs(block, string.Empty, paragraphs);
        }

        return paragraphs;
    }

    /// <param name="keepLineBreaks">True to keep the author's line ends ("\n"), for a list of names one per line.</param>
    public static string Inline(ContainerInline? inline, bool keepLineBreaks = false)
    {
        if (inline is null)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        AppendInline(inline, text, keepLineBreaks);
        return CollapseSpaces(text.ToString());
    }

    /// <summary>The lines of a code block, joined with "\n", without trailing blank lines.</summary>
    public static string Code(LeafBlock codeBlock)
    {
        var lines = new List<string>();
        var group = codeBlock.Lines;
        for (var i = 0; i < group.Count; i++)
        {
            lines.Add(group.Lines[i].Slice.ToString().TrimEnd());
        }

        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return string.Join('\n', lines);
    }

    /// <summary>The info string of a fenced code block ("powershell", "yaml", "output"), empty if there is none.</summary>
    public static string Language(Block block) =>
        block is FencedCodeBlock fenced ? (fenced.Info ?? string.Empty).Trim() : string.Empty;

    private static void AddParagraphs(Block block, string prefix, List<string> paragraphs)
    {
        switch (block)
        {
            case ParagraphBlock paragraph:
                AddIfNotEmpty(prefix + Inline(paragraph.Inline), paragraphs);
                break;
            case HeadingBlock heading:
                AddIfNotEmpty(prefix + Inline(heading.Inline), paragraphs);
                break;
            case CodeBlock code:
                AddIfNotEmpty(Code(code), paragraphs);
                break;
            case ListBlock list:
                AddListItems(list, prefix, paragraphs);
                break;
            case Table table:
                AddIfNotEmpty(string.Join('\n', TextTable.Render(table, string.Empty, MamlTableWidth)), paragraphs);
                break;
            case QuoteBlock quote:
                foreach (var child in quote)
                {
                    AddParagraphs(child, prefix, paragraphs);
                }

                break;

            // HTML blocks are almost always <!-- comments --> for the authors; thematic breaks carry no words.
            default:
                break;
        }
    }

    private static void AddListItems(ListBlock list, string prefix, List<string> paragraphs)
    {
        var number = int.TryParse(list.OrderedStart, NumberStyles.Integer, CultureInfo.InvariantCulture, out var start)
            ? start
            : 1;
        foreach (var item in list)
        {
            var marker = list.IsOrdered ? number.ToString(CultureInfo.InvariantCulture) + ". " : "- ";
            number++;
            var first = true;
            foreach (var child in (ListItemBlock)item)
            {
                // Only the item's first paragraph carries the marker; nested content is indented under it.
                var childPrefix = first && child is ParagraphBlock ? prefix + marker : prefix + new string(' ', marker.Length);
                AddParagraphs(child, child is ListBlock ? prefix + "  " : childPrefix, paragraphs);
                first = false;
            }
        }
    }

    private static void AppendInline(Inline inline, StringBuilder text, bool keepLineBreaks)
    {
        switch (inline)
        {
            case LiteralInline literal:
                text.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                text.Append(code.Content);
                break;
            case LineBreakInline lineBreak:
                text.Append(lineBreak.IsHard || keepLineBreaks ? '\n' : ' ');
                break;
            case AutolinkInline autolink:
                text.Append(autolink.Url);
                break;
            case HtmlEntityInline entity:
                text.Append(entity.Transcoded.ToString());
                break;
            case HtmlInline:
                break;
            case LinkInline link when link.FirstChild is null:
                text.Append(link.Url);
                break;
            case ContainerInline container:
                foreach (var child in container)
                {
                    AppendInline(child, text, keepLineBreaks);
                }

                break;
            default:
                break;
        }
    }

    private static string CollapseSpaces(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var isSpace = c == ' ' || c == '\t';
            if (isSpace && (result.Length == 0 || result[^1] == ' ' || result[^1] == '\n'))
            {
                continue;
            }

            if (c == '\n' && result.Length > 0 && result[^1] == ' ')
            {
                result.Length--;
            }

            result.Append(isSpace ? ' ' : c);
        }

        return result.ToString().Trim();
    }

    private static void AddIfNotEmpty(string text, List<string> paragraphs)
    {
        if (text.Trim().Length > 0)
        {
            paragraphs.Add(text);
        }
    }
}
