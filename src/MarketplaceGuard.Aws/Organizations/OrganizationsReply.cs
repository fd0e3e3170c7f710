using System.Text.Json;

namespace MarketplaceGuard.Aws.Organizations;

/// <summary>
/// Reading an Organizations reply: a member that must be there is a <c>MalformedResponse</c> error naming the
/// operation and the member, never a silent default.
/// </summary>
internal static class OrganizationsReply
{
    public static JsonElement Member(JsonElement reply, string operation, string name) =>
        reply.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : throw new OrganizationsException(operation, "MalformedResponse", $"the reply has no {name} object", 200, null, 1);

    public static string Required(JsonElement element, string operation, string name) =>
        Optional(element, name) is { Length: > 0 } text
            ? text
            : throw new OrganizationsException(operation, "MalformedResponse", $"an item of the reply has no {name}", 200, null, 1);

    public static string? Optional(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
