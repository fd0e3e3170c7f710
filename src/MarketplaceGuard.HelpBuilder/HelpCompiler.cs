using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace MarketplaceGuard.HelpBuilder;

/// <summary>What a run produced: either problems (and no files written) or the counts of compiled pages.</summary>
internal sealed record CompileResult(IReadOnlyList<string> Problems, int CmdletPages, int AboutTopics)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>Compiles a docs folder: every Verb-Noun.md into one MAML file, every about_*.md into a .help.txt beside it.</summary>
internal static partial class HelpCompiler
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static CompileResult Compile(string docsDirectory, string mamlPath)
    {
        // Problems name the file as "docs/Get-Foo.md", the way authors know it, whatever absolute path the build passes.
        var displayFolder = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(docsDirectory)));

        // Ordinal order makes the output independent of the file system's enumeration order.
        var files = Directory.GetFiles(docsDirectory, "*.md")
            .Select(path => (Path: path, Name: Path.GetFileNameWithoutExtension(path)))
            .OrderBy(file => file.Name, StringComparer.Ordinal)
            .ToList();

        var problems = new List<string>();
        var pages = new List<CmdletHelpPage>();
        foreach (var file in files.Where(f => CmdletName().IsMatch(f.Name)))
        {
            var result = MarkdownHelpReader.Read(File.ReadAllText(file.Path), file.Name);
            problems.AddRange(result.Problems.Select(problem => displayFolder + "/" + file.Name + ".md: " + problem));
            pages.Add(result.Page);
        }

        var aboutTopics = files
            .Where(f => f.Name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
            .Select(f => (f.Name, Text: AboutTopicWriter.Convert(File.ReadAllText(f.Path), f.Name)))
            .ToList();
        foreach (var (name, text) in aboutTopics)
        {
            problems.AddRange(AboutTopicWriter.LongLines(text).Select(problem => displayFolder + "/" + name + ".md: " + problem));
        }

        if (problems.Count > 0)
        {
            return new CompileResult(problems, 0, 0);
        }

        OutputFile.WriteIfChanged(mamlPath, MamlWriter.Write(pages));

        var outputFolder = Path.GetDirectoryName(Path.GetFullPath(mamlPath))!;
        foreach (var (name, text) in aboutTopics)
        {
            OutputFile.WriteIfChanged(Path.Combine(outputFolder, name + ".help.txt"), Utf8NoBom.GetBytes(text));
        }

        return new CompileResult([], pages.Count, aboutTopics.Count);
    }

    /// <summary>Verb-Noun: the only markdown files that are cmdlet pages (README.md and friends are skipped).</summary>
    [GeneratedRegex("^[A-Za-z]+-[A-Za-z0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex CmdletName();
}
