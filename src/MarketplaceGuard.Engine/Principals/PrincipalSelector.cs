using System;
using MarketplaceGuard.Engine.Matching;

namespace MarketplaceGuard.Engine.Principals;

/// <summary>
/// A principal value as a user typed it, parsed: a name ("Procurement"), a type and name ("group/Procurement",
/// "role/ops/deploy" with its IAM path), an IAM ARN (user, group or role; an STS assumed-role ARN means its role),
/// each with optional '*' and '?' wildcards; names compare case-insensitively, as IAM's do.
/// </summary>
public sealed class PrincipalSelector
{
    private readonly Glob name;
    private readonly Glob? path;

    private PrincipalSelector(string text, PrincipalKind? kind, string namePattern, string? pathPattern, string? accountId)
    {
        Text = text;
        Kind = kind;
        NamePattern = namePattern;
        AccountId = accountId;
        name = Glob.Compile(namePattern, wildcards: true, variables: false);
        path = pathPattern is null ? null : Glob.Compile(pathPattern, wildcards: true, variables: false);
        HasWildcards = ContainsWildcards(namePattern) || ContainsWildcards(pathPattern) || ContainsWildcards(accountId);
    }

    /// <summary>The value as given (trimmed).</summary>
    public string Text { get; }

    /// <summary>The kind the value names; null for a bare name, which may name a user, a group or a role.</summary>
    public PrincipalKind? Kind { get; }

    public string NamePattern { get; }

    /// <summary>The account of an ARN; null when the value is not an ARN.</summary>
    public string? AccountId { get; }

    public bool HasWildcards { get; }

    /// <summary>Parses a value; an empty value or an ARN that names no IAM user, group or role is a <see cref="PrincipalSelectorException"/>.</summary>
    public static PrincipalSelector Parse(string? value)
    {
        var text = value?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            throw new PrincipalSelectorException(text, "is empty: give a user, group or role name, type/name or ARN");
        }

        if (text.StartsWith("arn:", StringComparison.OrdinalIgnoreCase))
        {
            return ParseArn(text);
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && KindOf(text[..slash]) is { } kind)
        {
            return FromResource(text, kind, text[(slash + 1)..], accountId: null);
        }

        if (slash >= 0)
        {
            throw new PrincipalSelectorException(text, "has a '/' but does not start with user/, group/ or role/ (IAM names cannot contain '/')");
        }

        return new PrincipalSelector(text, null, text, null, null);
    }

    /// <summary>True when the entry is one this value names.</summary>
    public bool Matches(PrincipalEntry entry)
    {
        if (Kind is { } kind && kind != entry.Kind)
        {
            return false;
        }

        if (AccountId is not null && !MatchesAccount(entry.Arn))
        {
            return false;
        }

        if (path is not null && path.Match(entry.Path, StringComparison.Ordinal, null) != Tristate.True)
        {
            return false;
        }

        return name.Match(entry.Name, StringComparison.OrdinalIgnoreCase, null) == Tristate.True;
    }

    public override string ToString() => Text;

    private bool MatchesAccount(string arn)
    {
        var parts = arn.Split(':', 6);
        return parts.Length == 6
            && Glob.Compile(AccountId!, wildcards: true, variables: false).Match(parts[4], StringComparison.Ordinal, null) == Tristate.True;
    }

    private static PrincipalSelector ParseArn(string text)
    {
        // arn:partition:service:region:account:resource
        var parts = text.Split(':', 6);
        if (parts.Length != 6)
        {
            throw new PrincipalSelectorException(text, "is not a complete ARN (arn:partition:iam::account:user/name)");
        }

        var service = parts[2].ToLowerInvariant();
        var account = parts[4];
        var resource = parts[5];
        var slash = resource.IndexOf('/', StringComparison.Ordinal);
        var type = slash > 0 ? resource[..slash] : resource;
        if (service == "sts" && account.Length > 0 && type.Equals("assumed-role", StringComparison.OrdinalIgnoreCase))
        {
            // arn:aws:sts::123456789012:assumed-role/RoleName/session: the session's role.
            var rest = resource[(slash + 1)..];
            var end = rest.IndexOf('/', StringComparison.Ordinal);
            var roleName = end < 0 ? rest : rest[..end];
            if (roleName.Length == 0)
            {
                throw new PrincipalSelectorException(text, "names no role");
            }

            return new PrincipalSelector(text, PrincipalKind.Role, roleName, null, account);
        }

        if (service != "iam" || slash <= 0 || KindOf(type) is not { } kind || account.Length == 0)
        {
            throw new PrincipalSelectorException(text, "is not the ARN of an IAM user, group or role (arn:aws:iam::123456789012:user/name)");
        }

        return FromResource(text, kind, resource[(slash + 1)..], account);
    }

    // "name" or "path/segments/name": the last segment is the name, the rest the IAM path.
    private static PrincipalSelector FromResource(string text, PrincipalKind kind, string rest, string? accountId)
    {
        var last = rest.LastIndexOf('/');
        var namePart = last < 0 ? rest : rest[(last + 1)..];
        if (namePart.Length == 0)
        {
            throw new PrincipalSelectorException(text, $"names no {PrincipalRef.KindName(kind)}");
        }

        // Without a path, the name decides: IAM names are unique per kind in an account, whatever the path.
        var pathPart = last < 0 ? null : "/" + rest[..(last + 1)];
        return new PrincipalSelector(text, kind, namePart, pathPart, accountId);
    }

    private static PrincipalKind? KindOf(string type) => type.ToLowerInvariant() switch
    {
        "user" => PrincipalKind.User,
        "group" => PrincipalKind.Group,
        "role" => PrincipalKind.Role,
        _ => null,
    };

    private static bool ContainsWildcards(string? text) => text is not null && text.AsSpan().IndexOfAny('*', '?') >= 0;
}

/// <summary>A principal value that cannot name a principal.</summary>
public sealed class PrincipalSelectorException : Exception
{
    public PrincipalSelectorException(string value, string problem)
        : base($"'{value}' {problem}.")
    {
        Value = value;
        Problem = problem;
    }

    public string Value { get; }

    public string Problem { get; }
}
