using System.Text.RegularExpressions;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Engine.Guardrails;

/// <summary>
/// A root, OU or account a guardrail is attached to, with its name as Organizations gives it. Ids have the shapes of
/// the Organizations API model: a root <c>r-</c> and 4 to 32 lowercase letters or digits, an OU
/// <c>ou-&lt;root part&gt;-&lt;8 to 32&gt;</c>, an account 12 digits. The patterns end with <c>\z</c>, not <c>$</c>, which
/// would also match before a final line break.
/// </summary>
public sealed partial record GuardrailTarget(string Id, OrganizationTargetKind Kind, string Name)
{
    /// <summary>"root r-a1b2", "OU Sandbox (ou-a1b2-c3d4e5f6)", "account dev (222222222222)": as SCP levels are named elsewhere.</summary>
    public string Label => new ServiceControlPolicyLevel(Id, Kind, Name, []).Label;

    /// <summary>The kind of node an id names by its shape, or null when it has none of the three shapes.</summary>
    public static OrganizationTargetKind? KindOf(string? id) =>
        id is null ? null
        : RootId().IsMatch(id) ? OrganizationTargetKind.Root
        : OrganizationalUnitId().IsMatch(id) ? OrganizationTargetKind.OrganizationalUnit
        : AccountId().IsMatch(id) ? OrganizationTargetKind.Account
        : null;

    public override string ToString() => Label;

    [GeneratedRegex(@"^r-[0-9a-z]{4,32}\z")]
    private static partial Regex RootId();

    [GeneratedRegex(@"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\z")]
    private static partial Regex OrganizationalUnitId();

    [GeneratedRegex(@"^[0-9]{12}\z")]
    private static partial Regex AccountId();
}
