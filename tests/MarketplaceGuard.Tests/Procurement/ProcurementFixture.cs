using System;
using System.Collections.Generic;
using MarketplaceGuard.Engine.PaidResources;
using MarketplaceGuard.Engine.Procurement;

namespace MarketplaceGuard.Tests.Procurement;

/// <summary>Hand-built agreements, paid resources and a map for the procurement inventory's tests; a fixed "now".</summary>
internal static class ProcurementFixture
{
    public const string Code = "8fwqw6zm0s5jd7kd4aaaaaaaa";
    public const string OtherCode = "2bqy3j6vjq7exampleaaaaaaa";
    public const string UnmappedCode = "zz9unmapped0000000000000";
    public const string Product = "prod-4pmewlybdftbs";
    public const string OtherProduct = "prod-a1b2c3d4e5f6g";
    public const string Prod = "111111111111";
    public const string Shared = "222222222222";
    public const string Dev = "333333333333";

    public static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    public static ProductCodeMap Map { get; } = new([new MappedProduct(Code, Product, "Acme Firewall"), new MappedProduct(OtherCode, OtherProduct, null)], "map.json");

    public static Agreement Agreement(string id, string account, string status, string? product = Product, int? endsInDays = null, string? license = null) => new(id, account)
    {
        Status = status,
        ProductId = product,
        EndTime = endsInDays is { } days ? Now.AddDays(days) : null,
        LicenseArns = license is null ? [] : [license],
    };

    public static PaidResource Instance(string id, string account, string state, string code = Code, string region = "us-east-1") =>
        new(PaidResourceType.Instance, id, region, account) { ProductCodes = [code], State = state, IsAccountOwned = true };

    public static PaidResource Image(string id, string account, bool guarded, bool owned = true, string code = Code, string region = "us-east-1") =>
        new(PaidResourceType.Image, id, region, account)
        {
            ProductCodes = [code],
            State = "available",
            IsAccountOwned = owned,
            Tags = guarded ? new Dictionary<string, string> { [GuardTag.Key] = code } : new Dictionary<string, string>(),
        };

    public static ProcurementInventory Build(IReadOnlyList<Agreement> agreements, IReadOnlyList<PaidResource> resources, IReadOnlyList<AccountNotRead>? notRead = null, int windowDays = 30, ProductCodeMap? map = null) =>
        ProcurementInventory.Build(agreements, resources, map ?? Map, notRead, Now, TimeSpan.FromDays(windowDays));
}
