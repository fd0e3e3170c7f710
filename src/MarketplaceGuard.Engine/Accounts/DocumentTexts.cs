using System;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using MarketplaceGuard.Engine.Policies;

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
    private readonly StringTable texts = new();

    /// <summary>The element's JSON text without whitespace between tokens (see the class).</summary>
    public string RawText(JsonElement element)
    {
        var compact = JsonMarshal.GetRawUtf8Value(element);
        // The snapshot reader parses its entries without whitespace already: a text with no whitespace byte at all (none
        // in its strings either) has nothing to take out and is not copied.
        byte[]? bytes = null;
        if (HasWhitespace(compact))
        {
            bytes = ArrayPool<byte>.Shared.Rent(compact.Length);
            compact = bytes.AsSpan(0, WithoutWhitespace(compact, bytes));
        }

        var buffer = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(compact.Length));
        try
        {
            return texts.Intern(buffer.AsSpan(0, Encoding.UTF8.GetChars(compact, buffer)));
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

    // A plain loop, precompiled with the module: the framework's search for any of four bytes is generic code that is
    // compiled when first used and ran unoptimized through a process's first audit (measured: a sixth of the first
    // audit's reading in the profile went to it).
    private static bool HasWhitespace(ReadOnlySpan<byte> json)
    {
        foreach (var b in json)
        {
            if (b is (byte)' ' or (byte)'\n' or (byte)'\t' or (byte)'\r')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Copies JSON without the whitespace between tokens (see <see cref="JsonWhitespaceFilter"/>, line feeds included).</summary>
    internal static int WithoutWhitespace(ReadOnlySpan<byte> json, Span<byte> output)
    {
        var copy = output[..json.Length];
        json.CopyTo(copy);
        return JsonWhitespaceFilter.Compact(copy);
    }

    /// <summary>
    /// The one string of a document given as a JSON string. A URL-encoded one (as IAM's API returns documents) is kept
    /// decoded: that is the text every reader of it works on (the policy parser and the trust reader decode it first),
    /// and it takes two bytes per character of JSON instead of per character of <c>%XX</c> escapes (the 1x synthetic
    /// account's 535 URL-encoded documents: 1.69 million characters encoded, 1.10 million decoded). A text is kept as
    /// given when decoding it would change what the parser makes of it: one that decodes to whitespace alone (the
    /// parser would call it empty), or to text that starts with '%' again (the parser would decode it twice).
    /// </summary>
    public string StringText(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        var content = raw[1..^1]; // within the quotes
        char[]? chars = null;
        string? made = null;
        ReadOnlySpan<char> text;
        if (content.IndexOf((byte)'\\') < 0)
        {
            // No JSON escapes: the string's characters are its UTF-8 bytes, checked by the snapshot reader already.
            chars = ArrayPool<char>.Shared.Rent(content.Length);
            text = chars.AsSpan(0, Encoding.UTF8.GetChars(content, chars));
        }
        else
        {
            text = made = value.GetString()!;
        }

        try
        {
            var encoded = text.TrimStart();
            if (encoded.StartsWith('%'))
            {
                var buffer = ArrayPool<char>.Shared.Rent(encoded.Length); // unescaping never lengthens the text
                try
                {
                    if (Uri.TryUnescapeDataString(encoded, buffer, out var length)
                        && buffer.AsSpan(0, length) is var decoded && !decoded.IsWhiteSpace() && !decoded.TrimStart().StartsWith('%'))
                    {
                        return texts.Intern(decoded);
                    }
                }
                finally
                {
                    ArrayPool<char>.Shared.Return(buffer);
                }
            }

            return made is null ? texts.Intern(text) : texts.Intern(made);
        }
        finally
        {
            if (chars is not null)
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }
    }
}
