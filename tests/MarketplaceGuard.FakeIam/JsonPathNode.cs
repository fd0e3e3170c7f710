using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// A JSON value with its path ($.accounts[0].regions), and accessors that fail with that path: the seed and snapshot
/// loaders use it so that a typo or a wrong shape in a test's file is an error naming where it is.
/// </summary>
internal readonly record struct JsonPathNode(JsonElement Element, string Path)
{
    public FormatException Error(string message) => new($"{Path}: {message}");

    /// <summary>Requires an object whose members are all among <paramref name="names"/>.</summary>
    public void Only(params string[] names)
    {
        if (Element.ValueKind != JsonValueKind.Object)
        {
            throw Error("must be an object");
        }

        foreach (var property in Element.EnumerateObject())
        {
            if (!names.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new FormatException($"{Path}.{property.Name}: unknown member (known: {string.Join(", ", names)})");
            }
        }
    }

    /// <summary>A member, or null when it is absent or JSON null.</summary>
    public JsonPathNode? Member(string name) =>
        Element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? new JsonPathNode(value, $"{Path}.{name}") : null;

    public string? String(string name) => Member(name) is { } node
        ? node.Element.ValueKind == JsonValueKind.String ? node.Element.GetString() : throw node.Error("must be a string")
        : null;

    public string RequiredString(string name) => String(name) ?? throw Error($"needs {name}");

    public bool? Bool(string name) => Member(name) is { } node
        ? node.Element.ValueKind is JsonValueKind.True or JsonValueKind.False ? node.Element.GetBoolean() : throw node.Error("must be true or false")
        : null;

    public int? Int(string name) => Member(name) is { } node
        ? node.Element.ValueKind == JsonValueKind.Number && node.Element.TryGetInt32(out var value) ? value : throw node.Error("must be an integer")
        : null;

    public IEnumerable<JsonPathNode> Items(string name) => Member(name) is { } node ? node.Items() : [];

    public IEnumerable<JsonPathNode> Items()
    {
        if (Element.ValueKind != JsonValueKind.Array)
        {
            throw Error("must be an array");
        }

        var path = Path;
        return Element.EnumerateArray().Select((e, i) => new JsonPathNode(e, $"{path}[{i}]")).ToList();
    }

    public IEnumerable<string> Strings(string name) =>
        Items(name).Select(n => n.Element.ValueKind == JsonValueKind.String ? n.Element.GetString()! : throw n.Error("must be a string")).ToList();

    public IEnumerable<(string Name, JsonPathNode Value)> Object(string name)
    {
        if (Member(name) is not { } node)
        {
            return [];
        }

        if (node.Element.ValueKind != JsonValueKind.Object)
        {
            throw node.Error("must be an object");
        }

        return node.Element.EnumerateObject().Select(p => (p.Name, new JsonPathNode(p.Value, $"{node.Path}.{p.Name}"))).ToList();
    }
}
