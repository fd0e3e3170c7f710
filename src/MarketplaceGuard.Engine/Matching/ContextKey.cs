using System;
using System.Collections.Concurrent;
using System.Threading;

namespace MarketplaceGuard.Engine.Matching;

/// <summary>
/// A context key name (aws:SourceIp, aws:PrincipalTag/team ...), interned process-wide and case-insensitively, as IAM
/// compares key names. Each key gets a small number, so a request context finds a key's value by indexing an array
/// instead of hashing the name on every condition of every decision.
/// </summary>
public sealed class ContextKey
{
    private static readonly ConcurrentDictionary<string, ContextKey> Interned = new(StringComparer.OrdinalIgnoreCase);
    private static int count;

    private ContextKey(string name, int id)
    {
        Name = name;
        Id = id;
    }

    /// <summary>The name, as first seen.</summary>
    public string Name { get; }

    /// <summary>The key's number: dense, from 0.</summary>
    internal int Id { get; }

    /// <summary>The interned key for a name (any case).</summary>
    public static ContextKey Of(string name) =>
        Interned.TryGetValue(name, out var key) ? key : Interned.GetOrAdd(name, static n => new ContextKey(n, Interlocked.Increment(ref count) - 1));

    public override string ToString() => Name;
}
