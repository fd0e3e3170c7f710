using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Markdig.Extensions.Tables;
using Markdig.Syntax;

namespace MarketplaceGuard.HelpBuilder;

/// <summary>
/// Renders a markdown pipe table as the plain-text table Get-Help prints, in the layout of <c>Format-Table -Wrap</c>
/// that PowerShell users read every day:
/// <code>
/// Id                 Category        When
/// --                 --------        ----
/// PrincipalNotFound  ObjectNotFound  a principal name, ARN, type/name or wildcard
///                                    matches no user, group or role
/// </code>
/// Why this layout: help is read in a console of 80 columns, where the markdown source (<c>| a | b |</c>, one row per
/// line, cells as long as they like) runs off the screen and the console breaks it mid-word. Fixed-width columns
/// with long cells word-wrapped inside their column keep every row's cells side by side within the width; a new row
/// always starts at the margin with its first cell, so no rule lines are needed between rows. Columns are two spaces
/// apart (one, as in Format-Table, runs wrapped cells together) and the header is underlined with dashes as long as
/// its text, as in Format-Table.
/// Width: when the natural widths do not fit, the widest column gives up one character at a time until the table
/// fits, so long columns end up equally wide and short ones (ids, categories) keep their natural width. A column is
/// never made narrower than its longest word while another column can still give; only when every column is at its
/// longest word are words broken.
/// </summary>
internal static class TextTable
{
    private const string ColumnGap = "  ";

    /// <summary>The rendered lines of <paramref name="table"/>, each prefixed by <paramref name="indent"/>.</summary>
    /// <param name="width">The most characters a line may have, indent included.</param>
    public static List<string> Render(Table table, string indent, int width)
    {
        var rows = new List<string[]>();
        var headerRows = 0;
        foreach (var row in table.OfType<TableRow>())
        {
            var cells = row.OfType<TableCell>().Select(CellText).ToList();
            rows.Add([.. cells]);
            if (row.IsHeader)
            {
                headerRows++;
            }
        }

        var columnCount = Math.Max(table.ColumnDefinitions.Count, rows.Count == 0 ? 0 : rows.Max(r => r.Length));
        var alignments = Enumerable.Range(0, columnCount)
            .Select(i => i < table.ColumnDefinitions.Count ? table.ColumnDefinitions[i].Alignment : null)
            .ToArray();
        return Render(rows, headerRows, alignments, indent, width);
    }

    /// <summary>The core of <see cref="Render(Table, string, int)"/>, on plain cell texts.</summary>
    internal static List<string> Render(List<string[]> rows, int headerRows, TableColumnAlign?[] alignments, string indent, int width)
    {
        var columnCount = alignments.Length;
        var cells = rows.Select(r => Enumerable.Range(0, columnCount).Select(i => i < r.Length ? r[i] : string.Empty).ToArray()).ToList();
        var available = Math.Max(columnCount, width - indent.Length - (ColumnGap.Length * Math.Max(0, columnCount - 1)));
        var widths = ColumnWidths(cells, columnCount, available);

        var lines = new List<string>();
        for (var r = 0; r < cells.Count; r++)
        {
            var wrapped = cells[r].Select((text, c) => WrapCell(text, widths[c])).ToArray();
            var height = wrapped.Max(w => w.Count);
            for (var line = 0; line < height; line++)
            {
                var text = new StringBuilder(indent);
                for (var c = 0; c < columnCount; c++)
                {
                    if (c > 0)
                    {
                        text.Append(ColumnGap);
                    }

                    text.Append(Align(line < wrapped[c].Count ? wrapped[c][line] : string.Empty, widths[c], alignments[c]));
                }

                lines.Add(text.ToString().TrimEnd());
            }

            if (r == headerRows - 1)
            {
                var rule = new StringBuilder(indent);
                for (var c = 0; c < columnCount; c++)
                {
                    if (c > 0)
                    {
                        rule.Append(ColumnGap);
                    }

                    var header = wrapped[c].Count == 0 ? 0 : wrapped[c].Max(l => l.Length);
                    rule.Append(Align(new string('-', Math.Max(1, header)), widths[c], alignments[c]));
                }

                lines.Add(rule.ToString().TrimEnd());
            }
        }

        return lines;
    }

    private static string CellText(TableCell cell) =>
        string.Join(' ', cell.OfType<LeafBlock>().Select(b => b is ParagraphBlock p ? MarkdownText.Inline(p.Inline) : string.Empty))
            .Replace('\n', ' ')
            .Trim();

    private static int[] ColumnWidths(List<string[]> cells, int columnCount, int available)
    {
        var natural = new int[columnCount];
        var longestWord = new int[columnCount];
        foreach (var row in cells)
        {
            for (var c = 0; c < columnCount; c++)
            {
                natural[c] = Math.Max(natural[c], row[c].Length);
                foreach (var word in Words(row[c]))
                {
                    longestWord[c] = Math.Max(longestWord[c], word.Length);
                }
            }
        }

        var widths = natural.Select(w => Math.Max(1, w)).ToArray();

        // First only columns wider than their longest word give way; then, if that is not enough, any column does.
        foreach (var keepWords in new[] { true, false })
        {
            while (widths.Sum() > available)
            {
                var widest = -1;
                for (var c = 0; c < columnCount; c++)
                {
                    var floor = keepWords ? Math.Max(1, longestWord[c]) : 1;
                    if (widths[c] > floor && (widest < 0 || widths[c] > widths[widest]))
                    {
                        widest = c;
                    }
                }

                if (widest < 0)
                {
                    break;
                }

                widths[widest]--;
            }
        }

        return widths;
    }

    /// <summary>Greedy word wrap within one column; a word longer than the column is cut into pieces.</summary>
    private static List<string> WrapCell(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var whole in Words(text))
        {
            var word = whole;
            while (word.Length > width)
            {
                if (line.Length > 0)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }

                lines.Add(word[..width]);
                word = word[width..];
            }

            if (word.Length == 0)
            {
                continue;
            }

            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        if (line.Length > 0 || lines.Count == 0)
        {
            lines.Add(line.ToString());
        }

        return lines;
    }

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string Align(string text, int width, TableColumnAlign? alignment) => alignment switch
    {
        TableColumnAlign.Right => text.PadLeft(width),
        TableColumnAlign.Center => text.PadLeft(text.Length + ((width - text.Length) / 2)).PadRight(width),
        _ => text.PadRight(width),
    };
}
