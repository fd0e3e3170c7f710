using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace MarketplaceGuard.Aws.Accounts;

/// <summary>
/// The role assumed in a member account: a name, or a path and a name ("OrganizationAccountAccessRole",
/// "audit/MarketplaceGuardAudit"), in an account of a partition. Its ARN is
/// <c>arn:&lt;partition&gt;:iam::&lt;account&gt;:role/&lt;path/&gt;name</c>.
/// </summary>
public sealed class CrossAccountRole
{
    /// <summary>The role Organizations creates in the accounts it creates, trusting the management account.</summary>
    public const string DefaultName = "OrganizationAccountAccessRole";

    // IAM's role name characters; path segments take any printable ASCII but '/'.
    private static readonly Regex NamePattern = new(@"^[\w+=,.@-]{1,64}$", RegexOptions.ECMAScript | RegexOptions.CultureInvariant);
    private static readonly Regex PathSegmentPattern = new(@"^[\x21-\x2E\x30-\x7E]+$", RegexOptions.CultureInvariant);

    private CrossAccountRole(string partition, string accountId, string path, string name)
    {
        Partition = partition;
        AccountId = accountId;
        Path = path;
        Name = name;
    }

    public string Partition { get; }

    public string AccountId { get; }

    /// <summary>"/" or "/audit/".</summary>
    public string Path { get; }

    public string Name { get; }

    public string Arn => $"arn:{Partition}:iam::{AccountId}:role{Path}{Name}";

    /// <summary>The role in an account; <paramref name="roleName"/> as <see cref="Validate"/> accepts it.</summary>
    public static CrossAccountRole In(string partition, string accountId, string roleName)
    {
        var (path, name) = Validate(roleName);
        return new CrossAccountRole(partition, accountId, path, name);
    }

    /// <summary>
    /// Accepts a role name (1–64 of letters, digits and <c>+=,.@_-</c>) with an optional path before it
    /// ("audit/Name", "/audit/Name") and returns the path ("/", "/audit/") and the name; throws ArgumentException
    /// saying what is wrong.
    /// </summary>
    public static (string Path, string Name) Validate(string roleName)
    {
        ArgumentNullException.ThrowIfNull(roleName);
        if (roleName.StartsWith("arn:", StringComparison.OrdinalIgnoreCase))
        {
            // An ARN names one account's role; the fan-out builds each account's ARN from the name and the account id.
            throw new ArgumentException($"'{roleName}' is an ARN: give the role's name (optionally after its path), like {DefaultName}; each account's ARN is built from it.", nameof(roleName));
        }

        var parts = roleName.TrimStart('/').Split('/');
        if (!NamePattern.IsMatch(parts[^1]))
        {
            throw new ArgumentException($"'{roleName}' is not a role name: give the name (1 to 64 letters, digits and +=,.@_-), optionally after its path, like {DefaultName} or audit/MarketplaceGuardAudit.", nameof(roleName));
        }

        var path = parts.Length == 1 ? "/" : "/" + string.Join('/', parts[..^1]) + "/";
        if (parts[..^1].Any(segment => !PathSegmentPattern.IsMatch(segment)) || path.Length > 512)
        {
            throw new ArgumentException($"'{roleName}' does not have a valid role path: up to 512 printable characters without spaces, its parts separated by '/'.", nameof(roleName));
        }

        return (path, parts[^1]);
    }

    /// <summary>"role OrganizationAccountAccessRole in 222222222222", "role audit/Name in 222222222222".</summary>
    public override string ToString() => $"role {Path.TrimStart('/')}{Name} in {AccountId}";
}
