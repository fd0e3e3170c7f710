using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Xml;

namespace MarketplaceGuard.HelpBuilder;

/// <summary>
/// Writes the MAML file Get-Help reads for a binary module's cmdlets, element for element in the shape platyPS's
/// New-ExternalHelp produces (the help engine is picky about names and namespaces, much less about anything else).
/// </summary>
internal static class MamlWriter
{
    public const string MshNamespace = "http://msh";
    public const string MamlNamespace = "http://schemas.microsoft.com/maml/2004/10";
    public const string CommandNamespace = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public const string DevNamespace = "http://schemas.microsoft.com/maml/dev/2004/10";
    private const string MsHelpNamespace = "http://msdn.microsoft.com/mshelp";

    // platyPS centres example titles in a 64-character rule of dashes, which is how Get-Help's own examples look.
    private const int ExampleTitleWidth = 64;

    /// <summary>The complete file: UTF-8 without BOM, "\n" line ends, so equal input gives equal bytes everywhere.</summary>
    public static byte[] Write(IEnumerable<CmdletHelpPage> pages)
    {
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
        };

        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement("helpItems", MshNamespace);
            writer.WriteAttributeString("schema", "maml");
            foreach (var page in pages)
            {
                WriteCommand(writer, page);
            }

            writer.WriteEndElement();
            writer.WriteEndDocument();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void WriteCommand(XmlWriter writer, CmdletHelpPage page)
    {
        writer.WriteStartElement("command", "command", CommandNamespace);
        writer.WriteAttributeString("xmlns", "maml", null, MamlNamespace);
        writer.WriteAttributeString("xmlns", "command", null, CommandNamespace);
        writer.WriteAttributeString("xmlns", "dev", null, DevNamespace);
        writer.WriteAttributeString("xmlns", "MSHelp", null, MsHelpNamespace);

        writer.WriteStartElement("command", "details", CommandNamespace);
        writer.WriteElementString("command", "name", CommandNamespace, page.Name);
        writer.WriteElementString("command", "verb", CommandNamespace, page.Verb);
        writer.WriteElementString("command", "noun", CommandNamespace, page.Noun);
        WriteDescription(writer, page.Synopsis);
        writer.WriteEndElement();

        WriteDescription(writer, page.Description);
        WriteSyntax(writer, page);

        writer.WriteStartElement("command", "parameters", CommandNamespace);
        foreach (var parameter in page.Parameters)
        {
            if (parameter.Metadata.Count > 0)
            {
                WriteParameter(writer, parameter, parameter.Metadata[0], inSyntax: false);
            }
        }

        writer.WriteEndElement();

        WriteTypes(writer, "inputTypes", "inputType", page.Inputs);
        WriteTypes(writer, "returnValues", "returnValue", page.Outputs);

        writer.WriteStartElement("maml", "alertSet", MamlNamespace);
        writer.WriteStartElement("maml", "alert", MamlNamespace);
        WriteParagraphs(writer, page.Notes);
        writer.WriteEndElement();
        writer.WriteEndElement();

        WriteExamples(writer, page.Examples);
        WriteRelatedLinks(writer, page.RelatedLinks);
        writer.WriteEndElement();
    }

