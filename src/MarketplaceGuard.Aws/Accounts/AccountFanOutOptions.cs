using System;
using System.Text.RegularExpressions;

namespace MarketplaceGuard.Aws.Accounts;

/// <summary>How <see cref="AccountFanOut"/> reaches the accounts: which role, with what session, how many at once.</summary>
public sealed class AccountFanOutOptions
{
    private static readonly Regex SessionNamePattern = new(@"^[\w+=,.@-]{2,64}$", RegexOptions.ECMAScript | RegexOptions.CultureInvariant);
    private static readonly Regex ExternalIdPattern = new(@"^[\w+=,.@:/-]{2,1224}$", RegexOptions.ECMAScript | RegexOptions.CultureInvariant);

    /// <summary>The role to assume in each account: a name or path/name (<see cref="CrossAccountRole.Validate"/>).</summary>
    public string RoleName { get; init; } = CrossAccountRole.DefaultName;

    /// <summary>The ExternalId the roles' trust policies ask for; null for none.</summary>
    public string? ExternalId { get; init; }

    /// <summary>The session name; each account's CloudTrail shows it, so it says who is looking.</summary>
    public string RoleSessionName { get; init; } = "MarketplaceGuard";

    /// <summary>How many accounts are worked on at once (1 to 64).</summary>
    public int ThrottleLimit { get; init; } = 8;

    /// <summary>
    /// How long the assumed credentials last: one hour, the default maximum of a role and the cap when the caller's
    /// own credentials come from a role (role chaining); one account's work fits in it.
    /// </summary>
    public int DurationSeconds { get; init; } = 3600;

    /// <summary>Throws ArgumentException naming the option and what it accepts.</summary>
    public void Validate()
    {
        CrossAccountRole.Validate(RoleName);
        if (!SessionNamePattern.IsMatch(RoleSessionName ?? string.Empty))
        {
            throw new ArgumentException($"RoleSessionName '{RoleSessionName}' must be 2 to 64 letters, digits and +=,.@_-.", nameof(RoleSessionName));
        }

        // Said without the value: an ExternalId is a shared secret between the account and whoever assumes its role.
        if (ExternalId is not null && !ExternalIdPattern.IsMatch(ExternalId))
        {
            throw new ArgumentException("The ExternalId must be 2 to 1224 letters, digits and +=,.@:/_-.", nameof(ExternalId));
        }

        if (ThrottleLimit is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(ThrottleLimit), ThrottleLimit, "ThrottleLimit must be 1 to 64.");
        }

        if (DurationSeconds is < 900 or > 43200)
        {
            throw new ArgumentOutOfRangeException(nameof(DurationSeconds), DurationSeconds, "DurationSeconds must be 900 to 43200 (15 minutes to 12 hours).");
        }
    }
}
