using System;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace MarketplaceGuard.Aws.Transport;

/// <summary>
/// What AWS's JSON protocols (1.0 and 1.1: Organizations, the Marketplace Agreement API) share: a body that is one
/// JSON object, and replies whose errors are <c>{"__type": "...", "message": "..."}</c> (or <c>Message</c>), the type
/// also in the <c>x-amzn-ErrorType</c> header. A reply that is not a JSON object is a MalformedResponse naming the
/// operation, never an empty success.
/// </summary>
internal static class JsonProtocol
{
    /// <summary>A JSON object whose members <paramref name="writeMembers"/> writes, as UTF-8 bytes.</summary>
    public static byte[] Object(Action<Utf8JsonWriter> writeMembers)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            writeMembers(json);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The reply object of a success; the service's exception (from <paramref name="failure"/>) for an error or an unreadable reply.</summary>
    public static Attempt<JsonElement> Read(string operation, HttpReply reply, FailureFactory failure)
    {
        var requestId = reply.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(reply.Text) ? "{}" : reply.Text);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw failure(operation, reply.StatusCode >= 500 ? "ServiceFailure" : "MalformedResponse", $"the reply is not valid JSON (HTTP {reply.StatusCode})", reply.StatusCode, requestId, e);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw failure(operation, "MalformedResponse", $"the reply is not a JSON object (HTTP {reply.StatusCode})", reply.StatusCode, requestId, null);
        }

        // A success that carries an error's type is an error: read as a reply, its missing lists would be empty ones.
        if (reply.IsSuccess && !root.TryGetProperty("__type", out _))
        {
            return new Attempt<JsonElement>(root, reply.StatusCode, requestId);
        }

        var type = Text(root, "__type") ?? (reply.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault() : null);
        throw failure(
            operation,
            string.IsNullOrWhiteSpace(type) ? $"Http{reply.StatusCode}" : ErrorCode(type),
            Text(root, "Message") ?? Text(root, "message") ?? reply.ReasonPhrase ?? "no message",
            reply.StatusCode,
            requestId,
            null);
    }

    /// <summary>
    /// A JSON protocol timestamp (seconds since 1970, with a fraction) as a time; null for anything else, a number past
    /// the calendar's range included (DateTimeOffset holds the years 1 to 9999).
    /// </summary>
    public static DateTimeOffset? EpochSeconds(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var seconds))
        {
            return null;
        }

        var milliseconds = Math.Round(seconds * 1000m);
        return milliseconds >= MinEpochMilliseconds && milliseconds <= MaxEpochMilliseconds ? DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds) : null;
    }

    private static readonly decimal MinEpochMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly decimal MaxEpochMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>
    /// The error name of a JSON protocol's error type: without the namespace before '#'
    /// ("com.amazonaws.organizations#AccessDeniedException") and without what a header appends after ':'.
    /// </summary>
    public static string ErrorCode(string type)
    {
        var name = type[(type.LastIndexOf('#') + 1)..];
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return (colon < 0 ? name : name[..colon]).Trim();
    }

    public static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
