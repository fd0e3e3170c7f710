using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MarketplaceGuard.FakeIam.Organizations;

/// <summary>
/// Writes Organizations' JSON 1.1 replies and errors: member names as in the API model, absent members left out,
/// timestamps as epoch seconds (a JSON number).
/// </summary>
internal static class OrganizationsJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A reply object whose members <paramref name="writeMembers"/> writes.</summary>
    public static string Object(Action<Utf8JsonWriter> writeMembers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            writeMembers(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary><c>{"__type": code, "Message": ..., "Reason"?: ..., "Type"?: ...}</c>; TooManyRequestsException carries a Type.</summary>
    public static string Error(string code, string message, string? reason) => Object(json =>
    {
        json.WriteString("__type", code);
        json.WriteString("Message", message);
        if (reason is not null)
        {
            json.WriteString("Reason", reason);
        }

        if (code == "TooManyRequestsException")
        {
            json.WriteString("Type", "Throttling");
        }
    });

    public static void List<T>(Utf8JsonWriter json, string name, IEnumerable<T> items, Action<T> writeMembers)
    {
        json.WriteStartArray(name);
        foreach (var item in items)
        {
            json.WriteStartObject();
            writeMembers(item);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    public static void NextToken(Utf8JsonWriter json, string? nextToken)
    {
        if (nextToken is not null)
        {
            json.WriteString("NextToken", nextToken);
        }
    }

    public static void Timestamp(Utf8JsonWriter json, string name, DateTimeOffset value) =>
        json.WriteNumber(name, value.ToUnixTimeMilliseconds() / 1000m);

    public static void OptionalString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    // ---- shapes ----

    public static void PolicyTypes(Utf8JsonWriter json, string name, IEnumerable<FakeOrgPolicyType> types) =>
        List(json, name, types, t =>
        {
            json.WriteString("Type", t.Type);
            json.WriteString("Status", t.Status);
        });

    public static void Root(Utf8JsonWriter json, FakeOrgRoot root)
    {
        json.WriteString("Id", root.Id);
        json.WriteString("Arn", root.Arn);
        json.WriteString("Name", root.Name);
        PolicyTypes(json, "PolicyTypes", root.PolicyTypes);
    }

    public static void OrganizationalUnit(Utf8JsonWriter json, FakeOrgUnit unit)
    {
        json.WriteString("Id", unit.Id);
        json.WriteString("Arn", unit.Arn);
        json.WriteString("Name", unit.Name);
    }

    /// <summary>Account (and DelegatedAdministrator's common members): Id, Arn, Email, Name, Status, State, JoinedMethod, JoinedTimestamp.</summary>
    public static void Account(Utf8JsonWriter json, FakeOrgAccount account)
    {
        json.WriteString("Id", account.Id);
        json.WriteString("Arn", account.Arn);
        json.WriteString("Email", account.Email);
        json.WriteString("Name", account.Name);
        OptionalString(json, "Status", account.Status);
        json.WriteString("State", account.State);
        json.WriteString("JoinedMethod", account.JoinedMethod);
        Timestamp(json, "JoinedTimestamp", account.JoinedTimestamp);
    }

    public static void PolicySummary(Utf8JsonWriter json, FakeOrgPolicy policy)
    {
        json.WriteString("Id", policy.Id);
        json.WriteString("Arn", policy.Arn);
        json.WriteString("Name", policy.Name);
        OptionalString(json, "Description", policy.Description);
        json.WriteString("Type", policy.Type);
        json.WriteBoolean("AwsManaged", policy.AwsManaged);
    }
}
