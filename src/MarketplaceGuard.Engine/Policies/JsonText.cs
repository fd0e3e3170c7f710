using System;
using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace MarketplaceGuard.Engine.Policies;

/// <summary>
/// Finds the JSON strings that System.Text.Json accepts as tokens but cannot turn into .NET text: bytes that are not
/// UTF-8, or a \u escape of half a surrogate pair (\ud800). Its readers only throw (InvalidOperationException) when
/// such a string is read, deep in whatever code reads it; checking first lets each file reader refuse the input with
/// its own designed error, naming the file and where.
/// </summary>
internal static class JsonText
{
    private static readonly JsonReaderOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 1024,
    };

    /// <summary>Why a string of the JSON is not text, or null when every string (and property name) is.</summary>
    public static string? FindInvalidString(ReadOnlySpan<byte> utf8)
    {
        if (Ascii.IsValid(utf8) && utf8.IndexOf("\\u"u8) < 0)
        {
            return null; // the common case, checked at memory speed: ASCII without escapes is always text
        }

        var reader = new Utf8JsonReader(utf8, Options);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
                {
                    continue;
                }

                if (!reader.ValueIsEscaped)
                {
                    if (!Utf8.IsValid(reader.ValueSpan))
                    {
                        return "a string is not valid UTF-8 text";
                    }
                }
                else
                {
                    try
                    {
                        reader.GetString();
                    }
                    catch (InvalidOperationException e)
                    {
                        return "a string is not valid text: " + e.Message;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the caller's own parser says where.
        }

        return null;
    }

    /// <summary>The same for JSON held in a .NET string.</summary>
    public static string? FindInvalidString(string json) => FindInvalidString(json.AsSpan());

    /// <summary>The same for JSON held as characters.</summary>
    public static string? FindInvalidString(ReadOnlySpan<char> json)
    {
        // ASCII characters are their own UTF-8 bytes, so the common case is decided on the characters without
        // encoding them: every policy document of an account comes through here.
        if (Ascii.IsValid(json) && json.IndexOf("\\u", StringComparison.Ordinal) < 0)
        {
            return null;
        }

        // The rest is encoded as before (Encoding.UTF8 replaces half a surrogate pair), into a pooled buffer.
        var length = Encoding.UTF8.GetByteCount(json);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Encoding.UTF8.GetBytes(json, buffer);
            return FindInvalidString(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A JSON value as an error message names it: "an object", "the string \"x\"", "the number 5", "true", "null".</summary>
    public static string Describe(System.Text.Json.JsonElement value) => value.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Object => "an object",
        System.Text.Json.JsonValueKind.Array => "an array",
        System.Text.Json.JsonValueKind.String => $"the string \"{value.GetString()}\"",
        System.Text.Json.JsonValueKind.Number => $"the number {value.GetRawText()}",
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => value.GetRawText(),
        _ => "null",
    };
}
