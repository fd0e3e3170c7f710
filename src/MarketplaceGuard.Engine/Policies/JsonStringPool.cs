using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace MarketplaceGuard.Engine.Policies;

/// <summary>
/// One string for each distinct JSON string value read through it. The documents of an account repeat the same
/// actions, resources and condition values tens of thousands of times (a measured 1× synthetic account: 68,000
/// action values, 352 distinct); looking a value up by its characters, decoded on the stack, makes a string only the
/// first time it is seen. Thread-safe: documents are parsed in parallel.
/// </summary>
internal sealed class JsonStringPool
{
    // Longer values are rarely repeated, and their characters would not fit on the stack: they are read as usual.
    private const int MaxPooledLength = 256;

    private readonly ConcurrentDictionary<string, string> strings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> byCharacters;

    public JsonStringPool() => byCharacters = strings.GetAlternateLookup<ReadOnlySpan<char>>();

    // One-value lists ("Resource": "*", a single action) by the pooled string: thousands of statements share them.
    private readonly ConcurrentDictionary<string, string[]> singles = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// A list of the one value <paramref name="value"/>, shared by every statement that has the same pooled value; the
    /// lists are read, never changed.
    /// </summary>
    public string[] Single(string value) =>
        singles.TryGetValue(value, out var known) ? known : singles.GetOrAdd(value, static v => [v]);

    /// <summary>The value of a JSON string element (as <see cref="JsonElement.GetString"/> reads it).</summary>
    public string Get(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element); // with its quotes
        var utf8 = raw.Length >= 2 ? raw[1..^1] : default;

        // Only plain ASCII is decoded here (its bytes are its characters); escapes and other text go the usual way.
        if (raw.Length < 2 || utf8.Length > MaxPooledLength || utf8.Contains((byte)'\\') || !Ascii.IsValid(utf8))
        {
            return element.GetString()!;
        }

        Span<char> characters = stackalloc char[utf8.Length];
        Ascii.ToUtf16(utf8, characters, out _);
        if (byCharacters.TryGetValue(characters, out var known))
        {
            return known;
        }

        var text = new string(characters);
        return strings.GetOrAdd(text, text);
    }
}
