using System;
using System.Collections.Generic;
using System.Linq;

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
        nextMarker = next < items.Count ? PageToken.Encode(request.Action!, next) : null;
        return page;
    }

    private static int Decode(string marker, string operation) =>
        PageToken.Decode(marker, operation) ?? throw IamException.InvalidInput($"Invalid Marker: {marker}");
}
