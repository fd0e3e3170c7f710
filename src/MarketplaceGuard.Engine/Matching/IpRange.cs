using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MarketplaceGuard.Engine.Matching;

/// <summary>
/// An IPv4 or IPv6 address as a 128-bit number in two halves (IPv4 in the top 32 bits, so that masks line up). Not a
/// UInt128: a struct type from outside the engine, in a field or a local, is a layout the ReadyToRun compiler cannot
/// fix, so every method using it (the condition comparison among them) would run through the JIT's slow tiers in the
/// first audit of a process.
/// </summary>
public readonly struct IpAddressValue
{
    internal IpAddressValue(bool isV6, ulong high, ulong low)
    {
        IsV6 = isV6;
        High = high;
        Low = low;
    }

    public bool IsV6 { get; }

    /// <summary>The address's first 64 bits.</summary>
    public ulong High { get; }

    /// <summary>The address's last 64 bits (0 for IPv4).</summary>
    public ulong Low { get; }
}

/// <summary>
/// An IPv4 or IPv6 CIDR block (a bare address is /32 or /128), as IpAddress/NotIpAddress take it. An IPv4 address
/// never matches an IPv6 block and vice versa.
/// </summary>
public readonly struct IpRange
{
    private static readonly SearchValues<char> DottedDecimal = SearchValues.Create("0123456789.");

    private readonly IpAddressValue network; // masked
    private readonly ulong maskHigh;
    private readonly ulong maskLow;

    private IpRange(IpAddressValue address, int prefix)
    {
        // The prefix's leading ones over the 128 bits: the high half's first, then the low half's.
        (maskHigh, maskLow) = prefix switch
        {
            <= 0 => (0UL, 0UL),
            <= 64 => (ulong.MaxValue << (64 - prefix), 0UL),
            _ => (ulong.MaxValue, ulong.MaxValue << (128 - prefix)),
        };
        network = new IpAddressValue(address.IsV6, address.High & maskHigh, address.Low & maskLow);
    }

    public bool IsV6 => network.IsV6;

    public static bool TryParse(string text, out IpRange range)
    {
        range = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text.AsSpan().Trim() : text.AsSpan(0, slash).Trim();
        if (!TryParseAddress(addressText, out var address))
        {
            return false;
        }

        var bits = address.IsV6 ? 128 : 32;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            return false;
        }

        range = new IpRange(address, prefix);
        return true;
    }

    /// <summary>Parses an address (see <see cref="IpAddressValue"/>).</summary>
    public static bool TryParseAddress(ReadOnlySpan<char> text, out IpAddressValue value)
    {
        value = default;

        // IPAddress.TryParse also takes legacy IPv4 forms ("10.0.0" for 10.0.0.0, "1" for 0.0.0.1) that a policy or
        // a request never means: IPv4 must be four dotted decimals.
        if (!text.Contains(':') && (text.Count('.') != 3 || text.ContainsAnyExcept(DottedDecimal)))
        {
            return false;
        }

        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return false;
        }

        value = address.AddressFamily == AddressFamily.InterNetworkV6
            ? new IpAddressValue(true, BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]))
            : new IpAddressValue(false, (ulong)BinaryPrimitives.ReadUInt32BigEndian(bytes[..written]) << 32, 0);
        return true;
    }

    public bool Contains(IpAddressValue address) =>
        address.IsV6 == network.IsV6 && (address.High & maskHigh) == network.High && (address.Low & maskLow) == network.Low;
}
