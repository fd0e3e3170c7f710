using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>Runs a Utf8JsonWriter into a TextWriter (the report API takes text writers; Utf8JsonWriter writes bytes).</summary>
internal static class JsonOutput
{
    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var options = new JsonWriterOptions
        {
            Indented = true,
            NewLine = Report.NewLine(output),

            // A report file is read by people and tools, never pasted into a web page: keep quotes, '+' and non-ASCII
            // names readable instead of \u0027 escapes. Control characters are still escaped.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            write(json);
        }

        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        output.Write(options.NewLine);
    }

    /// <summary>A string, or null.</summary>
    public static void WriteNullable(this Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>An array of strings.</summary>
    public static void WriteStrings(this Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
