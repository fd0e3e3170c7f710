using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Engine.Accounts;

namespace MarketplaceGuard.Aws.Snapshots;

/// <summary>
/// Reads an account with GetAccountAuthorizationDetails (MaxItems 1000, every page) and writes the JSON that
/// `aws iam get-account-authorization-details` writes: one object whose four lists merge all pages, policy documents
/// decoded into JSON objects. The offline loader reads either, so a live audit and an audit of an exported file
/// see exactly the same account.
/// </summary>
public static class AuthorizationDetailsExporter
{
    private static readonly string[] Lists = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"];

    private static readonly HashSet<string> NestedLists = new(StringComparer.Ordinal)
    {
        "UserPolicyList", "GroupPolicyList", "RolePolicyList", "GroupList", "AttachedManagedPolicies", "Tags",
        "InstanceProfileList", "Roles", "PolicyVersionList",
    };

    private static readonly HashSet<string> Documents = new(StringComparer.Ordinal) { "PolicyDocument", "AssumeRolePolicyDocument", "Document" };
    private static readonly HashSet<string> Booleans = new(StringComparer.Ordinal) { "IsDefaultVersion", "IsAttachable" };
    private static readonly HashSet<string> Numbers = new(StringComparer.Ordinal) { "AttachmentCount", "PermissionsBoundaryUsageCount", "MaxSessionDuration" };

    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The principals only (users, groups, roles with their attachments and memberships), without policy documents.</summary>
    public static readonly IReadOnlyList<string> PrincipalsOnly = ["User", "Group", "Role"];

    /// <summary>
    /// Reads the account into memory and loads it as a snapshot named after the account; with
    /// <paramref name="entityFilter"/> (IAM's Filter values, e.g. <see cref="PrincipalsOnly"/>) only those entities.
    /// </summary>
    public static async Task<AuthorizationSnapshot> ReadAsync(IamClient client, string accountId, IReadOnlyList<string>? entityFilter, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        await ExportAsync(client, buffer, cancellation, entityFilter).ConfigureAwait(false);
        buffer.Position = 0;
        return SnapshotLoader.Load(buffer, $"account {accountId} (live, {client.Endpoint.Url})", isFile: false);
    }

    /// <summary>Writes the account to <paramref name="output"/>; returns the number of entities (users, groups, roles, policies).</summary>
    public static async Task<int> ExportAsync(IamClient client, Stream output, CancellationToken cancellation, IReadOnlyList<string>? entityFilter = null)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("MaxItems", "1000") };
        parameters.AddRange((entityFilter ?? []).Select((filter, i) => new KeyValuePair<string, string>($"Filter.member.{i + 1}", filter)));
        var buffers = Lists.ToDictionary(l => l, _ => new MemoryStream(), StringComparer.Ordinal);
        var writers = buffers.ToDictionary(b => b.Key, b => new Utf8JsonWriter(b.Value, Options), StringComparer.Ordinal);
        var entities = 0;
        try
        {
            foreach (var writer in writers.Values)
            {
                writer.WriteStartArray();
            }

            await foreach (var page in client.PagesAsync("GetAccountAuthorizationDetails", parameters, cancellation).ConfigureAwait(false))
            {
                foreach (var list in Lists)
                {
                    if (IamClient.Child(page, list) is not { } element)
                    {
                        continue;
                    }

                    foreach (var member in element.Elements().Where(e => e.Name.LocalName == "member"))
                    {
                        WriteObject(writers[list], member);
                        entities++;
                    }
                }
            }

            using var final = new Utf8JsonWriter(output, Options);
            final.WriteStartObject();
            foreach (var list in Lists)
            {
                writers[list].WriteEndArray();
                writers[list].Flush();
                final.WritePropertyName(list);
                final.WriteRawValue(buffers[list].ToArray(), skipInputValidation: true);
            }

            final.WriteBoolean("IsTruncated", false);
            final.WriteEndObject();
            await final.FlushAsync(cancellation).ConfigureAwait(false);
            return entities;
        }
        finally
        {
            foreach (var writer in writers.Values)
            {
                writer.Dispose();
            }

            foreach (var buffer in buffers.Values)
            {
                buffer.Dispose();
            }
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, XElement element)
    {
        writer.WriteStartObject();
        foreach (var child in element.Elements())
        {
            var name = child.Name.LocalName;
            writer.WritePropertyName(name);
            if (NestedLists.Contains(name))
            {
                writer.WriteStartArray();
                foreach (var member in child.Elements().Where(e => e.Name.LocalName == "member"))
                {
                    if (member.HasElements)
                    {
                        WriteObject(writer, member);
                    }
                    else
                    {
                        writer.WriteStringValue(member.Value);
                    }
                }

                writer.WriteEndArray();
            }
            else if (Documents.Contains(name))
            {
                WriteDocument(writer, child.Value);
            }
            else if (Booleans.Contains(name))
            {
                writer.WriteBooleanValue(string.Equals(child.Value.Trim(), "true", StringComparison.OrdinalIgnoreCase));
            }
            else if (Numbers.Contains(name) && long.TryParse(child.Value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                writer.WriteNumberValue(number);
            }
            else if (child.HasElements)
            {
                WriteObject(writer, child);
            }
            else
            {
                writer.WriteStringValue(child.Value);
            }
        }

        writer.WriteEndObject();
    }

    // IAM returns documents URL-encoded; the CLI prints them as JSON objects. A document that is not valid JSON is
    // kept as text, so the audit reports it instead of this export failing.
    private static void WriteDocument(Utf8JsonWriter writer, string encoded)
    {
        var text = Uri.UnescapeDataString(encoded.Trim());
        try
        {
            using var document = JsonDocument.Parse(text);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(encoded);
        }
    }
}
