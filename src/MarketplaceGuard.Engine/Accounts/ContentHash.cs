using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MarketplaceGuard.Engine.Accounts;

/// <summary>
/// A 128-bit, non-cryptographic hash of bytes, for telling whether two entries of one snapshot are byte for byte the
/// same (<see cref="SnapshotEntryContent"/>). Both halves take in every 8-byte word, each with its own seed and
/// multipliers (the round and the final mix of xxHash64), so a change the one misses the other still sees.
/// </summary>
/// <remarks>
/// Scalar on purpose. Every entry of a snapshot is hashed, 21 MB on the 1x synthetic account, and an audit in a fresh
/// process is what a CI job waits for. A vectorized hash (XxHash128 of System.IO.Hashing, which this replaces) has no
/// precompiled code for its vector paths, so a fresh process ran it unoptimized for the whole first audit: 150-180 ms
/// for those 21 MB against 22 ms once optimized. This loop is precompiled with the engine and takes the same time in
/// the first audit as in every other. The values are only ever compared within one process, so the byte order the
/// words are read in does not matter.
/// </remarks>
internal static class ContentHash
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime5 = 0x27D4EB2F165667C5UL;

    /// <summary>The hash of <paramref name="bytes"/> as two halves.</summary>
    public static (ulong High, ulong Low) Of(ReadOnlySpan<byte> bytes)
    {
        ulong high = Prime5, low = Prime3;
        ref var start = ref MemoryMarshal.GetReference(bytes);
        var words = bytes.Length / sizeof(ulong);
        for (var i = 0; i < words; i++)
        {
            var word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i * sizeof(ulong)));
            high = BitOperations.RotateLeft(high + word * Prime2, 31) * Prime1;
            low = BitOperations.RotateLeft(low + word * Prime4, 27) * Prime3;
        }

        // The last 0-7 bytes, with the length, so that trailing zero bytes still change the hash.
        ulong tail = 0;
        for (var i = words * sizeof(ulong); i < bytes.Length; i++)
        {
            tail = (tail << 8) | Unsafe.Add(ref start, i);
        }

        var length = (ulong)bytes.Length;
        high = Mix(high ^ BitOperations.RotateLeft(tail * Prime1, 23) ^ length);
        low = Mix(low ^ BitOperations.RotateLeft(tail * Prime2, 41) ^ (length * Prime5));
        return (high, low);
    }

    // xxHash64's avalanche: every input bit reaches every output bit.
    private static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= Prime2;
        h ^= h >> 29;
        h *= Prime3;
        return h ^ (h >> 32);
    }
}
