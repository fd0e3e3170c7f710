using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Xml;

namespace MarketplaceGuard.FakeIam.Ec2;

/// <summary>
/// Writes EC2 Query replies: <c>&lt;OpResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"&gt;&lt;requestId&gt;…</c>
/// then the members in camelCase, lists as <c>item</c> elements; and EC2's error document.
/// </summary>
internal sealed class Ec2XmlWriter
{
    public const string Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private static readonly XmlWriterSettings Settings = new() { OmitXmlDeclaration = true, Indent = false };
    private readonly StringBuilder text = new();
    private readonly XmlWriter xml;

    public Ec2XmlWriter(string operation, string requestId)
    {
        xml = XmlWriter.Create(text, Settings);
        xml.WriteStartElement(operation + "Response", Namespace);
        xml.WriteElementString("requestId", requestId);
    }

    public void Start(string name) => xml.WriteStartElement(name);

    public void End() => xml.WriteEndElement();

    public void Element(string name, string? value)
    {
        if (value is not null)
        {
            xml.WriteElementString(name, value);
        }
    }

    public void Element(string name, bool value) => Element(name, value ? "true" : "false");

    public void Element(string name, int value) => Element(name, value.ToString(CultureInfo.InvariantCulture));

    public void Element(string name, DateTimeOffset value) =>
        Element(name, value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

    /// <summary>A list: <c>&lt;name&gt;&lt;item&gt;…&lt;/item&gt;…&lt;/name&gt;</c>.</summary>
    public void List<T>(string name, IEnumerable<T> items, Action<T> writeItem)
    {
        xml.WriteStartElement(name);
        foreach (var item in items)
        {
            xml.WriteStartElement("item");
            writeItem(item);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    public void ProductCodes(IEnumerable<FakeProductCode> codes) => List("productCodes", codes, c =>
    {
        Element("productCode", c.Code);
        Element("type", c.Type);
    });

    public void TagSet(IReadOnlyDictionary<string, string> tags)
    {
        if (tags.Count == 0)
        {
            return; // EC2 leaves out an empty tagSet
        }

        List("tagSet", tags, t =>
        {
            Element("key", t.Key);
            Element("value", t.Value);
        });
    }

    public string Finish()
    {
        xml.WriteEndElement();
        xml.Flush();
        return text.ToString();
    }

    public static string Error(Ec2Exception error, string requestId)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, Settings))
        {
            xml.WriteStartElement("Response");
            xml.WriteStartElement("Errors");
            xml.WriteStartElement("Error");
            xml.WriteElementString("Code", error.Code);
            xml.WriteElementString("Message", error.Message);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteElementString("RequestID", requestId);
            xml.WriteEndElement();
        }

        return text.ToString();
    }
}
