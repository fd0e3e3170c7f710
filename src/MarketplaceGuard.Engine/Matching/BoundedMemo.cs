using System;
using System.Collections.Concurrent;
using System.Threading;

namespace MarketplaceGuard.Engine.Matching;

/// <summary>
/// Values remembered by string key (compared ordinally), read and added to from every core, up to a bound so that a
/// caller inventing keys cannot grow it without end; past the bound values are made and not kept. It counts its own
/// entries: ConcurrentDictionary.Count takes every lock of the table.
/// </summary>
internal sealed class BoundedMemo<TValue>(int capacity)
{
    private readonly ConcurrentDictionary<string, TValue> values = new(StringComparer.Ordinal);
    private int count;

    /// <summary>The value remembered for <paramref name="key"/>, else <paramref name="make"/>'s (the same every time for a key).</summary>
    public TValue Get(string key, Func<string, TValue> make) => Get(key, make, static (k, m) => m(k));

    /// <summary>As <see cref="Get(string, Func{string, TValue})"/>, with the state <paramref name="make"/> needs (no closure per call).</summary>
    public TValue Get<TState>(string key, TState state, Func<string, TState, TValue> make)
    {
        if (values.TryGetValue(key, out var known))
        {
            return known;
        }

        var made = make(key, state);
        if (Volatile.Read(ref count) < capacity && values.TryAdd(key, made))
        {
            Interlocked.Increment(ref count);
        }

        return made;
    }
}
