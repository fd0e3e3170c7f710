namespace MarketplaceGuard.Engine.Accounts;

/// <summary>A user, group or role named in a snapshot: its kind ("user", "group", "role") and name.</summary>
public sealed record SnapshotPrincipalName(string Kind, string Name)
{
    /// <summary>The "kind/name" form every -…Principal parameter accepts, e.g. "group/Procurement".</summary>
    public string Qualified => Kind + "/" + Name;
}
