using System;
using System.Buffers;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace MarketplaceGuard.Engine.Accounts;

/// <summary>
/// One string per distinct policy document text of a snapshot, without the snapshot's indentation. A document given as a
/// JSON object is read as its JSON text with the whitespace between tokens left out: get-account-authorization-details
/// output is indented, and a document deep inside it is two thirds spaces (the synthetic 1x account: 8 million characters
/// of document text, 2.6 million without). Everything else is kept byte for byte, strings with their escapes, so the text
/// parses to the same document. Accounts also repeat documents (an inline policy pasted into many roles): kept as one
/// string each, and the compiler's cache, keyed by text, meets the same string again.
/// </summary>
internal sealed class DocumentTexts
{
    private readonly Dictionary<string, string> texts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> byCharacters;

    public DocumentTexts() => byCharacters = texts.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The element's JSON text without whitespace between tokens (see the class).</summary>
    public string RawText(JsonElement element)
    {
        var compact = JsonMarshal.GetRawUtf8Value(element);
        // The snapshot reader parses its entries without whitespace already: a text with no whitespace byte at all (none
        // in its strings either) has nothing to take out and is not copied.
        byte[]? bytes = null;
        if (compact.IndexOfAny(" \t\r\n"u8) >= 0)
        {
            bytes = ArrayPool<byte>.Shared.Rent(compact.Length);
            compact = bytes.AsSpan(0, WithoutWhitespace(compact, bytes));
        }

        var buffer = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(compact.Length));
        try
        {
            var characters = buffer.AsSpan(0, Encoding.UTF8.GetChars(compact, buffer));
            if (byCharacters.TryGetValue(characters, out var known))
            {
                return known;
            }

            var text = new string(characters);
            texts.Add(text, text);
            return text;
        }
        finally
        {
            if (bytes is not null)
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }

            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Copies JSON without the whitespace between tokens (see <see cref="JsonWhitespaceFilter"/>, line feeds included).</summary>
    internal static int WithoutWhitespace(ReadOnlySpan<byte> json, Span<byte> output)
    {
        var copy = output[..json.Length];
        json.CopyTo(copy);
        return JsonWhitespaceFilter.Compact(copy);
    }

    /// <summary>The one string of <paramref name="text"/>'s characters (a URL-encoded document read as a string).</summary>
    public string Share(string text)
    {
        if (texts.TryGetValue(text, out var known))
        {
            return known;
        }

        texts.Add(text, text);
        return text;
    }
}
