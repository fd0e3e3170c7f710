namespace MarketplaceGuard.Engine.Procurement;

/// <summary>
/// An account whose agreements or paid resources could not be read (AssumeRole refused, the Agreement API denied, EC2
/// failing): the inventory judges nothing of it that needs what is missing, and its reports say so.
/// </summary>
public sealed record AccountNotRead(string AccountId, string? AccountName, string Reason);

/// <summary>An account whose agreements and paid resources were read whole (the live form): in the inventory even when empty.</summary>
public sealed record AccountRead(string AccountId, string? AccountName);
