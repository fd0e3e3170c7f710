using System.Collections.Generic;

namespace MarketplaceGuard.Engine.Procurement;

/// <summary>Where a product code is found: one account and region, with its instances and account-owned images.</summary>
public sealed class ProductPlacement
{
    internal ProductPlacement(string accountId, string? accountName, string region)
    {
        AccountId = accountId;
        AccountName = accountName;
        Region = region;
    }

    public string AccountId { get; }

    public string? AccountName { get; internal set; }

    public string Region { get; }

    /// <summary>Instances running, pending or stopping: they bill.</summary>
    public IReadOnlyList<string> RunningInstanceIds => Running;

    public IReadOnlyList<string> StoppedInstanceIds => Stopped;

    /// <summary>Account-owned AMIs that carry the code.</summary>
    public IReadOnlyList<string> ImageIds => Images;

    /// <summary>Those of <see cref="ImageIds"/> without the guard tag.</summary>
    public IReadOnlyList<string> UnprotectedImageIds => Unprotected;

    internal List<string> Running { get; } = [];

    internal List<string> Stopped { get; } = [];

    internal List<string> Images { get; } = [];

    internal List<string> Unprotected { get; } = [];
}