    private static void WriteSyntax(XmlWriter writer, CmdletHelpPage page)
    {
        writer.WriteStartElement("command", "syntax", CommandNamespace);
        foreach (var item in SyntaxBuilder.Build(page))
        {
            writer.WriteStartElement("command", "syntaxItem", CommandNamespace);
            writer.WriteElementString("maml", "name", MamlNamespace, page.Name);
            foreach (var (parameter, metadata) in item.Parameters)
            {
                WriteParameter(writer, parameter, metadata, inSyntax: true);
            }

            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }

    private static void WriteParameter(XmlWriter writer, ParameterHelp parameter, ParameterMetadata metadata, bool inSyntax)
    {
        writer.WriteStartElement("command", "parameter", CommandNamespace);
        writer.WriteAttributeString("required", Boolean(metadata.Required));
        writer.WriteAttributeString("variableLength", "true");
        writer.WriteAttributeString("globbing", Boolean(metadata.Globbing));
        writer.WriteAttributeString("pipelineInput", metadata.PipelineInput);
        writer.WriteAttributeString("position", metadata.Position);
        writer.WriteAttributeString("aliases", metadata.Aliases.Count > 0 ? string.Join(", ", metadata.Aliases) : "none");
        writer.WriteElementString("maml", "name", MamlNamespace, parameter.Name);
        WriteDescription(writer, parameter.Description);

        // Get-Help prints these as {A | B | C} in the syntax line, where the type name would otherwise be.
        if (inSyntax && metadata.AcceptedValues.Count > 0)
        {
            writer.WriteStartElement("command", "parameterValueGroup", CommandNamespace);
            foreach (var value in metadata.AcceptedValues)
            {
                writer.WriteStartElement("command", "parameterValue", CommandNamespace);
                writer.WriteAttributeString("required", "false");
                writer.WriteAttributeString("command", "variableLength", CommandNamespace, "false");
                writer.WriteString(value);
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        }

        // A switch has no value to type in, so the syntax line must not show "<SwitchParameter>" after its name.
        if (!(inSyntax && metadata.IsSwitch))
        {
            writer.WriteStartElement("command", "parameterValue", CommandNamespace);
            writer.WriteAttributeString("required", Boolean(!metadata.IsSwitch));
            writer.WriteAttributeString("variableLength", "false");
            writer.WriteString(metadata.Type);
            writer.WriteEndElement();
        }

        writer.WriteStartElement("dev", "type", DevNamespace);
        writer.WriteElementString("maml", "name", MamlNamespace, metadata.Type);
        writer.WriteElementString("maml", "uri", MamlNamespace, string.Empty);
        writer.WriteEndElement();

        var defaultValue = metadata.IsSwitch && metadata.DefaultValue == "None" ? "False" : metadata.DefaultValue;
        writer.WriteElementString("dev", "defaultValue", DevNamespace, defaultValue);
        writer.WriteEndElement();
    }

    private static void WriteTypes(XmlWriter writer, string listName, string itemName, List<TypeHelp> types)
    {
        writer.WriteStartElement("command", listName, CommandNamespace);
        foreach (var type in types)
        {
            writer.WriteStartElement("command", itemName, CommandNamespace);
            writer.WriteStartElement("dev", "type", DevNamespace);
            writer.WriteElementString("maml", "name", MamlNamespace, type.TypeName);
            writer.WriteEndElement();
            WriteDescription(writer, type.Description);
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }

    private static void WriteExamples(XmlWriter writer, List<ExampleHelp> examples)
    {
        writer.WriteStartElement("command", "examples", CommandNamespace);
        foreach (var example in examples)
        {
            writer.WriteStartElement("command", "example", CommandNamespace);
            writer.WriteElementString("maml", "title", MamlNamespace, PadExampleTitle(example.Title));
            writer.WriteElementString("dev", "code", DevNamespace, string.Join("\n\n", example.Code));
            writer.WriteStartElement("dev", "remarks", DevNamespace);
            WriteParagraphs(writer, example.Remarks);
            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }

    private static void WriteRelatedLinks(XmlWriter writer, List<RelatedLink> links)
    {
        writer.WriteStartElement("command", "relatedLinks", CommandNamespace);
        foreach (var link in links)
        {
            writer.WriteStartElement("maml", "navigationLink", MamlNamespace);
            writer.WriteElementString("maml", "linkText", MamlNamespace, link.Text);
            writer.WriteElementString("maml", "uri", MamlNamespace, link.Uri);
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }

    private static void WriteDescription(XmlWriter writer, IEnumerable<string> paragraphs)
    {
        writer.WriteStartElement("maml", "description", MamlNamespace);
        WriteParagraphs(writer, paragraphs);
        writer.WriteEndElement();
    }

    private static void WriteParagraphs(XmlWriter writer, IEnumerable<string> paragraphs)
    {
        foreach (var paragraph in paragraphs)
        {
            writer.WriteElementString("maml", "para", MamlNamespace, paragraph);
        }
    }

    internal static string PadExampleTitle(string title)
    {
        var dashes = (ExampleTitleWidth - title.Length - 2) / 2;
        if (dashes <= 0)
        {
            return title;
        }

        var rule = new string('-', dashes);
        return rule + " " + title + " " + rule;
    }

    private static string Boolean(bool value) => value ? "true" : "false";
}
