using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// The value types of the global condition keys whose type is not String, as the IAM User Guide lists them ("AWS
/// global condition context keys", each key's "Data type"). A value given for one of them in a request context is
/// checked, because a value of the wrong type silently fails every condition on the key — in a test of "what if",
/// a typo like aws:MultiFactorAuthPresent = 'no' would quietly switch off an IfExists deny.
/// </summary>
public static class GlobalConditionKeyTypes
{
    private enum ValueType
    {
        Boolean,
        Numeric,
        Date,
        IpAddress,
    }

    private static readonly Dictionary<string, ValueType> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["aws:MultiFactorAuthPresent"] = ValueType.Boolean,
        ["aws:SecureTransport"] = ValueType.Boolean,
        ["aws:ViaAWSService"] = ValueType.Boolean,
        ["aws:PrincipalIsAWSService"] = ValueType.Boolean,
        ["aws:MultiFactorAuthAge"] = ValueType.Numeric,
        ["aws:EpochTime"] = ValueType.Numeric,
        ["aws:CurrentTime"] = ValueType.Date,
        ["aws:TokenIssueTime"] = ValueType.Date,
        ["aws:SourceIp"] = ValueType.IpAddress,
        ["aws:VpcSourceIp"] = ValueType.IpAddress,
    };

    /// <summary>Why a value cannot be the value of the key, or null when it can (or the key is not typed here).</summary>
    public static string? Problem(string key, string value)
    {
        if (!Types.TryGetValue(key, out var type))
        {
            return null;
        }

        var valid = type switch
        {
            ValueType.Boolean => value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase),
            ValueType.Numeric => decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _),
            ValueType.Date => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)
                || long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            _ => IPAddress.TryParse(value, out _),
        };
        return valid ? null : $"'{value}' is not a {Describe(type)}, the type of {key}";
    }

    private static string Describe(ValueType type) => type switch
    {
        ValueType.Boolean => "boolean (true or false)",
        ValueType.Numeric => "number",
        ValueType.Date => "date (ISO 8601, or seconds since 1970)",
        _ => "IP address",
    };
}
