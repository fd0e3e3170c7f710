using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// MaxItems/Marker paging. A marker is opaque to clients (base64 of the operation and an offset) and only valid for
/// the operation that issued it; a page is never longer than MaxItems.
/// </summary>
internal static class Paging
{
    public static List<T> Page<T>(IReadOnlyList<T> items, QueryRequest request, out string? nextMarker)
    {
        var maxItems = request.MaxItems();
        var offset = request.Marker is { } marker ? Decode(marker, request.Action!) : 0;
        var page = items.Skip(offset).Take(maxItems).ToList();
        var next = offset + page.Count;
        nextMarker = next < items.Count ? Encode(request.Action!, next) : null;
        return page;
    }

    private static string Encode(string operation, int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{operation}/{offset.ToString(CultureInfo.InvariantCulture)}"));

    private static int Decode(string marker, string operation)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(marker));
            var slash = text.LastIndexOf('/');
            if (slash > 0 && text[..slash] == operation
                && int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        throw IamException.InvalidInput($"Invalid Marker: {marker}");
    }
}
