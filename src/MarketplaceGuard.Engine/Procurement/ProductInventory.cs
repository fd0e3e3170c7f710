using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.Engine.Procurement;

/// <summary>One EC2 product code: the product it is mapped to (if any), where it runs, and the agreements of its product.</summary>
public sealed class ProductInventory
{
    internal ProductInventory(string productCode, MappedProduct? mapping, IReadOnlyList<ProductPlacement> placements, IReadOnlyList<Agreement> agreements)
    {
        ProductCode = productCode;
        ProductId = mapping?.ProductId;
        ProductName = mapping?.ProductName ?? agreements.Select(a => a.ProductName).FirstOrDefault(n => n is not null);
        Placements = placements;
        Agreements = agreements;
        RunningInstances = placements.Sum(p => p.RunningInstanceIds.Count);
        StoppedInstances = placements.Sum(p => p.StoppedInstanceIds.Count);
        Images = placements.Sum(p => p.ImageIds.Count);
    }

    public string ProductCode { get; }

    /// <summary>The product id the map gives; null when the code is not mapped (its agreements cannot be known).</summary>
    public string? ProductId { get; }

    public string? ProductName { get; }

    public bool Mapped => ProductId is not null;

    /// <summary>By account id, then region.</summary>
    public IReadOnlyList<ProductPlacement> Placements { get; }

    /// <summary>Every agreement of the product, in every account; empty when the code is not mapped.</summary>
    public IReadOnlyList<Agreement> Agreements { get; }

    public int RunningInstances { get; }

    public int StoppedInstances { get; }

    public int Images { get; }

    public override string ToString() => $"{ProductCode} {ProductId ?? "(not mapped)"}: {RunningInstances} running, {StoppedInstances} stopped";
}
