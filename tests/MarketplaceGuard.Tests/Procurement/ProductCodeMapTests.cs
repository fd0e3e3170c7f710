using MarketplaceGuard.Engine.Procurement;

namespace MarketplaceGuard.Tests.Procurement;

public sealed class ProductCodeMapTests
{
    [Fact]
    public void ReadsCodesWithTheirProducts()
    {
        var map = ProductCodeMap.Parse("""{ "productCodes": { "abc123": { "productId": "prod-4pmewlybdftbs", "productName": "Acme" }, "def456": { "productId": "a61c46fe-1747-41aa-9af0-2e0ae8a9ce05" } } }""", "map.json");

        Assert.Equal(2, map.Count);
        Assert.Equal(new MappedProduct("abc123", "prod-4pmewlybdftbs", "Acme"), map.Find("abc123"));
        Assert.Null(map.Find("def456")!.ProductName);
        Assert.Equal(["abc123"], map.CodesOf("prod-4pmewlybdftbs"));
        Assert.Equal("map.json", map.Source);
    }

    [Theory]
    [InlineData("{ \"productCodes\": { ", "$", "not valid JSON")]
    [InlineData("[]", "$", "must be an object")]
    [InlineData("{}", "$.productCodes", "required member is missing")]
    [InlineData("{ \"productCodes\": {}, \"extra\": 1 }", "$.extra", "unknown member")]
    [InlineData("{ \"ProductCodes\": {} }", "$.ProductCodes", "write it 'productCodes'")]
    [InlineData("{ \"productCodes\": [] }", "$.productCodes", "must be an object whose members are product codes")]
    [InlineData("{ \"productCodes\": { \"ab-c\": { \"productId\": \"prod-4pmewlybdftbs\" } } }", "$.productCodes['ab-c']", "is not an EC2 product code")]
    [InlineData("{ \"productCodes\": { \"abc\": \"prod-4pmewlybdftbs\" } }", "$.productCodes['abc']", "must be an object")]
    [InlineData("{ \"productCodes\": { \"abc\": { } } }", "$.productCodes['abc'].productId", "required member is missing")]
    [InlineData("{ \"productCodes\": { \"abc\": { \"productId\": \"prod-XYZ\" } } }", "$.productCodes['abc'].productId", "is not an AWS Marketplace product id")]
    [InlineData("{ \"productCodes\": { \"abc\": { \"productId\": 42 } } }", "$.productCodes['abc'].productId", "must be a non-empty string, not a number")]
    [InlineData("{ \"productCodes\": { \"abc\": { \"productId\": \"prod-4pmewlybdftbs\", \"productNmae\": \"x\" } } }", "$.productCodes['abc'].productNmae", "unknown member")]
    [InlineData("{ \"productCodes\": { \"abc\": { \"productId\": \"prod-4pmewlybdftbs\" }, \"abc\": { \"productId\": \"prod-4pmewlybdftbs\" } } }", "$.productCodes['abc']", "appears twice")]
    [InlineData("{ \"productCodes\": { \"abc\": { \"productId\": \"prod-4pmewlybdftbs\", \"productId\": \"prod-4pmewlybdftbs\" } } }", "$.productCodes['abc'].productId", "appears twice")]
    public void RefusesABadFileNamingTheFileAndThePath(string json, string path, string problem)
    {
        var e = Assert.Throws<ProductCodeMapException>(() => ProductCodeMap.Parse(json, "codes.json"));

        Assert.Equal(path, e.JsonPath);
        Assert.StartsWith($"codes.json: {path}: ", e.Message, System.StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, System.StringComparison.Ordinal);
    }
}
