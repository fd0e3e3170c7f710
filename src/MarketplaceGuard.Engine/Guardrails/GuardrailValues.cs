using System;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Text.RegularExpressions;
using MarketplaceGuard.Engine.Procurement;

namespace MarketplaceGuard.Engine.Guardrails;

/// <summary>
/// The checks on each value a guardrail is built from. Each throws <see cref="GuardrailInputException"/> naming the
/// value, its parameter and what is wrong; a caller that wants every bad value reported checks them one by one.
/// </summary>
public static partial class GuardrailValues
{
    /// <summary>IAM's longest ARN.</summary>
    public const int MaxArnLength = 2048;

    private const string Example = "arn:aws:iam::111122223333:role/Procurement";

    private static readonly string[] Partitions = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc", "*"];

    /// <summary>
    /// A pattern for <c>aws:PrincipalArn</c> in <c>ArnNotLike</c>: <c>arn:&lt;partition&gt;:iam::&lt;account&gt;:user/…</c>,
    /// <c>…:role/…</c> (path and name) or <c>…:root</c>, with <c>*</c> and <c>?</c> allowed in the account (12 digits or
    /// <c>*</c>) and in the path and name. A session's aws:PrincipalArn is its role's ARN, so an STS assumed-role ARN
    /// would never match: it is refused with the role ARN to use instead.
    /// </summary>
    public static void CheckPrincipalArnPattern(string? value, string parameter)
    {
        [DoesNotReturn]
        void Fail(string why) => throw new GuardrailInputException(GuardrailInputProblem.PrincipalArnInvalid, parameter, value,
            $"-{parameter}: {Quote(value)} {why}");

        if (string.IsNullOrWhiteSpace(value))
        {
            Fail($"is empty; give the ARN (or ARN pattern) of a user or role, such as {Example}.");
        }

        if (value.Length > MaxArnLength)
        {
            Fail($"has {value.Length:N0} characters; an ARN has at most {MaxArnLength:N0}.");
        }

        var parts = value.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn")
        {
            Fail($"is not an ARN. Exceptions are matched with aws:PrincipalArn, so name a user or role by its ARN, such as {Example} (wildcards allowed: arn:aws:iam::*:role/procurement/*).");
        }

        var (partition, service, region, account, resource) = (parts[1], parts[2], parts[3], parts[4], parts[5]);
        if (service == "sts" && resource.StartsWith("assumed-role/", StringComparison.Ordinal))
        {
            var role = resource.Split('/')[1];
            Fail($"is an STS assumed-role (session) ARN. The aws:PrincipalArn of a session is its role's ARN: use arn:{partition}:iam::{account}:role/{role} (with the role's path, if it has one, before the name).");
        }

        if (service != "iam")
        {
            Fail($"is an ARN of the service '{service}', not of IAM: only IAM users, roles and account roots ({Example}) are principals an SCP exception can name.");
        }

        if (!Partitions.Contains(partition, StringComparer.Ordinal))
        {
            Fail($"has the partition '{partition}', which is not one of {string.Join(", ", Partitions)}.");
        }

        if (region.Length != 0)
        {
            Fail($"has the region '{region}'; IAM ARNs have none (arn:{partition}:iam::<account>:...).");
        }

        if (!AccountPattern().IsMatch(account))
        {
            Fail($"has the account '{account}'; write the 12-digit account id, or * for any account.");
        }

        if (resource == "root")
        {
            return;
        }

        var slash = resource.IndexOf('/', StringComparison.Ordinal);
        var kind = slash < 0 ? resource : resource[..slash];
        if (kind is "group")
        {
            Fail("is a group ARN. Groups are not principals: aws:PrincipalArn is the member's user ARN, so name the users (a path pattern such as arn:aws:iam::111122223333:user/procurement/* can cover them).");
        }

        if (kind is not ("user" or "role") || slash == resource.Length - 1)
        {
            Fail($"is not the ARN of a user, a role or an account root: after the account comes user/<path/name>, role/<path/name> or root, such as {Example}.");
        }

        if (!NamePattern().IsMatch(resource[(slash + 1)..]))
        {
            Fail("has characters IAM does not allow in a path or name (letters, digits and + = , . @ _ - / are allowed, with * and ? as wildcards).");
        }

        // A path with no name after it (role/team/) is an ARN no user or role has: the exception would except nobody,
        // and the deny would reach the principals the caller meant to except.
        if (resource.EndsWith('/'))
        {
            Fail($"ends with '/': the {kind} name after the path is missing, so it matches no {kind}. Add the name, or end with * to except every {kind} under the path ({kind}/procurement/*).");
        }
    }

    /// <summary>
    /// An AWS Marketplace product id as aws-marketplace:ProductId carries it: <c>prod-</c> and 13 lowercase letters or
    /// digits (<c>prod-4pmewlybdftbs</c>), or a lowercase UUID (<c>a61c46fe-1747-41aa-9af0-2e0ae8a9ce05</c>).
    /// StringNotEquals compares case-sensitively, so an uppercase id is refused rather than changed.
    /// </summary>
    public static void CheckProductId(string? value)
    {
        if (MarketplaceProductId.Problem(value) is { } why)
        {
            throw new GuardrailInputException(GuardrailInputProblem.ProductIdInvalid, GuardrailOptions.ProductParameter, value,
                $"-{GuardrailOptions.ProductParameter}: {Quote(value)} {why}: {MarketplaceProductId.Shape}.");
        }
    }

    /// <summary>The value in single quotes, cut at 200 characters with its length said (a huge value stays readable).</summary>
    internal static string Quote(string? value) => value?.ReplaceLineEndings(" ") switch
    {
        null => "(null)",
        { Length: <= 200 } oneLine => $"'{oneLine}'",
        var oneLine => $"'{oneLine[..200]}…' ({oneLine.Length:N0} characters)",
    };

    // \z, not $: $ also matches before a final line break, which would end up inside the SCP's condition.
    [GeneratedRegex(@"^(?:[0-9?]{12}|\*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex AccountPattern();

    [GeneratedRegex(@"^[A-Za-z0-9+=,.@_/*?-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
