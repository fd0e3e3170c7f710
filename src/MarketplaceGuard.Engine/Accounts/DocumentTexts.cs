using System;
using System.Buffers;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace MarketplaceGuard.Engine.Accounts;

/// <summary>
/// One string per distinct policy document text of a snapshot. Accounts repeat documents (an inline policy pasted into
/// hundreds of roles, the same customer policy under two names): the synthetic 1x account has 13,500 documents and
/// 2,900 texts. Kept as one string each, the model holds a fifth of the text, and the compiler's cache, keyed by text,
/// meets the same string again. A document is read as its JSON text, character for character
/// (<see cref="JsonElement.GetRawText"/>), without a new string when the text is already known.
/// </summary>
internal sealed class DocumentTexts
{
    private readonly Dictionary<string, string> texts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> byCharacters;

    public DocumentTexts() => byCharacters = texts.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The element's JSON text, as <see cref="JsonElement.GetRawText"/> returns it.</summary>
    public string RawText(JsonElement element)
    {
        var utf8 = JsonMarshal.GetRawUtf8Value(element);
        var buffer = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        try
        {
            var characters = buffer.AsSpan(0, Encoding.UTF8.GetChars(utf8, buffer));
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
            ArrayPool<char>.Shared.Return(buffer);
        }
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
