using System;
using System.IO;

namespace MarketplaceGuard.HelpBuilder.Tests;

/// <summary>The fixture docs folder compiled once for a whole test class.</summary>
public sealed class CompiledFixture : IDisposable
{
    private readonly TempDirectory _output = new();

    public CompiledFixture()
    {
        MamlPath = _output.Combine("en-US", "MarketplaceGuard.dll-Help.xml");
        Result = HelpCompiler.Compile(Fixtures.DocsFolder, MamlPath);
        Assert.True(Result.Succeeded, string.Join(Environment.NewLine, Result.Problems));
        Maml = Maml.Load(MamlPath);
    }

    public string MamlPath { get; }

    internal CompileResult Result { get; }

    internal Maml Maml { get; }

    public string OutputFolder => Path.GetDirectoryName(MamlPath)!;

    public void Dispose() => _output.Dispose();
}
