using System;
using System.Text.RegularExpressions;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// Names, paths, ARNs and unique ids as IAM forms and checks them. Ids are a 4-letter prefix (AIDA user, AGPA group,
/// AROA role, ANPA managed policy) and 17 base-32 characters, 21 in all; they come from a seeded generator so a
/// freshly built account is the same on every run.
/// </summary>
internal sealed partial class IamIdentifiers
{
    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private readonly Random random;

    public IamIdentifiers(int seed)
    {
        random = new Random(seed);
    }

    public string NewId(string prefix)
    {
        var chars = new char[17];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = IdAlphabet[random.Next(IdAlphabet.Length)];
        }

        return prefix + new string(chars);
    }

    /// <summary>Checks a user, group, role or policy name: 1..max characters of <c>[\w+=,.@-]</c>.</summary>
    public static void CheckName(string parameter, string name, int maxLength)
    {
        if (name.Length < 1 || name.Length > maxLength)
        {
            throw IamException.Validation(parameter, name, $"Member must have length less than or equal to {maxLength}");
        }

        if (!NamePattern().IsMatch(name))
        {
            throw IamException.Validation(parameter, name, @"Member must satisfy regular expression pattern: [\w+=,.@-]+");
        }
    }

    /// <summary>Checks a path: "/" or "/a/b/", at most 512 characters.</summary>
    public static void CheckPath(string parameter, string path)
    {
        if (path.Length > 512)
        {
            throw IamException.Validation(parameter, path, "Member must have length less than or equal to 512");
        }

        if (!PathPattern().IsMatch(path))
        {
            throw IamException.Validation(parameter, path, @"Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)");
        }
    }

    public static string Arn(string partition, string accountId, string resourceType, string path, string name) =>
        $"arn:{partition}:iam::{accountId}:{resourceType}{path}{name}";

    /// <summary>The path inside a policy ARN ("arn:aws:iam::aws:policy/job-function/X" → "/job-function/").</summary>
    public static string PolicyPathFromArn(string policyArn)
    {
        var marker = policyArn.IndexOf(":policy/", StringComparison.Ordinal);
        if (marker < 0)
        {
            return "/";
        }

        var resource = policyArn[(marker + ":policy".Length)..];
        return resource[..(resource.LastIndexOf('/') + 1)];
    }

    /// <summary>Checks that a string looks like an ARN, as IAM does before it looks anything up.</summary>
    public static void CheckArn(string parameter, string arn)
    {
        if (arn.Length < 20 || arn.Length > 2048)
        {
            throw IamException.Validation(parameter, arn, "Member must have length greater than or equal to 20");
        }

        if (!ArnPattern().IsMatch(arn))
        {
            throw IamException.InvalidInput($"ARN {arn} is not valid.");
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(/|/[\u0021-\u007E]+/)$")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"^arn:[a-z-]+:[a-z0-9-]+:[a-z0-9-]*:[A-Za-z0-9-]*:.+$")]
    private static partial Regex ArnPattern();
}
