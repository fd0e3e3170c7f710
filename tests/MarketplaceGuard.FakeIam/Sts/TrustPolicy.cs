using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MarketplaceGuard.FakeIam.Sts;

/// <summary>
/// Decides whether a role's trust policy lets a caller assume it, minimally but on the safe side. A statement
/// applies when its Action matches sts:AssumeRole (wildcards, case-insensitive) and its Principal matches the caller:
/// <c>"*"</c>, or a <c>Principal.AWS</c> value that is <c>*</c>, the caller's account id, <c>arn:…:iam::&lt;account&gt;:root</c>,
/// the caller's ARN, or (for assumed-role credentials) the role's ARN. Its Condition may only test
/// <c>sts:ExternalId</c> with StringEquals or StringLike; a missing ExternalId fails it. Anything else the fake does
/// not understand (NotAction, NotPrincipal, other operators or keys) fails closed: such an Allow does not apply, such a
/// Deny does. The caller is let in when an Allow applies and no Deny does; the caller's own identity policies are not
/// evaluated.
/// </summary>
internal static class TrustPolicy
{
    private const string AssumeRoleAction = "sts:AssumeRole";

    private enum Applies
    {
        No,
        Yes,

        /// <summary>The statement uses something the fake does not evaluate.</summary>
        Unknown,
    }

    /// <summary>Whether <paramref name="document"/> lets <paramref name="caller"/> assume the role with <paramref name="externalId"/> (null: none sent).</summary>
    public static bool Allows(string document, CallerIdentity caller, string? externalId)
    {
        List<JsonElement> statements;
        try
        {
            using var json = JsonDocument.Parse(document);
            if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty("Statement", out var statement))
            {
                return false;
            }

            statements = statement.ValueKind == JsonValueKind.Array
                ? statement.EnumerateArray().Select(s => s.Clone()).ToList()
                : [statement.Clone()];
        }
        catch (JsonException)
        {
            return false;
        }

        var allowed = false;
        foreach (var statement in statements.Where(s => s.ValueKind == JsonValueKind.Object))
        {
            var effect = statement.TryGetProperty("Effect", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            var applies = Evaluate(statement, caller, externalId);
            if (effect == "Deny" && applies != Applies.No)
            {
                return false;
            }

            allowed |= effect == "Allow" && applies == Applies.Yes;
        }

        return allowed;
    }

    private static Applies Evaluate(JsonElement statement, CallerIdentity caller, string? externalId)
    {
        if (statement.TryGetProperty("NotAction", out _) || statement.TryGetProperty("NotPrincipal", out _))
        {
            return Applies.Unknown;
        }

        if (!statement.TryGetProperty("Action", out var action) || !Strings(action).Any(ActionMatches))
        {
            return Applies.No;
        }

        if (!statement.TryGetProperty("Principal", out var principal) || !PrincipalMatches(principal, caller))
        {
            return Applies.No;
        }

        return statement.TryGetProperty("Condition", out var condition) ? ConditionHolds(condition, externalId) : Applies.Yes;
    }

    private static bool ActionMatches(string pattern) => Wildcard(pattern, ignoreCase: true).IsMatch(AssumeRoleAction);

    private static bool PrincipalMatches(JsonElement principal, CallerIdentity caller)
    {
        if (principal.ValueKind == JsonValueKind.String)
        {
            return principal.GetString() == "*";
        }

        if (principal.ValueKind != JsonValueKind.Object || !principal.TryGetProperty("AWS", out var aws))
        {
            return false;
        }

        var partition = caller.Account.Partition;
        return Strings(aws).Any(value =>
            value == "*"
            || value == caller.AccountId
            || value == $"arn:{partition}:iam::{caller.AccountId}:root"
            || value == caller.Arn
            || (caller.RoleArn is not null && value == caller.RoleArn));
    }

    /// <summary>Every operator and key must hold (one that fails decides); each key's values are alternatives.</summary>
    private static Applies ConditionHolds(JsonElement condition, string? externalId)
    {
        if (condition.ValueKind != JsonValueKind.Object)
        {
            return Applies.Unknown;
        }

        var result = Applies.Yes;
        foreach (var block in condition.EnumerateObject())
        {
            if (block.Name is not ("StringEquals" or "StringLike") || block.Value.ValueKind != JsonValueKind.Object)
            {
                result = Applies.Unknown;
                continue;
            }

            foreach (var test in block.Value.EnumerateObject())
            {
                if (!string.Equals(test.Name, "sts:ExternalId", StringComparison.OrdinalIgnoreCase))
                {
                    result = Applies.Unknown;
                    continue;
                }

                var values = Strings(test.Value);
                var holds = externalId is not null && (block.Name == "StringEquals"
                    ? values.Contains(externalId, StringComparer.Ordinal)
                    : values.Any(v => Wildcard(v, ignoreCase: false).IsMatch(externalId)));
                if (!holds)
                {
                    return Applies.No;
                }
            }
        }

        return result;
    }

    /// <summary>A pattern with * (any run of characters) and ? (one character), matching the whole text.</summary>
    private static Regex Wildcard(string pattern, bool ignoreCase) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.Singleline | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));

    private static List<string> Strings(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList(),
        _ => [],
    };
}
