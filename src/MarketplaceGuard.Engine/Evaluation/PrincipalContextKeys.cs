using System;
using System.Collections.Generic;
using System.Threading;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// The global context keys IAM derives from the calling principal's ARN: aws:PrincipalArn, aws:PrincipalAccount,
/// aws:PrincipalType and, for IAM users only, aws:username. A role's requests come from its sessions, so an
/// assumed-role ARN is reported with the role's ARN as aws:PrincipalArn, as IAM does.
/// </summary>
public static class PrincipalContextKeys
{
    /// <summary>aws:username: present for IAM users, absent for every other principal.</summary>
    public const string UserName = "aws:username";

    /// <summary>The keys an ARN determines; throws <see cref="ArgumentException"/> for an ARN that is not an IAM principal.</summary>
    public static IReadOnlyDictionary<string, ContextValue> FromArn(string principalArn) => NewFromArn(principalArn);

    /// <summary>As <see cref="FromArn"/>, a new dictionary (case-insensitive) the caller may add to.</summary>
    internal static Dictionary<string, ContextValue> NewFromArn(string principalArn)
    {
        var parts = principalArn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || (parts[2] != "iam" && parts[2] != "sts") || parts[4].Length == 0)
        {
            throw new ArgumentException($"'{principalArn}' is not the ARN of an IAM user, role or account (arn:aws:iam::111122223333:user/name).");
        }

        var (partition, service, account, resource) = (parts[1], parts[2], parts[4], parts[5]);
        var keys = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws:PrincipalAccount"] = AccountValue(account),
        };

        if (service == "iam" && resource.StartsWith("user/", StringComparison.Ordinal))
        {
            keys["aws:PrincipalArn"] = principalArn;
            keys["aws:PrincipalType"] = UserType;
            keys[UserName] = resource[(resource.LastIndexOf('/') + 1)..];
        }
        else if (service == "iam" && resource.StartsWith("role/", StringComparison.Ordinal))
        {
            keys["aws:PrincipalArn"] = principalArn;
            keys["aws:PrincipalType"] = AssumedRoleType;
        }
        else if (service == "sts" && resource.StartsWith("assumed-role/", StringComparison.Ordinal))
        {
            var roleName = resource.Split('/')[1];
            keys["aws:PrincipalArn"] = $"arn:{partition}:iam::{account}:role/{roleName}";
            keys["aws:PrincipalType"] = AssumedRoleType;
        }
        else if (service == "iam" && resource == "root")
        {
            keys["aws:PrincipalArn"] = principalArn;
            keys["aws:PrincipalType"] = AccountType;
        }
        else
        {
            throw new ArgumentException($"'{principalArn}' is not the ARN of an IAM user, role or account (arn:aws:iam::111122223333:user/name).");
        }

        return keys;
    }

    // Values every principal of a kind, or of an account, shares: contexts only read them. An account's thousands of
    // principals then hold one value for their account and type instead of one each.
    private static readonly ContextValue UserType = "User";
    private static readonly ContextValue AssumedRoleType = "AssumedRole";
    private static readonly ContextValue AccountType = "Account";

    [ThreadStatic]
    private static ContextValue? lastAccount;

    // Principal tags: accounts tag thousands of users with a few keys and values (team, cost-center ...). The names
    // and values are shared process-wide, up to a bound, so the contexts do not hold thousands of equal strings.
    private const int MaxSharedTags = 4096;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> TagKeyNames = new(StringComparer.Ordinal);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ContextValue> TagValues = new(StringComparer.Ordinal);
    private static int sharedTagKeys;
    private static int sharedTagValues;

    /// <summary>aws:PrincipalTag/<paramref name="tagKey"/>.</summary>
    internal static string PrincipalTag(string tagKey)
    {
        if (TagKeyNames.TryGetValue(tagKey, out var name))
        {
            return name;
        }

        name = "aws:PrincipalTag/" + tagKey;
        if (Volatile.Read(ref sharedTagKeys) < MaxSharedTags && TagKeyNames.TryAdd(tagKey, name))
        {
            Interlocked.Increment(ref sharedTagKeys);
        }

        return name;
    }

    /// <summary>A principal tag's value (shared: contexts only read their values).</summary>
    internal static ContextValue TagValue(string value)
    {
        if (TagValues.TryGetValue(value, out var known))
        {
            return known;
        }

        known = ContextValue.Of(value);
        if (Volatile.Read(ref sharedTagValues) < MaxSharedTags && TagValues.TryAdd(value, known))
        {
            Interlocked.Increment(ref sharedTagValues);
        }

        return known;
    }

    private static ContextValue AccountValue(string account)
    {
        var known = lastAccount;
        if (known is not null && string.Equals(known.Values[0], account, StringComparison.Ordinal))
        {
            return known;
        }

        return lastAccount = ContextValue.Of(account);
    }
}
