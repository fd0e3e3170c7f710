using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MarketplaceGuard.Engine.Matching;

/// <summary>
/// An IPv4 or IPv6 CIDR block (a bare address is /32 or /128), as IpAddress/NotIpAddress take it. An IPv4 address
/// never matches an IPv6 block and vice versa.
/// </summary>
public readonly struct IpRange
{
    private static readonly SearchValues<char> DottedDecimal = SearchValues.Create("0123456789.");

    private readonly UInt128 network;
    private readonly UInt128 mask;

    private IpRange(bool isV6, UInt128 network, UInt128 mask)
    {
        IsV6 = isV6;
        this.network = network & mask;
        this.mask = mask;
    }

    public bool IsV6 { get; }

    public static bool TryParse(string text, out IpRange range)
    {
        range = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text.AsSpan().Trim() : text.AsSpan(0, slash).Trim();
        if (!TryParseAddress(addressText, out var isV6, out var address))
        {
            return false;
        }

        var bits = isV6 ? 128 : 32;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            return false;
        }

        var mask = prefix == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefix);
        range = new IpRange(isV6, address, mask);
        return true;
    }

    /// <summary>Parses an address into a 128-bit number (IPv4 in the top 32 bits, so masks line up).</summary>
    public static bool TryParseAddress(ReadOnlySpan<char> text, out bool isV6, out UInt128 value)
    {
        isV6 = false;
        value = UInt128.Zero;

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

        isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        value = isV6
            ? BinaryPrimitives.ReadUInt128BigEndian(bytes)
            : (UInt128)BinaryPrimitives.ReadUInt32BigEndian(bytes[..written]) << 96;
        return true;
    }

    public bool Contains(bool isV6, UInt128 address) => isV6 == IsV6 && (address & mask) == network;
}
