using System;
using System.Collections.Generic;

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
    public static IReadOnlyDictionary<string, ContextValue> FromArn(string principalArn)
    {
        var keys = new RequestContext.KeyList();
        AddFromArn(principalArn, keys);
        return keys.ToDictionary();
    }

    /// <summary>
    /// As <see cref="FromArn"/>, into <paramref name="keys"/> (which the caller may add to). <paramref name="knownName"/>,
    /// the principal's name when the caller holds it as a string, is the aws:username value when the ARN ends with it,
    /// rather than a copy of the same characters per user.
    /// </summary>
    internal static void AddFromArn(string principalArn, RequestContext.KeyList keys, string? knownName = null)
    {
        // Read in place (every principal of an account comes here): only the strings the keys hold are made.
        var arn = principalArn.AsSpan();
        Span<Range> parts = stackalloc Range[6];
        if (arn.Split(parts, ':') != 6 || !arn[parts[0]].SequenceEqual("arn") || arn[parts[4]].Length == 0)
        {
            throw NotAPrincipal(principalArn);
        }

        var service = arn[parts[2]];
        var resource = arn[parts[5]];
        var isIam = service.SequenceEqual("iam");
        if (!isIam && !service.SequenceEqual("sts"))
        {
            throw NotAPrincipal(principalArn);
        }

        // Checked before anything is added: an ARN that is not a principal's adds nothing.
        var isUser = isIam && resource.StartsWith("user/", StringComparison.Ordinal);
        var isRole = isIam && resource.StartsWith("role/", StringComparison.Ordinal);
        var isSession = !isIam && resource.StartsWith("assumed-role/", StringComparison.Ordinal);
        var isRoot = isIam && resource.SequenceEqual("root");
        if (!isUser && !isRole && !isSession && !isRoot)
        {
            throw NotAPrincipal(principalArn);
        }

        keys.Set("aws:PrincipalAccount", AccountValue(arn[parts[4]]));
        if (isUser)
        {
            keys.Set("aws:PrincipalArn", principalArn);
            keys.Set("aws:PrincipalType", UserType);
            var userName = resource[(resource.LastIndexOf('/') + 1)..];
            keys.Set(UserName, knownName is not null && userName.SequenceEqual(knownName) ? knownName : userName.ToString());
        }
        else if (isRole)
        {
            keys.Set("aws:PrincipalArn", principalArn);
            keys.Set("aws:PrincipalType", AssumedRoleType);
        }
        else if (isSession)
        {
            var roleName = resource["assumed-role/".Length..];
            var slash = roleName.IndexOf('/');
            keys.Set("aws:PrincipalArn", $"arn:{arn[parts[1]]}:iam::{arn[parts[4]]}:role/{(slash < 0 ? roleName : roleName[..slash])}");
            keys.Set("aws:PrincipalType", AssumedRoleType);
        }
        else
        {
            keys.Set("aws:PrincipalArn", principalArn);
            keys.Set("aws:PrincipalType", AccountType);
        }
    }

    private static ArgumentException NotAPrincipal(string principalArn) =>
        new($"'{principalArn}' is not the ARN of an IAM user, role or account (arn:aws:iam::111122223333:user/name).");

    // Values every principal of a kind, or of an account, shares: contexts only read them. An account's thousands of
    // principals then hold one value for their account and type instead of one each.
    private static readonly ContextValue UserType = "User";
    private static readonly ContextValue AssumedRoleType = "AssumedRole";
    private static readonly ContextValue AccountType = "Account";

    [ThreadStatic]
    private static ContextValue? lastAccount;

    // Principal tags: accounts tag thousands of users with a few keys and values (team, cost-center ...). The names
    // and values are shared process-wide, up to a bound, so the contexts do not hold thousands of equal strings.
    private static readonly Matching.BoundedMemo<string> TagKeyNames = new(4096);
    private static readonly Matching.BoundedMemo<ContextValue> TagValues = new(4096);

    /// <summary>aws:PrincipalTag/<paramref name="tagKey"/>.</summary>
    internal static string PrincipalTag(string tagKey) => TagKeyNames.Get(tagKey, static key => "aws:PrincipalTag/" + key);

    /// <summary>A principal tag's value (shared: contexts only read their values).</summary>
    internal static ContextValue TagValue(string value) => TagValues.Get(value, ContextValue.Of);

    private static ContextValue AccountValue(ReadOnlySpan<char> account)
    {
        var known = lastAccount;
        if (known is not null && account.SequenceEqual(known.Values[0]))
        {
            return known;
        }

        return lastAccount = ContextValue.Of(account.ToString());
    }
}
