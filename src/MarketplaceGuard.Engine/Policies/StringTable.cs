using System;
using System.Threading;

namespace MarketplaceGuard.Engine.Policies;

/// <summary>
/// One string per distinct text, found by its characters without making a string first. The framework's tables do that
/// through an alternate lookup keyed by a span of characters: generic code that no precompiled image holds, compiled
/// when first used, which ran unoptimized (and then with profiling probes) through a process's first audits (measured:
/// the loader's and the compiler's lookups of this kind were a tenth of the first audit's samples). This table is
/// plain code, precompiled with the module.
/// </summary>
/// <remarks>
/// Open addressing with linear probing, at most half full, never shrinking. The slots hold the strings themselves (no
/// entry object per string: the 1x synthetic account's tables hold tens of thousands); a slot is told from the text
/// looked for by comparing the characters, a comparison that stops at the first difference (or at the length), and a
/// string's hash is worked out again only when the table grows. Thread-safe: a lookup takes no lock and reads slots
/// that never change once published; adding takes a lock, looks again, and publishes a grown table only once it is
/// complete. A lookup that misses a string being added meanwhile goes on to add it, and finds it there.
/// </remarks>
internal sealed class StringTable
{
    private readonly Lock gate = new();
    private string?[] slots = new string?[64];
    private int count;

    /// <summary>The table's string of these characters, or null.</summary>
    public string? Find(ReadOnlySpan<char> text) => Find(Volatile.Read(ref slots), text, string.GetHashCode(text));

    /// <summary>The table's string of these characters, made and added the first time.</summary>
    public string Intern(ReadOnlySpan<char> text) => Find(text) ?? Add(text, null);

    /// <summary>The table's string of <paramref name="text"/>'s characters: <paramref name="text"/> itself the first time.</summary>
    public string Intern(string text) => Find(text) ?? Add(text, text);

    private static string? Find(string?[] table, ReadOnlySpan<char> text, int hash)
    {
        var mask = table.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            var slot = Volatile.Read(ref table[i]);
            if (slot is null)
            {
                return null;
            }

            if (slot.Length == text.Length && text.SequenceEqual(slot))
            {
                return slot;
            }
        }
    }

    private string Add(ReadOnlySpan<char> text, string? made)
    {
        var hash = string.GetHashCode(text);
        lock (gate)
        {
            var table = slots;
            if (Find(table, text, hash) is { } known)
            {
                return known;
            }

            if ((count + 1) * 2 > table.Length)
            {
                var grown = new string?[table.Length * 2];
                foreach (var slot in table)
                {
                    if (slot is not null)
                    {
                        Insert(grown, slot, string.GetHashCode(slot));
                    }
                }

                Volatile.Write(ref slots, table = grown);
            }

            var added = made ?? new string(text);
            Insert(table, added, hash);
            count++;
            return added;
        }
    }

    private static void Insert(string?[] table, string text, int hash)
    {
        var mask = table.Length - 1;
        var i = hash & mask;
        while (table[i] is not null)
        {
            i = (i + 1) & mask;
        }

        Volatile.Write(ref table[i], text);
    }
}
