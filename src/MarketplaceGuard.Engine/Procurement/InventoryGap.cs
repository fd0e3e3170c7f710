namespace MarketplaceGuard.Engine.Procurement;

/// <summary>What kind of thing the inventory is missing.</summary>
public enum InventoryGapKind
{
    /// <summary>An account that could not be read: nothing that needs its missing data is judged.</summary>
    AccountNotRead,

    /// <summary>An agreement with no product id: it cannot be joined to any instance.</summary>
    AgreementWithoutProduct,

    /// <summary>A product code that no mapping joins to a product (MG4005).</summary>
    ProductCodeNotMapped,
}

/// <summary>Something the inventory could not join or read, said in its reports so that a gap never reads as "clean".</summary>
public sealed record InventoryGap(InventoryGapKind Kind, string? AccountId, string? AccountName, string Subject, string Detail)
{
    public override string ToString() => $"{Kind} {Subject}: {Detail}";
}
