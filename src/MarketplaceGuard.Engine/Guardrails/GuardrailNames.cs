using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MarketplaceGuard.Engine.Guardrails;

/// <summary>
/// How the module names and tags the SCPs it creates. Policy names are unique in an organization, while the same
/// guardrail (e.g. <c>MarketplaceGuard-Rule1</c>) is attached to several targets with different exceptions: so each
/// target gets its own policy, named <c>&lt;guardrail name&gt;-&lt;target id&gt;</c>
/// (<c>MarketplaceGuard-Rule1-ou-a1b2-c3d4e5f6</c>), and a change to one target never rewrites another's. The tag
/// <c>managed-by=MarketplaceGuard</c> marks a policy as ours (with the name prefix), and
/// <c>marketplaceguard:rules</c> (<c>1</c>, <c>1,2</c>) says which rules it denies, so a part no longer needed for a
/// rule is found and removed.
/// </summary>
public static class GuardrailNames
{
    /// <summary>The tag that marks a policy as the module's (the same as on IAM policies).</summary>
    public const string TagKey = Changes.AccessPlanner.TagKey;

    public const string TagValue = Changes.AccessPlanner.TagValue;

    /// <summary>The tag that lists the rules an SCP of the module denies.</summary>
    public const string RulesTagKey = "marketplaceguard:rules";

    /// <summary>The SCP name of a guardrail on one target.</summary>
    public static string For(GuardrailPolicy policy, string targetId) => For(policy.Name, targetId);

    public static string For(string guardrailName, string targetId) => $"{guardrailName}-{targetId}";

    /// <summary>The tags an SCP of the module carries.</summary>
    public static IReadOnlyDictionary<string, string> TagsOf(IReadOnlyList<int> rules) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [TagKey] = TagValue,
        [RulesTagKey] = string.Join(",", rules.Distinct().Order().Select(r => r.ToString(CultureInfo.InvariantCulture))),
    };

    /// <summary>The rules of a <c>marketplaceguard:rules</c> value; empty for none or a value that is not a list of rule numbers.</summary>
    public static IReadOnlyList<int> ParseRules(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        var rules = new List<int>();
        foreach (var part in value.Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var rule))
            {
                return [];
            }

            rules.Add(rule);
        }

        return rules;
    }
}
