using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace MarketplaceGuard.Engine.PaidResources;

/// <summary>
/// The tag that marks an account-owned paid image, snapshot or volume, so that the Rule 2 deny templates reach it
/// through <c>aws:ResourceTag/marketplaceguard:product-code</c>: sharing, copying and snapshotting have no
/// product-code condition key, and derived AMIs are owned by the account, so <c>ec2:Owner</c> does not tell them apart.
/// The templates write the same key literally in their JSON; a test checks that the two agree.
/// </summary>
public static class GuardTag
{
    /// <summary>The tag key.</summary>
    public const string Key = "marketplaceguard:product-code";

    /// <summary>EC2's limit on a tag value.</summary>
    public const int MaxValueLength = 256;

    /// <summary>
    /// The tag value for a set of product codes: distinct, sorted ordinally, joined with ",". When they do not fit in
    /// 256 characters, the value keeps the whole codes that fit, in that order, and nothing else (a cut code would be a
    /// wrong code); the deny templates only test that the key is present, so the protection is the same.
    /// </summary>
    public static string ValueFor(IEnumerable<string> productCodes)
    {
        ArgumentNullException.ThrowIfNull(productCodes);
        var value = new StringBuilder();
        foreach (var code in productCodes.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var needed = code.Length + (value.Length == 0 ? 0 : 1);
            if (value.Length + needed > MaxValueLength)
            {
                continue;
            }

            if (value.Length > 0)
            {
                value.Append(',');
            }

            value.Append(code);
        }

        return value.ToString();
    }
}
