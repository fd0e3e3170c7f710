using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace MarketplaceGuard.FakeIam.Organizations;

/// <summary>
/// One JSON 1.1 request to Organizations: the operation (from <c>X-Amz-Target</c>) and the body's members, with
/// accessors that raise the errors Organizations gives (InvalidInputException with a Reason; SerializationException
/// for a member of the wrong JSON type), and MaxResults/NextToken paging.
/// </summary>
internal sealed class OrganizationsRequest
{
    public const string TargetPrefix = "AWSOrganizationsV20161128.";
    public const string ContentType = "application/x-amz-json-1.1";

    /// <summary>The most items a page holds (and MaxResults' upper bound).</summary>
    public const int MaxPageSize = 20;

    private static readonly JsonElement EmptyBody = Parse("{}"u8.ToArray());
    private readonly JsonElement body;
    private readonly bool emptyPagesFirst;

    public OrganizationsRequest(string operation, JsonElement body, bool emptyPagesFirst)
    {
        Operation = operation;
        this.body = body;
        this.emptyPagesFirst = emptyPagesFirst;
    }

    public string Operation { get; }

    /// <summary>The operation named by an X-Amz-Target header (the whole header when its prefix is not Organizations').</summary>
    public static string OperationOf(string target) =>
        target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : target;

    /// <summary>The body as a JSON object; an empty body is <c>{}</c>.</summary>
    public static JsonElement ParseBody(RawHttpRequest http)
    {
        var contentType = http.Header("Content-Type") ?? string.Empty;
        if (!contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw OrganizationsException.Serialization($"The Content-Type must be {ContentType}, not '{contentType}'.");
        }

        if (http.Body.Length == 0)
        {
            return EmptyBody;
        }

        try
        {
            var body = Parse(http.Body);
            return body.ValueKind == JsonValueKind.Object ? body : throw OrganizationsException.Serialization("The request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw OrganizationsException.Serialization($"The request body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>The body's members as the request log keeps them: strings as they are, anything else as JSON text.</summary>
    public static IReadOnlyDictionary<string, string> LogParameters(JsonElement body) =>
        body.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);

    /// <summary>A string member, or null when it is absent.</summary>
    public string? Optional(string member)
    {
        if (!body.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw OrganizationsException.Serialization($"{member} must be a string.");
    }

    /// <summary>A list of strings (TagKeys), or null when it is absent.</summary>
    public IReadOnlyList<string>? StringList(string member)
    {
        if (!body.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            throw OrganizationsException.Serialization($"{member} must be a list of strings.");
        }

        return value.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    /// <summary>A list of <c>{"Key", "Value"}</c> tags, or null when it is absent.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Tags(string member)
    {
        if (!body.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw OrganizationsException.Serialization($"{member} must be a list of tags.");
        }

        var tags = new List<KeyValuePair<string, string>>();
        foreach (var tag in value.EnumerateArray())
        {
            if (tag.ValueKind != JsonValueKind.Object
                || !tag.TryGetProperty("Key", out var key) || key.ValueKind != JsonValueKind.String
                || !tag.TryGetProperty("Value", out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw OrganizationsException.Serialization($"Each of {member} must be an object with a string Key and a string Value.");
            }

            tags.Add(new(key.GetString()!, text.GetString()!));
        }

        return tags;
    }

    public string Required(string member) =>
        Optional(member) ?? throw OrganizationsException.InvalidInput("INPUT_REQUIRED", $"You must specify a value for all required parameters. {member} is missing.");

    /// <summary>A required id that must match its pattern; a mismatch is InvalidInputException with <paramref name="reason"/>.</summary>
    public string Id(string member, Func<string, bool> valid, string reason = "INVALID_PATTERN")
    {
        var id = Required(member);
        return valid(id) ? id : throw OrganizationsException.InvalidInput(reason, $"You specified a value for {member} that doesn't match the required pattern.");
    }

    /// <summary>A required member that must be one of <paramref name="allowed"/>.</summary>
    public string Enum(string member, IReadOnlyCollection<string> allowed, string reason = "INVALID_ENUM")
    {
        var value = Required(member);
        return allowed.Contains(value) ? value : throw OrganizationsException.InvalidInput(reason, $"You specified an invalid value for {member}.");
    }

    /// <summary>
    /// One page of <paramref name="items"/>: at most MaxResults (1 to 20, 20 when absent) from where NextToken left
    /// off. A token is valid only for the listing (<paramref name="scope"/>: operation and the ids it lists for) that issued it.
    /// </summary>
    public List<T> Page<T>(IReadOnlyList<T> items, string scope, out string? nextToken)
    {
        var maxResults = MaxResults();
        var token = Optional("NextToken");
        if (token is null && emptyPagesFirst)
        {
            nextToken = Encode(scope, 0);
            return [];
        }

        var offset = token is null ? 0 : Decode(token, scope);
        var page = items.Skip(offset).Take(maxResults).ToList();
        var next = offset + page.Count;
        nextToken = next < items.Count ? Encode(scope, next) : null;
        return page;
    }

    private int MaxResults()
    {
        if (!body.TryGetProperty("MaxResults", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return MaxPageSize;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var max))
        {
            throw OrganizationsException.Serialization("MaxResults must be an integer.");
        }

        return max switch
        {
            < 1 => throw OrganizationsException.InvalidInput("MIN_VALUE_EXCEEDED", "You provided a numeric parameter that has a smaller value than allowed: MaxResults must be at least 1."),
            > MaxPageSize => throw OrganizationsException.InvalidInput("MAX_VALUE_EXCEEDED", $"You provided a numeric parameter that has a larger value than allowed: MaxResults must be at most {MaxPageSize}."),
            _ => max,
        };
    }

    private static JsonElement Parse(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string Encode(string scope, int offset) => PageToken.Encode(scope, offset);

    private static int Decode(string token, string scope) =>
        PageToken.Decode(token, scope) ?? throw OrganizationsException.InvalidInput("INVALID_NEXT_TOKEN",
            "You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.");
}
