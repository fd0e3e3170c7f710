using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Cmdlets.Organizations;

/// <summary>
/// One account an organization run works on: its id, and what the organization says of it (name, OU path) when the
/// organization could be read; offline, the authorization snapshot file of the organization snapshot.
/// </summary>
internal sealed record SelectedAccount(string AccountId, string? Name, string? Path, string? SnapshotFile)
{
    /// <summary>"dev (222222222222)", or the id alone when the name is unknown.</summary>
    public string Label => Name is null ? AccountId : $"{Name} ({AccountId})";
}

/// <summary>
/// An account ready for a cmdlet's per-account work: the built account model (with its SCP levels), what the reports
/// say of its SCPs, and the organization scope its run belongs to.
/// </summary>
internal sealed record PreparedAccount(SelectedAccount Target, Account Account, ServiceControlPolicyAssessment ServiceControlPolicies, OrganizationScope Scope);
