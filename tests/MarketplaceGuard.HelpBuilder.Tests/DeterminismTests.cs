using System;
using System.IO;

namespace MarketplaceGuard.HelpBuilder.Tests;

public sealed class DeterminismTests
{
    private const string MamlName = "MarketplaceGuard.dll-Help.xml";
    private const string AboutName = "about_MarketplaceGuard.help.txt";

    [Fact]
    public void Same_input_gives_byte_identical_output()
    {
        using var temp = new TempDirectory();

        HelpCompiler.Compile(Fixtures.DocsFolder, temp.Combine("a", MamlName));
        HelpCompiler.Compile(Fixtures.DocsFolder, temp.Combine("b", MamlName));

        Assert.Equal(File.ReadAllBytes(temp.Combine("a", MamlName)), File.ReadAllBytes(temp.Combine("b", MamlName)));
        Assert.Equal(File.ReadAllBytes(temp.Combine("a", AboutName)), File.ReadAllBytes(temp.Combine("b", AboutName)));
    }

    [Fact]
    public void Windows_line_ends_in_the_pages_do_not_change_the_output()
    {
        using var temp = new TempDirectory();
        var docs = Fixtures.CopyDocs(temp);
        foreach (var file in Directory.GetFiles(docs))
        {
            File.WriteAllText(file, File.ReadAllText(file).ReplaceLineEndings("\r\n"));
        }

        HelpCompiler.Compile(Fixtures.DocsFolder, temp.Combine("lf", MamlName));
        HelpCompiler.Compile(docs, temp.Combine("crlf", MamlName));

        Assert.Equal(File.ReadAllBytes(temp.Combine("lf", MamlName)), File.ReadAllBytes(temp.Combine("crlf", MamlName)));
        Assert.Equal(File.ReadAllBytes(temp.Combine("lf", AboutName)), File.ReadAllBytes(temp.Combine("crlf", AboutName)));
    }

    [Fact]
    public void Unchanged_output_is_not_rewritten_so_incremental_builds_stay_quiet()
    {
        using var temp = new TempDirectory();
        var maml = temp.Combine(MamlName);
        var about = temp.Combine(AboutName);
        HelpCompiler.Compile(Fixtures.DocsFolder, maml);
        var longAgo = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(maml, longAgo);
        File.SetLastWriteTimeUtc(about, longAgo);

        HelpCompiler.Compile(Fixtures.DocsFolder, maml);

        Assert.Equal(longAgo, File.GetLastWriteTimeUtc(maml));
        Assert.Equal(longAgo, File.GetLastWriteTimeUtc(about));
    }

    [Fact]
    public void Changed_input_rewrites_the_output()
    {
        using var temp = new TempDirectory();
        var docs = Fixtures.CopyDocs(temp);
        var maml = temp.Combine("out", MamlName);
        HelpCompiler.Compile(docs, maml);
        var page = Path.Combine(docs, "Test-MarketplacePolicy.md");
        File.WriteAllText(page, File.ReadAllText(page).Replace("Checks a policy document.", "Checks a policy file.", StringComparison.Ordinal));

        HelpCompiler.Compile(docs, maml);

        Assert.Contains("Checks a policy file.", File.ReadAllText(maml), StringComparison.Ordinal);
    }
}
