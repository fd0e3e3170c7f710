using System;
using System.IO;
using System.Linq;
using System.Xml;
using System.Xml.Linq;
using System.Xml.XPath;

namespace MarketplaceGuard.HelpBuilder.Tests;

/// <summary>A fresh folder under the temp path, deleted after the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        FullPath = Path.Combine(Path.GetTempPath(), "mg-helpbuilder-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(FullPath);
    }

    public string FullPath { get; }

    public string Combine(params string[] parts) => Path.Combine([FullPath, .. parts]);

    public void Dispose() => Directory.Delete(FullPath, recursive: true);
}

internal static class Fixtures
{
    public const string CmdletName = "Get-MarketplacePolicyTemplate";

    /// <summary>Fixtures/docs: two cmdlet pages, one about topic and a README that must be ignored.</summary>
    public static string DocsFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "docs");

    public static string FullPage => File.ReadAllText(Path.Combine(DocsFolder, CmdletName + ".md")).ReplaceLineEndings("\n");

    public static string AboutPage => File.ReadAllText(Path.Combine(DocsFolder, "about_MarketplaceGuard.md")).ReplaceLineEndings("\n");

    /// <summary>Copies the fixture docs into <paramref name="temp"/>/docs so a test may change them.</summary>
    public static string CopyDocs(TempDirectory temp)
    {
        var docs = temp.Combine("docs");
        Directory.CreateDirectory(docs);
        foreach (var file in Directory.GetFiles(DocsFolder))
        {
            File.Copy(file, Path.Combine(docs, Path.GetFileName(file)));
        }

        return docs;
    }
}

/// <summary>XPath over a MAML document with the prefixes platyPS uses (and "msh" for the default namespace).</summary>
internal sealed class Maml
{
    private readonly XmlNamespaceManager _namespaces = new(new NameTable());

    public Maml(XDocument document)
    {
        Document = document;
        _namespaces.AddNamespace("msh", MamlWriter.MshNamespace);
        _namespaces.AddNamespace("maml", MamlWriter.MamlNamespace);
        _namespaces.AddNamespace("command", MamlWriter.CommandNamespace);
        _namespaces.AddNamespace("dev", MamlWriter.DevNamespace);
    }

    public XDocument Document { get; }

    public static Maml Load(string path) => new(XDocument.Load(path, LoadOptions.PreserveWhitespace));

    public XElement[] All(string xpath) => Document.XPathSelectElements(xpath, _namespaces).ToArray();

    public XElement Single(string xpath)
    {
        var matches = All(xpath);
        Assert.True(matches.Length == 1, "expected exactly one match for " + xpath + ", found " + matches.Length);
        return matches[0];
    }

    public string[] Texts(string xpath) => All(xpath).Select(e => e.Value).ToArray();

    /// <summary>The command:command element of one cmdlet, as an XPath prefix.</summary>
    public static string Command(string name) => "/msh:helpItems/command:command[command:details/command:name='" + name + "']";
}
