using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using MarketplaceGuard.Engine.Guardrails;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Procurement;

/// <summary>
/// Which AWS Marketplace product each EC2 product code belongs to, as the user knows it. No AWS API maps an EC2 product
/// code (what instances and AMIs carry) to a Marketplace product id (what agreements name) for a buyer, so the join of
/// agreements and instances needs this map; a code it does not cover is reported as not joined, never guessed.
/// </summary>
/// <remarks>
/// The file is JSON, read strictly (an unknown member is an error: a typo would otherwise drop a mapping silently):
/// <c>{ "productCodes": { "&lt;code&gt;": { "productId": "prod-…", "productName": "…" } } }</c>; productName is optional.
/// </remarks>
public sealed class ProductCodeMap
{
    private readonly Dictionary<string, MappedProduct> byCode;
    private readonly Dictionary<string, List<string>> codesByProduct;

    public ProductCodeMap(IEnumerable<MappedProduct> products, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(products);
        byCode = new Dictionary<string, MappedProduct>(StringComparer.Ordinal);
        codesByProduct = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var product in products)
        {
            if (!byCode.TryAdd(product.ProductCode, product))
            {
                throw new ArgumentException($"The product code '{product.ProductCode}' is mapped twice.", nameof(products));
            }

            if (!codesByProduct.TryGetValue(product.ProductId, out var codes))
            {
                codesByProduct[product.ProductId] = codes = [];
            }

            codes.Add(product.ProductCode);
        }

        Source = source;
    }

    /// <summary>A map that maps nothing (no file given): every product code is reported as not joined.</summary>
    public static ProductCodeMap Empty { get; } = new([]);

    /// <summary>The file it was read from; null when built in code or empty.</summary>
    public string? Source { get; }

    public int Count => byCode.Count;

    /// <summary>The mappings, in product code order.</summary>
    public IReadOnlyList<MappedProduct> Products => byCode.Values.OrderBy(p => p.ProductCode, StringComparer.Ordinal).ToList();

    public MappedProduct? Find(string productCode) => byCode.GetValueOrDefault(productCode);

    /// <summary>The product codes mapped to a product id (several codes may belong to one product).</summary>
    public IReadOnlyList<string> CodesOf(string productId) => codesByProduct.TryGetValue(productId, out var codes) ? codes : [];

    public static ProductCodeMap Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads the map's JSON; throws <see cref="ProductCodeMapException"/> naming the file and the JSON path of the first problem.</summary>
    public static ProductCodeMap Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ProductCodeMapException(source, "$", $"not valid JSON at line {(e.LineNumber ?? 0) + 1}");
        }
        catch (ArgumentException)
        {
            throw new ProductCodeMapException(source, "$", "the text is not valid Unicode (half of a surrogate pair)");
        }

        if (JsonText.FindInvalidString(json) is { } invalid)
        {
            document.Dispose();
            throw new ProductCodeMapException(source, "$", invalid);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ProductCodeMapException(source, "$", $"must be an object with a \"productCodes\" object, not {Kind(root)}");
            }

            var codes = Members(root, "$", source, required: ["productCodes"], optional: [])["productCodes"];
            if (codes.ValueKind != JsonValueKind.Object)
            {
                throw new ProductCodeMapException(source, "$.productCodes", $"must be an object whose members are product codes, not {Kind(codes)}");
            }

            var products = new List<MappedProduct>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in codes.EnumerateObject())
            {
                var path = $"$.productCodes['{entry.Name}']";
                if (!IsProductCode(entry.Name))
                {
                    throw new ProductCodeMapException(source, path, $"'{entry.Name}' is not an EC2 product code (letters and digits, as DescribeImages and DescribeInstances show them)");
                }

                if (!seen.Add(entry.Name))
                {
                    throw new ProductCodeMapException(source, path, "appears twice; which product applies is unknown");
                }

                if (entry.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new ProductCodeMapException(source, path, $"must be an object {{ \"productId\": \"prod-…\", \"productName\": \"…\" }}, not {Kind(entry.Value)}");
                }

                var fields = Members(entry.Value, path, source, required: ["productId"], optional: ["productName"]);
                var productId = Text(fields["productId"], $"{path}.productId", source);
                if (MarketplaceProductId.Problem(productId) is not null)
                {
                    throw new ProductCodeMapException(source, $"{path}.productId", $"'{productId}' is not an AWS Marketplace product id: 'prod-' and 13 lowercase letters or digits (prod-4pmewlybdftbs), or a lowercase UUID");
                }

                var name = fields.TryGetValue("productName", out var nameElement) ? Text(nameElement, $"{path}.productName", source) : null;
                products.Add(new MappedProduct(entry.Name, productId, name));
            }

            return new ProductCodeMap(products, source);
        }
    }

    /// <summary>An EC2 product code: ASCII letters and digits (EC2 writes 25 lowercase ones), at most 64.</summary>
    public static bool IsProductCode(string? value) => value is { Length: > 0 and <= 64 } && value.All(char.IsAsciiLetterOrDigit);

    /// <summary>The object's members by name (case-sensitive, as written in the format); unknown, repeated or missing ones are errors.</summary>
    private static Dictionary<string, JsonElement> Members(JsonElement element, string path, string source, string[] required, string[] optional)
    {
        var found = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var known = required.Concat(optional).FirstOrDefault(n => n.Equals(property.Name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                throw new ProductCodeMapException(source, $"{path}.{property.Name}", $"unknown member; the members here are {string.Join(", ", required.Concat(optional))}");
            }

            if (!known.Equals(property.Name, StringComparison.Ordinal))
            {
                throw new ProductCodeMapException(source, $"{path}.{property.Name}", $"write it '{known}' (member names are case-sensitive)");
            }

            if (!found.TryAdd(known, property.Value))
            {
                throw new ProductCodeMapException(source, $"{path}.{known}", "appears twice; which value applies is unknown");
            }
        }

        foreach (var name in required.Where(n => !found.ContainsKey(n)))
        {
            throw new ProductCodeMapException(source, $"{path}.{name}", "required member is missing");
        }

        return found;
    }

    private static string Text(JsonElement value, string path, string source) =>
        value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!
            : throw new ProductCodeMapException(source, path, $"must be a non-empty string, not {Kind(value)}");

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}

/// <summary>One mapping: an EC2 product code and the Marketplace product it belongs to.</summary>
public sealed record MappedProduct(string ProductCode, string ProductId, string? ProductName);
