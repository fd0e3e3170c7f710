using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Organizations;

/// <summary>
/// The organization snapshot: a folder with <c>organization.json</c> (the tree, the accounts, the SCP documents and
/// their attachments) and <c>accounts/&lt;id&gt;.json</c> (one authorization snapshot per exported account). The format is
/// documented in about_MarketplaceGuardOrganizations. Reading is strict: an unknown member, a missing one or a value of
/// the wrong type is an <see cref="OrganizationSnapshotException"/> naming the file and JSON path, so a damaged or
/// hand-edited file never passes for an organization with fewer restrictions.
/// </summary>
public static class OrganizationSnapshotFile
{
    public const string FileName = "organization.json";
    public const string AccountsFolder = "accounts";
    public const string FormatName = "MarketplaceGuard.OrganizationSnapshot";
    public const int FormatVersion = 1;

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The relative path of an account's authorization snapshot: "accounts/222222222222.json".</summary>
    public static string AccountSnapshotPath(string accountId) => $"{AccountsFolder}/{accountId}.json";

    /// <summary>Reads <c>organization.json</c> of a folder (or the file itself).</summary>
    public static Organization Read(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file))
        {
            throw new OrganizationSnapshotException(file, "$", $"there is no {FileName}: an organization snapshot is a folder written by Export-MarketplaceOrganizationSnapshot");
        }

        JsonDocument document;
        var bytes = File.ReadAllBytes(file);
        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0; // a UTF-8 byte order mark, as Windows editors write
        try
        {
            document = JsonDocument.Parse(bytes.AsMemory(start), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new OrganizationSnapshotException(file, e.Path ?? "$", $"not valid JSON (line {(e.LineNumber ?? 0) + 1}): {e.Message}", e);
        }

        // Every name and string is read as text below: one that is not (bytes that are not UTF-8, an escaped half of a
        // surrogate pair) refuses the file here, rather than failing wherever it is read.
        if (JsonText.FindInvalidString(bytes.AsSpan(start)) is { } invalid)
        {
            document.Dispose();
            throw new OrganizationSnapshotException(file, "$", invalid);
        }

        using (document)
        {
            return new Reader(file).Organization(document.RootElement);
        }
    }

    /// <summary>Writes <c>organization.json</c> into <paramref name="output"/>.</summary>
    public static void Write(Organization organization, Stream output, DateTimeOffset exportedAt)
    {
        using var json = new Utf8JsonWriter(output, WriterOptions);
        json.WriteStartObject();
        json.WriteString("Format", FormatName);
        json.WriteNumber("FormatVersion", FormatVersion);
        json.WriteString("ExportedAt", Reports.ReportText.UtcTimestamp(exportedAt));
        json.WriteStartObject("Organization");
        json.WriteString("Id", organization.Id);
        json.WriteString("Arn", organization.Arn);
        json.WriteString("FeatureSet", organization.FeatureSet);
        json.WriteString("ManagementAccountId", organization.ManagementAccountId);
        json.WriteEndObject();

        json.WriteStartArray("Roots");
        foreach (var root in organization.Roots)
        {
            json.WriteStartObject();
            json.WriteString("Id", root.Id);
            json.WriteString("Arn", root.Arn);
            json.WriteString("Name", root.Name);
            json.WriteStartArray("PolicyTypes");
            if (root.ServiceControlPoliciesEnabled)
            {
                json.WriteStartObject();
                json.WriteString("Type", "SERVICE_CONTROL_POLICY");
                json.WriteString("Status", "ENABLED");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("OrganizationalUnits");
        foreach (var unit in organization.OrganizationalUnits)
        {
            json.WriteStartObject();
            json.WriteString("Id", unit.Id);
            json.WriteString("Arn", unit.Arn);
            json.WriteString("Name", unit.Name);
            json.WriteString("ParentId", unit.ParentId);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("Accounts");
        foreach (var account in organization.Accounts)
        {
            json.WriteStartObject();
            json.WriteString("Id", account.Id);
            json.WriteString("Arn", account.Arn);
            json.WriteString("Name", account.Name);
            json.WriteString("Email", account.Email);
            json.WriteString("State", StateText(account.State));
            json.WriteString("ParentId", account.ParentId);
            if (account.JoinedMethod is not null)
            {
                json.WriteString("JoinedMethod", account.JoinedMethod);
            }

            if (account.JoinedTimestamp is { } joined)
            {
                json.WriteString("JoinedTimestamp", Reports.ReportText.UtcTimestamp(joined));
            }

            if (account.AuthorizationDetails is not null)
            {
                json.WriteString("AuthorizationDetails", account.AuthorizationDetails);
            }

            if (account.NotExported is not null)
            {
                json.WriteString("NotExported", account.NotExported);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("Policies");
        foreach (var policy in organization.Policies)
        {
            json.WriteStartObject();
            json.WriteString("Id", policy.Id);
            json.WriteString("Arn", policy.Arn);
            json.WriteString("Name", policy.Name);
            if (policy.Description is not null)
            {
                json.WriteString("Description", policy.Description);
            }

            json.WriteString("Type", "SERVICE_CONTROL_POLICY");
            json.WriteBoolean("AwsManaged", policy.AwsManaged);
            json.WriteString("Content", policy.Content);
            json.WriteStartArray("Targets");
            foreach (var target in policy.Targets)
            {
                json.WriteStringValue(target);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Organizations' text of a state: ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, PENDING_ACTIVATION.</summary>
    public static string StateText(OrganizationAccountState state) => state switch
    {
        OrganizationAccountState.Active => "ACTIVE",
        OrganizationAccountState.Suspended => "SUSPENDED",
        OrganizationAccountState.PendingClosure => "PENDING_CLOSURE",
        OrganizationAccountState.Closed => "CLOSED",
        _ => "PENDING_ACTIVATION",
    };

    /// <summary>
    /// The state of Organizations' text, from <c>State</c> or the retiring <c>Status</c> (whose REMOVED... values do not
    /// occur for listed accounts); null for a text that is neither.
    /// </summary>
    public static OrganizationAccountState? ParseState(string? text) => text switch
    {
        "ACTIVE" => OrganizationAccountState.Active,
        "SUSPENDED" => OrganizationAccountState.Suspended,
        "PENDING_CLOSURE" => OrganizationAccountState.PendingClosure,
        "CLOSED" => OrganizationAccountState.Closed,
        "PENDING_ACTIVATION" => OrganizationAccountState.PendingActivation,
        _ => null,
    };

    /// <summary>A strict reader of one organization.json.</summary>
    private sealed class Reader
    {
        private readonly string file;

        public Reader(string file)
        {
            this.file = file;
        }

        public Organization Organization(JsonElement root)
        {
            Members(root, "$", ["Format", "FormatVersion", "ExportedAt", "Organization", "Roots", "OrganizationalUnits", "Accounts", "Policies"], ["Format", "FormatVersion", "Organization", "Roots", "OrganizationalUnits", "Accounts", "Policies"]);
            if (String(root, "$", "Format") != FormatName)
            {
                throw Error("$.Format", $"is not \"{FormatName}\": this is not an organization snapshot");
            }

            var formatVersion = root.GetProperty("FormatVersion");
            if (formatVersion.ValueKind != JsonValueKind.Number || !formatVersion.TryGetInt32(out var version) || version != FormatVersion)
            {
                throw Error("$.FormatVersion", $"is {formatVersion.GetRawText()}; this module reads version {FormatVersion}");
            }

            var organization = root.GetProperty("Organization");
            Members(organization, "$.Organization", ["Id", "Arn", "FeatureSet", "ManagementAccountId", "ManagementAccountArn", "ManagementAccountEmail"], ["Id", "FeatureSet", "ManagementAccountId"]);
            var id = String(organization, "$.Organization", "Id");
            var managementAccountId = AccountId(organization, "$.Organization", "ManagementAccountId");

            var roots = Array(root, "Roots").Select((r, i) => Root(r, $"$.Roots[{i}]")).ToList();
            var units = Array(root, "OrganizationalUnits").Select((u, i) => Unit(u, $"$.OrganizationalUnits[{i}]")).ToList();
            var accounts = Array(root, "Accounts").Select((a, i) => Account(a, $"$.Accounts[{i}]")).ToList();
            var policies = Array(root, "Policies").Select((p, i) => Policy(p, $"$.Policies[{i}]")).ToList();
            Unique(roots.Select(r => r.Id).Concat(units.Select(u => u.Id)).Concat(accounts.Select(a => a.Id)), "node id");
            Unique(policies.Select(p => p.Id), "policy id");
            if (!accounts.Any(a => a.Id == managementAccountId))
            {
                // Every other account would be judged as if it were the management account, or the other way round.
                throw Error("$.Organization.ManagementAccountId", $"{managementAccountId} is not one of the organization's accounts ($.Accounts): SCPs apply to every account but that one, so it must be listed");
            }
            return new Organization(id, OptionalString(organization, "$.Organization", "Arn") ?? string.Empty, String(organization, "$.Organization", "FeatureSet"), managementAccountId, roots, units, accounts, policies);
        }

        private OrganizationRoot Root(JsonElement element, string path)
        {
            Members(element, path, ["Id", "Arn", "Name", "PolicyTypes"], ["Id", "Name", "PolicyTypes"]);
            var types = Array(element, "PolicyTypes", path).Select((t, i) =>
            {
                var at = $"{path}.PolicyTypes[{i}]";
                Members(t, at, ["Type", "Status"], ["Type", "Status"]);
                return (Type: String(t, at, "Type"), Status: String(t, at, "Status"));
            }).ToList();
            var scp = types.Any(t => t.Type == "SERVICE_CONTROL_POLICY" && t.Status == "ENABLED");
            return new OrganizationRoot(Id(element, path, "Id", "r-"), OptionalString(element, path, "Arn") ?? string.Empty, String(element, path, "Name"), scp);
        }

        private OrganizationalUnit Unit(JsonElement element, string path)
        {
            Members(element, path, ["Id", "Arn", "Name", "ParentId"], ["Id", "Name", "ParentId"]);
            return new OrganizationalUnit(Id(element, path, "Id", "ou-"), OptionalString(element, path, "Arn") ?? string.Empty, String(element, path, "Name"), String(element, path, "ParentId"));
        }

        private OrganizationAccount Account(JsonElement element, string path)
        {
            Members(element, path, ["Id", "Arn", "Name", "Email", "State", "Status", "ParentId", "JoinedMethod", "JoinedTimestamp", "AuthorizationDetails", "NotExported"], ["Id", "Name", "ParentId"]);
            var stateText = OptionalString(element, path, "State") ?? OptionalString(element, path, "Status");
            var state = ParseState(stateText)
                ?? throw Error(path + ".State", stateText is null ? "is missing" : $"\"{stateText}\" is not an account state (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, PENDING_ACTIVATION)");
            var details = OptionalString(element, path, "AuthorizationDetails");
            if (details is not null && (Path.IsPathRooted(details) || details.Split('/', '\\').Contains("..")))
            {
                throw Error(path + ".AuthorizationDetails", $"\"{details}\" must be a path inside the snapshot folder (like {AccountSnapshotPath("222222222222")})");
            }

            DateTimeOffset? joined = null;
            if (OptionalString(element, path, "JoinedTimestamp") is { } joinedText)
            {
                joined = DateTimeOffset.TryParse(joinedText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : throw Error(path + ".JoinedTimestamp", $"\"{joinedText}\" is not a date and time");
            }

            return new OrganizationAccount(
                AccountId(element, path, "Id"),
                OptionalString(element, path, "Arn") ?? string.Empty,
                String(element, path, "Name"),
                OptionalString(element, path, "Email") ?? string.Empty,
                state,
                String(element, path, "ParentId"),
                OptionalString(element, path, "JoinedMethod"),
                joined,
                details,
                OptionalString(element, path, "NotExported"));
        }

        private ServiceControlPolicy Policy(JsonElement element, string path)
        {
            Members(element, path, ["Id", "Arn", "Name", "Description", "Type", "AwsManaged", "Content", "Targets"], ["Id", "Name", "Content", "Targets"]);
            if (OptionalString(element, path, "Type") is { } type && type != "SERVICE_CONTROL_POLICY")
            {
                throw Error(path + ".Type", $"is \"{type}\"; the snapshot keeps only SERVICE_CONTROL_POLICY");
            }

            var awsManaged = false;
            if (element.TryGetProperty("AwsManaged", out var managed))
            {
                awsManaged = managed.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw Error(path + ".AwsManaged", "must be true or false"),
                };
            }

            var targets = Array(element, "Targets", path).Select((t, i) => t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } s
                ? s
                : throw Error($"{path}.Targets[{i}]", "must be the id of a root, OU or account")).ToList();
            return new ServiceControlPolicy(
                Id(element, path, "Id", "p-"),
                OptionalString(element, path, "Arn") ?? string.Empty,
                String(element, path, "Name"),
                OptionalString(element, path, "Description"),
                awsManaged,
                String(element, path, "Content", allowEmpty: true),
                targets);
        }

        private void Members(JsonElement element, string path, string[] allowed, string[] required)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error(path, $"must be an object, not {JsonText.Describe(element)}");
            }

            foreach (var property in element.EnumerateObject())
            {
                if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                {
                    throw Error($"{path}.{property.Name}", $"is not a member of the organization snapshot format here (expected: {string.Join(", ", allowed)})");
                }
            }

            foreach (var name in required)
            {
                if (!element.TryGetProperty(name, out _))
                {
                    throw Error($"{path}.{name}", "is missing");
                }
            }
        }

        private List<JsonElement> Array(JsonElement parent, string name, string path = "$")
        {
            var value = parent.GetProperty(name);
            return value.ValueKind == JsonValueKind.Array
                ? value.EnumerateArray().ToList()
                : throw Error($"{path}.{name}", $"must be an array, not {JsonText.Describe(value)}");
        }

        private string String(JsonElement parent, string path, string name, bool allowEmpty = false)
        {
            var value = parent.GetProperty(name);
            return value.ValueKind == JsonValueKind.String && (allowEmpty || value.GetString()!.Length > 0)
                ? value.GetString()!
                : throw Error($"{path}.{name}", $"must be a non-empty string, not {JsonText.Describe(value)}");
        }

        private string? OptionalString(JsonElement parent, string path, string name)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Error($"{path}.{name}", $"must be a string, not {JsonText.Describe(value)}");
        }

        private string Id(JsonElement parent, string path, string name, string prefix)
        {
            var id = String(parent, path, name);
            return id.StartsWith(prefix, StringComparison.Ordinal) ? id : throw Error($"{path}.{name}", $"\"{id}\" does not start with {prefix}");
        }

        private string AccountId(JsonElement parent, string path, string name)
        {
            var id = String(parent, path, name);
            return id.Length == 12 && id.All(char.IsAsciiDigit) ? id : throw Error($"{path}.{name}", $"\"{id}\" is not a 12-digit account id");
        }

        private void Unique(IEnumerable<string> ids, string what)
        {
            var duplicate = ids.GroupBy(i => i, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw Error("$", $"the {what} {duplicate.Key} occurs more than once");
            }
        }

        private OrganizationSnapshotException Error(string jsonPath, string problem) => new(file, jsonPath, problem);
    }
}

/// <summary>An organization snapshot that cannot be read: the file, the JSON path and what is wrong.</summary>
public sealed class OrganizationSnapshotException : Exception
{
    public OrganizationSnapshotException(string file, string jsonPath, string problem, Exception? inner = null)
        : base($"{file}: {jsonPath}: {problem}", inner)
    {
        File = file;
        JsonPath = jsonPath;
        Problem = problem;
    }

    public string File { get; }

    public string JsonPath { get; }

    public string Problem { get; }
}
