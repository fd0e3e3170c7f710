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
/// Open addressing with linear probing, at most half full, never shrinking. Thread-safe: a lookup takes no lock and
/// reads entries that never change once published; adding takes a lock, looks again, and publishes a grown table only
/// once it is complete. A lookup that misses a string being added meanwhile goes on to add it, and finds it there.
/// </remarks>
internal sealed class StringTable
{
    private readonly Lock gate = new();
    private Entry?[] entries = new Entry?[64];
    private int count;

    private sealed class Entry(int hash, string text)
    {
        public int Hash { get; } = hash;

        public string Text { get; } = text;
    }

    /// <summary>The table's string of these characters, or null.</summary>
    public string? Find(ReadOnlySpan<char> text) => Find(Volatile.Read(ref entries), text, string.GetHashCode(text));

    /// <summary>The table's string of these characters, made and added the first time.</summary>
    public string Intern(ReadOnlySpan<char> text) => Find(text) ?? Add(text, null);

    /// <summary>The table's string of <paramref name="text"/>'s characters: <paramref name="text"/> itself the first time.</summary>
    public string Intern(string text) => Find(text) ?? Add(text, text);

    private static string? Find(Entry?[] table, ReadOnlySpan<char> text, int hash)
    {
        var mask = table.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            var entry = Volatile.Read(ref table[i]);
            if (entry is null)
            {
                return null;
            }

            if (entry.Hash == hash && text.SequenceEqual(entry.Text))
            {
                return entry.Text;
            }
        }
    }

    private string Add(ReadOnlySpan<char> text, string? made)
    {
        var hash = string.GetHashCode(text);
        lock (gate)
        {
            var table = entries;
            if (Find(table, text, hash) is { } known)
            {
                return known;
            }

            if ((count + 1) * 2 > table.Length)
            {
                var grown = new Entry?[table.Length * 2];
                foreach (var entry in table)
                {
                    if (entry is not null)
                    {
                        Insert(grown, entry);
                    }
                }

                Volatile.Write(ref entries, table = grown);
            }

            var added = new Entry(hash, made ?? new string(text));
            Insert(table, added);
            count++;
            return added.Text;
        }
    }

    private static void Insert(Entry?[] table, Entry entry)
    {
        var mask = table.Length - 1;
        var i = entry.Hash & mask;
        while (table[i] is not null)
        {
            i = (i + 1) & mask;
        }

        Volatile.Write(ref table[i], entry);
    }
}
