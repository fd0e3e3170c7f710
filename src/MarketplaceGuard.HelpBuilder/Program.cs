using System;
using System.Globalization;
using System.IO;

namespace MarketplaceGuard.HelpBuilder;

/// <summary>
/// Build-time help compiler: <c>dotnet MarketplaceGuard.HelpBuilder.dll &lt;docsDir&gt; &lt;outputMamlFile&gt;</c>.
/// Exit codes: 0 compiled, 1 the pages have problems (one line each on stderr), 2 bad arguments or I/O failure.
/// </summary>
internal static class Program
{
    private static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>The whole command line contract, with the console passed in so tests can run it in-process.</summary>
    internal static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length != 2)
        {
            error.WriteLine("usage: MarketplaceGuard.HelpBuilder <docsDir> <outputMamlFile>");
            return 2;
        }

        var (docsDirectory, mamlPath) = (args[0], args[1]);
        if (!Directory.Exists(docsDirectory))
        {
            error.WriteLine("MarketplaceGuard.HelpBuilder: docs folder '" + docsDirectory + "' does not exist");
            return 2;
        }

        CompileResult result;
        try
        {
            result = HelpCompiler.Compile(docsDirectory, mamlPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine("MarketplaceGuard.HelpBuilder: " + e.Message);
            return 2;
        }

        foreach (var problem in result.Problems)
        {
            error.WriteLine(problem);
        }

        if (!result.Succeeded)
        {
            return 1;
        }

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Help: {result.CmdletPages} cmdlet page(s), {result.AboutTopics} about topic(s) -> {mamlPath}"));
        return 0;
    }
}
