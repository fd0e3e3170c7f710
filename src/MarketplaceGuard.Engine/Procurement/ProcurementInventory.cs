using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.PaidResources;

namespace MarketplaceGuard.Engine.Procurement;

/// <summary>
/// What was procured and what runs: agreements joined with paid EC2 resources through a product-code map, per product
/// code, with the findings MG4001 to MG4005 and every gap (accounts not read, agreements without a product, codes not
/// mapped). Built by <see cref="Build"/>; the reports and the flat rows are written from it.
/// </summary>
public sealed class ProcurementInventory
{
    /// <summary>Said in every report: why a map is needed, and what an unmapped code means.</summary>
    public const string MappingLimitation =
        "No AWS API maps an EC2 product code to an AWS Marketplace product id for a buyer. Instances are joined to agreements only through the product-code map given (-ProductCodeMapPath); a code it does not cover is reported (MG4005), never guessed.";

    internal ProcurementInventory(
        DateTimeOffset generatedAt,
        TimeSpan expiresWithin,
        ProductCodeMap map,
        IReadOnlyList<Agreement> agreements,
        IReadOnlyList<PaidResource> paidResources,
        IReadOnlyList<ProductInventory> products,
        IReadOnlyList<ProcurementFinding> findings,
        IReadOnlyList<AccountNotRead> accountsNotRead,
        IReadOnlyList<InventoryGap> gaps,
        IReadOnlyList<AccountUsage> accounts,
        IReadOnlyList<ProcurementRow> rows)
    {
        GeneratedAt = generatedAt;
        ExpiresWithin = expiresWithin;
        ProductCodeMap = map;
        Agreements = agreements;
        PaidResources = paidResources;
        Products = products;
        Findings = findings;
        AccountsNotRead = accountsNotRead;
        Gaps = gaps;
        Accounts = accounts;
        Rows = rows;
    }

    /// <summary>The time the inventory was judged at (expiry windows count from it), in UTC.</summary>
    public DateTimeOffset GeneratedAt { get; }

    public TimeSpan ExpiresWithin { get; }

    public ProductCodeMap ProductCodeMap { get; }

    public string? ProductCodeMapPath => ProductCodeMap.Source;

    public IReadOnlyList<Agreement> Agreements { get; }

    public IReadOnlyList<PaidResource> PaidResources { get; }

    /// <summary>One per product code found on a paid instance or account-owned image, in code order.</summary>
    public IReadOnlyList<ProductInventory> Products { get; }

    /// <summary>By rule id, then account, then target.</summary>
    public IReadOnlyList<ProcurementFinding> Findings { get; }

    public IReadOnlyList<AccountNotRead> AccountsNotRead { get; }

    /// <summary>What could not be read or joined.</summary>
    public IReadOnlyList<InventoryGap> Gaps { get; }

    /// <summary>Every account of the input (read or not), in account id order.</summary>
    public IReadOnlyList<AccountUsage> Accounts { get; }

    /// <summary>One per product code, account and region.</summary>
    public IReadOnlyList<ProcurementRow> Rows { get; }

    /// <summary>True when every account was read, every agreement names a product and every code is mapped.</summary>
    public bool Complete => Gaps.Count == 0;

    /// <summary>True only when complete and without findings: an inventory with gaps never passes.</summary>
    public bool Passed => Complete && Findings.Count == 0;

    public int Count(Severity severity) => Findings.Count(f => f.Severity == severity);

    /// <summary>
    /// Joins <paramref name="agreements"/> and <paramref name="paidResources"/> (of any accounts; the live form passes
    /// every account's lists, the accounts it read whole, <paramref name="accountsRead"/>, and those it could not read)
    /// and judges them at <paramref name="now"/>. Throws <see cref="ArgumentException"/> when there is nothing at all: an
    /// empty input is not a clean inventory (an account read whole with nothing in it is something).
    /// </summary>
    public static ProcurementInventory Build(
        IReadOnlyList<Agreement> agreements,
        IReadOnlyList<PaidResource> paidResources,
        ProductCodeMap? map,
        IReadOnlyList<AccountNotRead>? accountsNotRead,
        DateTimeOffset now,
        TimeSpan expiresWithin,
        IReadOnlyList<AccountRead>? accountsRead = null)
    {
        ArgumentNullException.ThrowIfNull(agreements);
        ArgumentNullException.ThrowIfNull(paidResources);
        if (expiresWithin < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(expiresWithin), expiresWithin, "The expiry window cannot be negative.");
        }

        accountsNotRead ??= [];
        accountsRead ??= [];
        if (agreements.Count == 0 && paidResources.Count == 0 && accountsNotRead.Count == 0 && accountsRead.Count == 0)
        {
            throw new ArgumentException("Nothing to report: no agreement, no paid resource and no account.", nameof(agreements));
        }

        return new ProcurementJoin(agreements, paidResources, map ?? ProductCodeMap.Empty, accountsNotRead, accountsRead, now.ToUniversalTime(), expiresWithin).Run();
    }
}
