namespace MarketplaceGuard.Aws.Accounts;

/// <summary>An account to reach: its id, and its name when Organizations told it.</summary>
public sealed record AccountTarget(string AccountId, string? AccountName = null)
{
    /// <summary>"dev (222222222222)", or the id alone.</summary>
    public override string ToString() => AccountName is null ? AccountId : $"{AccountName} ({AccountId})";
}
