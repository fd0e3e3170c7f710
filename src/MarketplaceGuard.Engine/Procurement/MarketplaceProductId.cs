using System.Text.RegularExpressions;

namespace MarketplaceGuard.Engine.Procurement;

/// <summary>
/// The shape of an AWS Marketplace product id, as aws-marketplace:ProductId and the Agreement API's resources carry
/// it: <c>prod-</c> and 13 lowercase letters or digits (<c>prod-4pmewlybdftbs</c>), or a lowercase UUID
/// (<c>a61c46fe-1747-41aa-9af0-2e0ae8a9ce05</c>). Ids are compared case-sensitively (IAM's StringEquals, the
/// Agreement API's filters), so an uppercase id is refused rather than changed.
/// </summary>
public static partial class MarketplaceProductId
{
    /// <summary>What a product id looks like, for error messages.</summary>
    public const string Shape = "a product id is 'prod-' and 13 lowercase letters or digits (prod-4pmewlybdftbs), or a UUID (a61c46fe-1747-41aa-9af0-2e0ae8a9ce05)";

    /// <summary>Why <paramref name="value"/> is not a product id ("is empty", "has uppercase letters; …"), or null when it is one.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "is empty";
        }

        if (Pattern().IsMatch(value))
        {
            return null;
        }

        return Pattern().IsMatch(value.ToLowerInvariant())
            ? "has uppercase letters; AWS Marketplace writes product ids in lowercase and compares them case-sensitively, so write it in lowercase"
            : "is not an AWS Marketplace product id";
    }

    // \z, not $: $ also matches before a final line break.
    [GeneratedRegex(@"^(?:prod-[a-z0-9]{13}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
