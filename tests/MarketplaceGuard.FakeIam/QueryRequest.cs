using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MarketplaceGuard.FakeIam;

/// <summary>The credential a request was signed with, read from its SigV4 Authorization header (never the signature).</summary>
public sealed record SigV4Credential(string AccessKeyId, string? Date, string? Region, string? Service)
{
    public const string Scheme = "AWS4-HMAC-SHA256 Credential=";

    /// <summary>Reads "AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/iam/aws4_request, SignedHeaders=..., Signature=...".</summary>
    public static SigV4Credential? Parse(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return null;
        }

        var scope = authorization[Scheme.Length..].Split(',')[0].Trim().Split('/');
        if (scope[0].Length == 0)
        {
            return null;
        }

        string? Part(int i) => scope.Length > i && scope[i].Length > 0 ? scope[i] : null;
        return new SigV4Credential(scope[0], Part(1), Part(2), Part(3));
    }
}

/// <summary>
/// The parameters of a Query protocol request (Action, Version and the operation's members) with the accessors the
/// operations need: required values, <c>Name.member.N</c> lists, <c>Tags.member.N.Key/Value</c>, booleans and paging.
/// Missing or out-of-range values raise ValidationError as IAM's front end does.
/// </summary>
internal sealed class QueryRequest
{
    public QueryRequest(IReadOnlyDictionary<string, string> parameters)
    {
        Parameters = parameters;
    }

    public IReadOnlyDictionary<string, string> Parameters { get; }

    public string? Action => Get("Action");

    public string? Version => Get("Version");

    public string? Marker => Get("Marker");

    /// <summary>Parameters from a query string and, for a form POST, the body (body values win).</summary>
    public static QueryRequest FromHttp(RawHttpRequest http)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        AddForm(parameters, http.QueryString);
        var contentType = http.Header("Content-Type") ?? string.Empty;
        if (http.Method == "POST" && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            AddForm(parameters, Encoding.UTF8.GetString(http.Body));
        }

        return new QueryRequest(parameters);
    }

    public string? Get(string name) => Parameters.TryGetValue(name, out var value) ? value : null;

    public string Required(string name) =>
        Get(name) ?? throw IamException.Validation(name, null, "Member must not be null");

    /// <summary><c>Name.member.1</c>, <c>Name.member.2</c> ... in index order; an empty list may be sent as <c>Name=</c>.</summary>
    public IReadOnlyList<string> List(string name)
    {
        var prefix = name + ".member.";
        return Parameters
            .Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(p.Key[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .OrderBy(p => int.Parse(p.Key[prefix.Length..], CultureInfo.InvariantCulture))
            .Select(p => p.Value)
            .ToList();
    }

    /// <summary><c>Tags.member.N.Key</c> and <c>Tags.member.N.Value</c>.</summary>
    public IReadOnlyList<FakeTag> Tags(string name = "Tags")
    {
        var tags = new List<FakeTag>();
        for (var i = 1; Get($"{name}.member.{i}.Key") is { } key; i++)
        {
            tags.Add(new FakeTag(key, Get($"{name}.member.{i}.Value") ?? string.Empty));
        }

        return tags;
    }

    public bool Bool(string name)
    {
        var value = Get(name);
        if (value is null)
        {
            return false;
        }

        return bool.TryParse(value, out var result)
            ? result
            : throw IamException.Validation(name, value, "Member must be true or false");
    }

    /// <summary>MaxItems: 1 to 1000, 100 when absent.</summary>
    public int MaxItems()
    {
        var text = Get("MaxItems");
        if (text is null)
        {
            return 100;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw IamException.Validation("MaxItems", text, "Member must be an integer");
        }

        return value switch
        {
            < 1 => throw IamException.Validation("MaxItems", text, "Member must have value greater than or equal to 1"),
            > 1000 => throw IamException.Validation("MaxItems", text, "Member must have value less than or equal to 1000"),
            _ => value,
        };
    }

    /// <summary>A value that must be one of an enumeration (Scope, Filter, EntityFilter ...).</summary>
    public string? OneOf(string name, params string[] allowed)
    {
        var value = Get(name);
        if (value is not null && !allowed.Contains(value))
        {
            throw IamException.Validation(name, value, $"Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
        }

        return value;
    }

    private static void AddForm(Dictionary<string, string> parameters, string form)
    {
        foreach (var pair in form.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            parameters[name] = equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
        }
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
