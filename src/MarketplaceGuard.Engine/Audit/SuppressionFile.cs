using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// Reads suppressions from JSON: an array (or an object with a "suppressions" array) of
/// { "ruleId": "MG1005", "principal": "role/ci-*", "justification": "why", "expires": "2027-03-31" }. Every field is
/// required: a suppression without a reason or an end date is how accepted risks are forgotten.
/// </summary>
public static class SuppressionFile
{
    public static IReadOnlyList<Suppression> Load(string path) => Parse(File.ReadAllText(path), path);

    public static IReadOnlyList<Suppression> Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SuppressionFileException(source, "$", $"not valid JSON at line {(e.LineNumber ?? 0) + 1}");
        }
        catch (ArgumentException)
        {
            throw new SuppressionFileException(source, "$", "the text is not valid Unicode (half of a surrogate pair)");
        }

        if (JsonText.FindInvalidString(json) is { } invalid)
        {
            document.Dispose();
            throw new SuppressionFileException(source, "$", invalid);
        }

        using (document)
        {
            var root = document.RootElement;
            var list = root;
            var listPath = "$";
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (!root.TryGetProperty("suppressions", out list))
                {
                    throw new SuppressionFileException(source, "$.suppressions", "required element is missing");
                }

                listPath = "$.suppressions";
            }

            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new SuppressionFileException(source, listPath, "must be an array of suppressions");
            }

            var result = new List<Suppression>();
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var path = $"{listPath}[{i++}]";
                string Field(string name)
                {
                    if (item.ValueKind != JsonValueKind.Object || !TryGetCaseInsensitive(item, name, source, path, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
                    {
                        throw new SuppressionFileException(source, $"{path}.{name}", "required: a non-empty string");
                    }

                    return value.GetString()!;
                }

                var ruleId = Field("ruleId");
                if (AuditRules.Find(ruleId) is null)
                {
                    // The list comes from the rules themselves: a hard-coded range went stale when Rules 2 and 3 were added.
                    var meant = ClosestNames.Find(ruleId, AuditRules.All.Select(r => r.Id), 1);
                    throw new SuppressionFileException(source, $"{path}.ruleId", $"'{ruleId}' is not a rule id{(meant.Count > 0 ? $" (did you mean {meant[0]}?)" : string.Empty)}; the rule ids are {string.Join(", ", AuditRules.All.Select(r => r.Id))}");
                }

                var expiresText = Field("expires");
                if (!DateOnly.TryParseExact(expiresText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires))
                {
                    throw new SuppressionFileException(source, $"{path}.expires", $"'{expiresText}' is not a date as yyyy-MM-dd");
                }

                result.Add(new Suppression(ruleId, Field("principal"), Field("justification"), expires));
            }

            return result;
        }
    }

    /// <summary>The property, case-insensitively; named twice, which value applies is unknown, so it is an error.</summary>
    private static bool TryGetCaseInsensitive(JsonElement element, string name, string source, string path, out JsonElement value)
    {
        var found = false;
        value = default;
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                if (found)
                {
                    throw new SuppressionFileException(source, $"{path}.{name}", "appears twice; which value applies is unknown");
                }

                value = property.Value;
                found = true;
            }
        }

        return found;
    }
}

/// <summary>A suppression file that cannot be used: which file, where, what.</summary>
public sealed class SuppressionFileException : Exception
{
    public SuppressionFileException(string source, string jsonPath, string problem)
        : base($"{source}: {jsonPath}: {problem}")
    {
        JsonPath = jsonPath;
    }

    public string JsonPath { get; }
}
