namespace MarketplaceGuard.Engine.Procurement;

/// <summary>
/// One account's paid instances as the report's chart shows them: running (each instance once, whatever its codes),
/// how many of those leak (MG4001), and whether the account could be read at all.
/// </summary>
public sealed record AccountUsage(string AccountId, string? AccountName, int RunningInstances, int StoppedInstances, int LeakingInstances, string? NotReadReason);
