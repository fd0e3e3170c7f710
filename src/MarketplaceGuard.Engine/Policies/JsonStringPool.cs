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

    private readonly StringTable strings = new();

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
        return raw.Length < 2 ? element.GetString()! : Get(raw[1..^1]) ?? element.GetString()!;
    }

    /// <summary>The name of a property (condition keys and operators repeat as much as values do).</summary>
    public string Name(JsonProperty property) => Get(JsonMarshal.GetRawUtf8PropertyName(property)) ?? property.Name;

    /// <summary>The pooled string of plain ASCII text as it stands in the JSON (between its quotes); null for other text.</summary>
    private string? Get(ReadOnlySpan<byte> utf8)
    {
        // Only plain ASCII is decoded here (its bytes are its characters); escapes and other text go the usual way.
        if (utf8.Length > MaxPooledLength || utf8.Contains((byte)'\\') || !Ascii.IsValid(utf8))
        {
            return null;
        }

        Span<char> characters = stackalloc char[utf8.Length];
        Ascii.ToUtf16(utf8, characters, out _);
        return strings.Intern(characters);
    }
}
