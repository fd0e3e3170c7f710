using System;

namespace MarketplaceGuard.Engine.Procurement;

/// <summary>A product-code map file that cannot be used: which file, where (a JSON path), what.</summary>
public sealed class ProductCodeMapException : Exception
{
    public ProductCodeMapException(string source, string jsonPath, string problem)
        : base($"{source}: {jsonPath}: {problem}")
    {
        Source = source;
        JsonPath = jsonPath;
    }

    /// <summary>The file.</summary>
    public new string Source { get; }

    public string JsonPath { get; }
}
