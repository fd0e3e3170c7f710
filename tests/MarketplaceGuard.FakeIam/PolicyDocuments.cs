using System;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// Policy document rules: the character set and length the API model allows, the JSON grammar IAM checks for
/// identity policies, the size IAM counts (whitespace excluded), and IAM's RFC 3986 encoding on the wire.
/// </summary>
internal static class PolicyDocuments
{
    private const int MaxLength = 131072;
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Checks a managed or inline identity policy; throws ValidationError or MalformedPolicyDocument.</summary>
    public static void Validate(string parameter, string document)
    {
        if (document.Length < 1 || document.Length > MaxLength)
        {
            throw IamException.Validation(parameter, null, $"Member must have length less than or equal to {MaxLength}");
        }

        if (document.Any(c => !(c == '\t' || c == '\n' || c == '\r' || (c >= '\u0020' && c <= '\u00FF'))))
        {
            throw IamException.Validation(parameter, null, @"Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+");
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(document);
        }
        catch (JsonException)
        {
            throw IamException.MalformedPolicyDocument("Syntax errors in policy.");
        }

        using (json)
        {
            ValidateRoot(json.RootElement);
        }
    }

    /// <summary>Characters that count against IAM's size quotas: everything but whitespace.</summary>
    public static int CountedSize(string document) => document.Count(c => !char.IsWhiteSpace(c));

    /// <summary>URL-encodes a document as IAM returns it (RFC 3986: only unreserved characters stay as they are).</summary>
    public static string Encode(string document) => Uri.EscapeDataString(document);

    /// <summary>
    /// A document from a get-account-authorization-details snapshot: a JSON object (the CLI decodes documents), a
    /// URL-encoded string (the raw API) or a JSON string. Returns compact JSON text.
    /// </summary>
    public static string FromSnapshot(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return JsonSerializer.Serialize(element, Compact);
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            var text = element.GetString()!;
            return text.TrimStart().StartsWith('{') ? text : Uri.UnescapeDataString(text);
        }

        throw new FormatException($"A policy document must be a JSON object or a string, not {element.ValueKind}.");
    }

    private static void ValidateRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw IamException.MalformedPolicyDocument("Syntax errors in policy.");
        }

        JsonElement? statement = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "Version":
                    if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() is not ("2012-10-17" or "2008-10-17"))
                    {
                        throw IamException.MalformedPolicyDocument("The policy failed legacy parsing");
                    }

                    break;
                case "Id":
                    break;
                case "Statement":
                    statement = property.Value;
                    break;
                default:
                    throw IamException.MalformedPolicyDocument($"Syntax errors in policy. Unknown field {property.Name}");
            }
        }

        if (statement is null)
        {
            throw IamException.MalformedPolicyDocument("Missing required field Statement");
        }

        if (statement.Value.ValueKind == JsonValueKind.Object)
        {
            ValidateStatement(statement.Value);
        }
        else if (statement.Value.ValueKind == JsonValueKind.Array && statement.Value.GetArrayLength() > 0)
        {
            foreach (var item in statement.Value.EnumerateArray())
            {
                ValidateStatement(item);
            }
        }
        else
        {
            throw IamException.MalformedPolicyDocument("Syntax errors in policy.");
        }
    }

    private static void ValidateStatement(JsonElement statement)
    {
        if (statement.ValueKind != JsonValueKind.Object)
        {
            throw IamException.MalformedPolicyDocument("Syntax errors in policy.");
        }

        bool Has(string name) => statement.TryGetProperty(name, out _);

        if (Has("Principal") || Has("NotPrincipal"))
        {
            throw IamException.MalformedPolicyDocument("Policy document should not specify a principal.");
        }

        if (!statement.TryGetProperty("Effect", out var effect))
        {
            throw IamException.MalformedPolicyDocument("Missing required field Effect");
        }

        if (effect.ValueKind != JsonValueKind.String || effect.GetString() is not ("Allow" or "Deny"))
        {
            throw IamException.MalformedPolicyDocument($"Invalid effect: {effect}");
        }

        if (!Has("Action") && !Has("NotAction"))
        {
            throw IamException.MalformedPolicyDocument("Policy statement must contain actions.");
        }

        if (!Has("Resource") && !Has("NotResource"))
        {
            throw IamException.MalformedPolicyDocument("Policy statement must contain resources.");
        }
    }
}
