using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Xml;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// Writes Query protocol replies: <c>&lt;OpResponse xmlns=...&gt;&lt;OpResult&gt;…&lt;/OpResult&gt;&lt;ResponseMetadata&gt;…</c>,
/// lists as <c>member</c> elements, booleans as true/false, dates as ISO 8601 UTC; and ErrorResponse documents.
/// </summary>
internal sealed class IamXmlWriter
{
    public const string IamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/";
    public const string StsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    private static readonly XmlWriterSettings Settings = new() { OmitXmlDeclaration = true, Indent = true, IndentChars = "  " };
    private readonly StringBuilder text = new();
    private readonly XmlWriter xml;
    private readonly string operation;
    private bool resultOpen;

    public IamXmlWriter(string operation, string xmlNamespace)
    {
        this.operation = operation;
        xml = XmlWriter.Create(text, Settings);
        xml.WriteStartElement(operation + "Response", xmlNamespace);
    }

    /// <summary>Opens the OpResult element; operations without output never call it.</summary>
    public void BeginResult()
    {
        xml.WriteStartElement(operation + "Result");
        resultOpen = true;
    }

    public void Start(string name) => xml.WriteStartElement(name);

    public void End() => xml.WriteEndElement();

    /// <summary>Writes an element; a null value writes nothing (IAM leaves out absent members).</summary>
    public void Element(string name, string? value)
    {
        if (value is not null)
        {
            xml.WriteElementString(name, value);
        }
    }

    public void Element(string name, bool value) => Element(name, value ? "true" : "false");

    public void Element(string name, int value) => Element(name, value.ToString(CultureInfo.InvariantCulture));

    public void Element(string name, DateTimeOffset? value) => Element(name, value is { } date ? FormatDate(date) : null);

    /// <summary>A list: <c>&lt;name&gt;&lt;member&gt;…&lt;/member&gt;…&lt;/name&gt;</c>.</summary>
    public void List<T>(string name, IEnumerable<T> items, Action<T> writeMember)
    {
        xml.WriteStartElement(name);
        foreach (var item in items)
        {
            xml.WriteStartElement("member");
            writeMember(item);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    /// <summary>A list of plain strings: <c>&lt;member&gt;value&lt;/member&gt;</c>.</summary>
    public void StringList(string name, IEnumerable<string> values)
    {
        xml.WriteStartElement(name);
        foreach (var value in values)
        {
            xml.WriteElementString("member", value);
        }

        xml.WriteEndElement();
    }

    /// <summary>IsTruncated, and Marker when there is a next page.</summary>
    public void PagingInfo(string? nextMarker)
    {
        Element("IsTruncated", nextMarker is not null);
        Element("Marker", nextMarker);
    }

    public string Finish(string requestId)
    {
        if (resultOpen)
        {
            xml.WriteEndElement();
        }

        xml.WriteStartElement("ResponseMetadata");
        xml.WriteElementString("RequestId", requestId);
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.Flush();
        return text.ToString();
    }

    public static string Error(string xmlNamespace, IamException error, string requestId)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, Settings))
        {
            xml.WriteStartElement("ErrorResponse", xmlNamespace);
            xml.WriteStartElement("Error");
            xml.WriteElementString("Type", error.FaultType);
            xml.WriteElementString("Code", error.Code);
            xml.WriteElementString("Message", error.Message);
            xml.WriteEndElement();
            xml.WriteElementString("RequestId", requestId);
            xml.WriteEndElement();
        }

        return text.ToString();
    }

    public static string FormatDate(DateTimeOffset date) =>
        date.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
