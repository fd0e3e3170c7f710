using System;
using System.IO;

namespace MarketplaceGuard.HelpBuilder.Tests;

/// <summary>The command-line contract the build relies on: arguments, exit codes and what is printed.</summary>
public sealed class ProgramTests
{
    [Fact]
    public void Success_prints_the_counts_and_the_output_path_and_exits_zero()
    {
        using var temp = new TempDirectory();
        var maml = temp.Combine("en-US", "MarketplaceGuard.dll-Help.xml");

        var (exitCode, output, error) = Run(Fixtures.DocsFolder, maml);

        Assert.Equal(0, exitCode);
        Assert.Equal("Help: 2 cmdlet page(s), 1 about topic(s) -> " + maml + Environment.NewLine, output);
        Assert.Empty(error);
        Assert.True(File.Exists(maml));
        Assert.True(File.Exists(temp.Combine("en-US", "about_MarketplaceGuard.help.txt")));
    }

    [Fact]
    public void Problems_are_printed_one_line_each_as_docs_file_colon_message_and_nothing_is_written()
    {
        using var temp = new TempDirectory();
        var docs = Fixtures.CopyDocs(temp);
        var page = Path.Combine(docs, "Test-MarketplacePolicy.md");
        File.WriteAllText(page, File.ReadAllText(page).ReplaceLineEndings("\n").Replace("Fails on warnings.", "", StringComparison.Ordinal).Replace("# Test-MarketplacePolicy\n", "", StringComparison.Ordinal));
        var maml = temp.Combine("out", "MarketplaceGuard.dll-Help.xml");

        var (exitCode, output, error) = Run(docs, maml);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Equal(
            [
                "docs/Test-MarketplacePolicy.md: missing title heading '# Test-MarketplacePolicy'",
                "docs/Test-MarketplacePolicy.md: parameter -Strict has no description",
            ],
            error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void Wrong_argument_count_prints_usage_and_exits_two()
    {
        var (exitCode, _, error) = Run(Fixtures.DocsFolder);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("usage: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_docs_folder_exits_two()
    {
        using var temp = new TempDirectory();

        var (exitCode, _, error) = Run(temp.Combine("no-such-docs"), temp.Combine("out.xml"));

        Assert.Equal(2, exitCode);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = Program.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
