using System;
using System.Globalization;
using System.Text;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// The paging tokens of every service the fake serves (IAM's Marker, Organizations' NextToken, the Agreement API's
/// nextToken): opaque to clients (base64 of a scope and an offset), and valid only for the scope that issued it
/// (the operation, and what it lists for).
/// </summary>
internal static class PageToken
{
    public static string Encode(string scope, int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{scope}|{offset.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>The offset a token carries, or null when it is not a token of <paramref name="scope"/>.</summary>
    public static int? Decode(string token, string scope)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var bar = text.LastIndexOf('|');
            if (bar > 0 && text[..bar] == scope && int.TryParse(text[(bar + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        return null;
    }
}
