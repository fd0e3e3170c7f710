using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Accounts;

namespace MarketplaceGuard.Tests.Accounts;

public sealed class ContentHashTests
{
    private static readonly byte[] Entry = Encoding.UTF8.GetBytes(
        """{"UserName":"alice","Arn":"arn:aws:iam::111122223333:user/alice","GroupList":["Billing"],"AttachedManagedPolicies":[]}""");

    [Fact]
    public void TheSameBytesHashTheSame()
    {
        Assert.Equal(ContentHash.Of(Entry), ContentHash.Of(Entry.ToArray()));
        Assert.Equal(ContentHash.Of([]), ContentHash.Of(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void EveryBitOfEveryByteChangesBothHalves()
    {
        var (high, low) = ContentHash.Of(Entry);
        var copy = Entry.ToArray();
        for (var i = 0; i < copy.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                copy[i] ^= (byte)(1 << bit);
                var (otherHigh, otherLow) = ContentHash.Of(copy);
                Assert.True(otherHigh != high && otherLow != low, $"byte {i}, bit {bit}");
                copy[i] ^= (byte)(1 << bit);
            }
        }
    }

    [Fact]
    public void LengthAndOrderCount()
    {
        // Zero bytes of every length (the tail and the length are hashed), and one word moved past another.
        var seen = new HashSet<(ulong, ulong)>();
        for (var length = 0; length <= 40; length++)
        {
            Assert.True(seen.Add(ContentHash.Of(new byte[length])), $"{length} zero bytes");
        }

        var words = Encoding.ASCII.GetBytes("AAAAAAAABBBBBBBB");
        var swapped = Encoding.ASCII.GetBytes("BBBBBBBBAAAAAAAA");
        Assert.NotEqual(ContentHash.Of(words), ContentHash.Of(swapped));
        Assert.NotEqual(ContentHash.Of(Encoding.ASCII.GetBytes("ab")), ContentHash.Of(Encoding.ASCII.GetBytes("ba")));
    }

    [Fact]
    public void DifferentEntriesOfASnapshotDoNotCollide()
    {
        // 20,000 entries that differ in one name, as a large account's do: all hashes distinct, halves too.
        var highs = new HashSet<ulong>();
        var lows = new HashSet<ulong>();
        for (var i = 0; i < 20_000; i++)
        {
            var (high, low) = ContentHash.Of(Encoding.UTF8.GetBytes($$"""{"UserName":"user{{i}}","Path":"/"}"""));
            Assert.True(highs.Add(high) && lows.Add(low), $"user{i}");
        }
    }
}
