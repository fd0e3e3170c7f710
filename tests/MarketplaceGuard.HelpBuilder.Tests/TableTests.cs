using System.Linq;
using Markdig;
using Markdig.Extensions.Tables;

namespace MarketplaceGuard.HelpBuilder.Tests;

/// <summary>Markdown pipe tables become aligned text tables in about topics and in MAML text.</summary>
public sealed class TableTests
{
    private const string RuleTable =
        """
        | Rule | Severity | Finding |
        |---|---|---|
        | MG1001 | High | An unauthorized principal can procure |
        | MG1005 | Low | An unauthorized principal is only implicitly denied procurement because nothing grants it |
        """;

    [Fact]
    public void A_table_that_fits_keeps_its_natural_widths_two_spaces_apart_with_dashes_under_each_header()
    {
        var lines = Render("| Id | When |\n|---|---|\n| `A1` | **now** |\n| B22 | later on |\n", 80);

        Assert.Equal(
            [
                "Id   When",
                "--   ----",
                "A1   now",
                "B22  later on",
            ],
            lines);
    }

    [Fact]
    public void Long_cells_wrap_inside_their_column_and_every_line_fits_the_width()
    {
        var lines = Render(RuleTable, 60);

        Assert.Equal(
            [
                "Rule    Severity  Finding",
                "----    --------  -------",
                "MG1001  High      An unauthorized principal can procure",
                "MG1005  Low       An unauthorized principal is only",
                "                  implicitly denied procurement because",
                "                  nothing grants it",
            ],
            lines);
        Assert.All(lines, line => Assert.True(line.Length <= 60, "too long: " + line));
    }

    [Fact]
    public void The_widest_columns_give_way_first_and_short_columns_keep_their_width()
    {
        var lines = Render(
            "| Id | Description | Fix |\n|---|---|---|\n| X1 | " + string.Join(' ', Enumerable.Repeat("reason", 12)) + " | " + string.Join(' ', Enumerable.Repeat("step", 15)) + " |\n",
            50);

        Assert.All(lines, line => Assert.True(line.Length <= 50, "too long: " + line));
        Assert.StartsWith("Id  Description", lines[0], System.StringComparison.Ordinal);

        // Both long columns end up equally wide: 50 - 2 (Id) - 2 * 2 (gaps) = 44, split 22/22.
        Assert.Equal(4 + 22 + 2, lines[0].IndexOf("Fix", System.StringComparison.Ordinal));
        Assert.All(lines.Skip(2), line => Assert.True(line.Length <= 50));
    }

    [Fact]
    public void A_word_is_cut_only_when_no_column_can_give_way()
    {
        var lines = Render("| A | B |\n|---|---|\n| " + new string('x', 30) + " | " + new string('y', 30) + " |\n", 40);

        Assert.All(lines, line => Assert.True(line.Length <= 40, "too long: " + line));
        Assert.Equal(new string('x', 30), string.Concat(lines.Skip(2).Select(l => l[..19].TrimEnd())));
    }

    [Fact]
    public void Right_aligned_columns_are_padded_on_the_left()
    {
        var lines = Render("| Name | Count |\n|---|---:|\n| a | 7 |\n| b | 1234 |\n", 80);

        Assert.Equal(["Name  Count", "----  -----", "a         7", "b      1234"], lines);
    }

    [Fact]
    public void About_topics_render_tables_aligned_instead_of_printing_the_markdown()
    {
        var text = AboutTopicWriter.Convert("# about_X\n\n## RULES\nThe rules:\n\n" + RuleTable + "\n", "about_X");

        Assert.DoesNotContain("|", text, System.StringComparison.Ordinal);
        Assert.Contains("Rule    Severity  Finding\n----    --------  -------\nMG1001  High      An unauthorized principal can procure\n", text, System.StringComparison.Ordinal);
        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= AboutTopicWriter.Width, "too long: " + line));
    }

    [Fact]
    public void A_table_in_a_list_item_is_indented_under_the_item()
    {
        var text = AboutTopicWriter.Convert("# about_X\n\n- Rules:\n\n  | A | B |\n  |---|---|\n  | 1 | 2 |\n", "about_X");

        Assert.Contains("- Rules:\n\n  A  B\n  -  -\n  1  2\n", text, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Maml_text_gets_the_table_as_one_paragraph_of_aligned_lines_that_fit_under_a_parameter()
    {
        var page = Fixtures.FullPage.Replace(
            "## PARAMETERS",
            "The rules:\n\n" + RuleTable + "\n\n## PARAMETERS",
            System.StringComparison.Ordinal);

        var result = MarkdownHelpReader.Read(page, Fixtures.CmdletName);

        Assert.Empty(result.Problems);
        var table = Assert.Single(result.Page.Examples.SelectMany(e => e.Remarks), p => p.StartsWith("Rule ", System.StringComparison.Ordinal));
        var lines = table.Split('\n');
        Assert.Equal("Rule    Severity  Finding", lines[0]);
        Assert.Equal("----    --------  -------", lines[1]);
        Assert.All(lines, line => Assert.True(line.Length <= MarkdownText.MamlTableWidth, "too long: " + line));
        Assert.True(lines.Length > 4, "the long finding wraps at " + MarkdownText.MamlTableWidth + " columns");
    }

    [Fact]
    public void See_also_lists_one_name_per_line()
    {
        var text = AboutTopicWriter.Convert("# about_X\n\n## SEE ALSO\nGet-Foo\nSet-Foo\nabout_Y\n", "about_X");

        Assert.EndsWith("SEE ALSO\nGet-Foo\nSet-Foo\nabout_Y\n", text, System.StringComparison.Ordinal);
    }

    [Fact]
    public void An_about_topic_line_wider_than_80_columns_is_a_build_problem()
    {
        using var temp = new TempDirectory();
        var docs = Fixtures.CopyDocs(temp);
        var about = System.IO.Path.Combine(docs, "about_MarketplaceGuard.md");
        System.IO.File.AppendAllText(about, "\n## WIDE\n\n    Get-MarketplacePolicyTemplate | Where-Object Name -like 'Procurement*' | Format-Table -AutoSize\n");

        var result = HelpCompiler.Compile(docs, temp.Combine("out", "MarketplaceGuard.dll-Help.xml"));

        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("docs/about_MarketplaceGuard.md: line ", problem, System.StringComparison.Ordinal);
        Assert.Contains("is 99 columns wide, more than 80: Get-MarketplacePolicyTemplate |", problem, System.StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(temp.Combine("out", "MarketplaceGuard.dll-Help.xml")));
    }

    private static string[] Render(string markdown, int width)
    {
        var pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();
        var table = Markdown.Parse(markdown, pipeline).OfType<Table>().Single();
        return [.. TextTable.Render(table, string.Empty, width)];
    }
}
