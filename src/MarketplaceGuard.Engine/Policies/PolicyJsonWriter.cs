using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MarketplaceGuard.Engine.Policies;

/// <summary>
/// Writes the canonical compact form of a policy document: no whitespace; elements in the order Version, Id,
/// Statement and, in a statement, Sid, Effect, Action|NotAction, Resource|NotResource, Condition; Statement, action,
/// resource and condition values always as arrays; condition operators and keys in ordinal order. Statement and value
/// order are kept as written, because that is how the author reads them. The output is accepted as is by IAM
/// (CreatePolicy, AWS.Tools' New-IAMPolicy -PolicyDocument).
/// </summary>
public static class PolicyJsonWriter
{
    // Policy documents only hold characters up to U+00FF; the relaxed encoder keeps '<', '>', '&' and '+' readable.
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public static string WriteCompact(PolicyDocument document) => WriteDocument(document, minimal: false);

    /// <summary>
    /// The compact form with every one-value list written as a plain string (<c>"Resource":"*"</c>), as IAM and AWS
    /// Organizations read it: the shortest text for documents with a size limit (service control policies). Element,
    /// statement and value order are those of <see cref="WriteCompact"/>.
    /// </summary>
    public static string WriteMinimal(PolicyDocument document) => WriteDocument(document, minimal: true);

    /// <summary>One statement as <see cref="WriteMinimal"/> writes it inside a document (to measure it).</summary>
    public static string WriteMinimal(PolicyStatement statement) => WriteText(writer => Write(writer, statement, minimal: true));

    private static string WriteDocument(PolicyDocument document, bool minimal) => WriteText(writer => Write(writer, document, minimal));

    private static string WriteText(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, PolicyDocument document, bool minimal)
    {
        writer.WriteStartObject();
        if (document.Version is not null)
        {
            writer.WriteString("Version", document.Version);
        }

        if (document.Id is not null)
        {
            writer.WriteString("Id", document.Id);
        }

        writer.WriteStartArray("Statement");
        foreach (var statement in document.Statements)
        {
            Write(writer, statement, minimal);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter writer, PolicyStatement statement, bool minimal)
    {
        writer.WriteStartObject();
        if (statement.Sid is not null)
        {
            writer.WriteString("Sid", statement.Sid);
        }

        writer.WriteString("Effect", statement.Effect.ToString());
        WriteValues(writer, statement.ActionElementName, statement.Actions, minimal);
        WriteValues(writer, statement.ResourceElementName, statement.Resources, minimal);
        if (statement.Conditions.Count > 0)
        {
            writer.WriteStartObject("Condition");
            var byOperator = statement.Conditions
                .GroupBy(c => c.Operator.Name, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal);
            foreach (var clauses in byOperator)
            {
                writer.WriteStartObject(clauses.Key);
                foreach (var clause in clauses.OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    WriteValues(writer, clause.Key, clause.Values, minimal);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteValues(Utf8JsonWriter writer, string name, IReadOnlyList<string> values, bool minimal)
    {
        if (minimal && values.Count == 1)
        {
            writer.WriteString(name, values[0]);
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
