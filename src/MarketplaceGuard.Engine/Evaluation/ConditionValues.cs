using System;
using System.Globalization;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>How condition values are read as numbers, dates and binary, on both the policy and the request side.</summary>
internal static class ConditionValues
{
    public static double? ParseNumber(string text) =>
        double.TryParse(text.AsSpan().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : null;

    /// <summary>An ISO 8601 date/time, or whole seconds since the Unix epoch; as UTC ticks.</summary>
    public static long? ParseDate(string text)
    {
        var span = text.AsSpan().Trim();
        if (span.Length > 0 && long.TryParse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            try
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds).UtcTicks;
            }
            catch (ArgumentOutOfRangeException)
            {
                return null;
            }
        }

        return DateTimeOffset.TryParse(span, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date.UtcTicks
            : null;
    }

    public static byte[]? ParseBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static bool? ParseBool(string text) =>
        text.Equals("true", StringComparison.OrdinalIgnoreCase) ? true
        : text.Equals("false", StringComparison.OrdinalIgnoreCase) ? false
        : null;
}
