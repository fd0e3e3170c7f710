using System;
using System.Collections.Generic;

namespace MarketplaceGuard.Aws.Transport;

/// <summary>
/// The tokens a paged listing has followed (IAM's Marker, Organizations' NextToken): a token seen before sends the reader
/// back to a page it read, and a listing past <see cref="MaxPages"/> pages is taken to be one that never ends.
/// </summary>
internal sealed class PageTokens
{
    // IAM lists at most 1,000 items a page, Organizations 20: this many pages is more than any account or organization holds.
    public const int MaxPages = 10_000;

    private readonly HashSet<string> seen = new(StringComparer.Ordinal);

    /// <summary>Why following <paramref name="token"/> (named <paramref name="name"/>) would not end the listing; null to follow it.</summary>
    public string? Problem(string token, string name) =>
        !seen.Add(token) ? $"the {name} sends the reader back to a page it read: the listing would never end"
        : seen.Count > MaxPages ? $"the listing goes on past {MaxPages:N0} pages"
        : null;
}
