using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace MarketplaceGuard.FakeIam.Organizations;

/// <summary>
/// Reads an organization snapshot folder: <c>organization.json</c> (Format MarketplaceGuard.OrganizationSnapshot,
/// FormatVersion 1) and, for every account whose <c>AuthorizationDetails</c> names a file, that account's
/// get-account-authorization-details JSON as its IAM state. Unknown members, wrong shapes, bad ids and references to
/// roots, OUs or accounts the file does not hold are errors naming their JSON path.
/// </summary>
internal static class OrganizationSnapshotLoader
{
    public const string FileName = "organization.json";
    private const string Format = "MarketplaceGuard.OrganizationSnapshot";
    private static readonly string[] States = { "PENDING_ACTIVATION", "ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED" };

    public static FakeOrganization Load(string folder)
    {
        var file = Path.Combine(folder, FileName);
        using var document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = new JsonPathNode(document.RootElement, "$");
        root.Only("Format", "FormatVersion", "ExportedAt", "Organization", "Roots", "OrganizationalUnits", "Accounts", "Policies");
        if (root.String("Format") != Format)
        {
            throw root.Error($"Format must be {Format}");
        }

        if (root.Int("FormatVersion") != 1)
        {
            throw root.Error("FormatVersion must be 1");
        }

        var organization = LoadOrganization(root.Member("Organization") ?? throw root.Error("needs Organization"));
        foreach (var item in root.Items("Roots"))
        {
            item.Only("Id", "Arn", "Name", "PolicyTypes");
            var added = Add(item, () => organization.AddRoot(item.RequiredString("Id"), item.String("Name") ?? "Root", serviceControlPoliciesEnabled: false, item.String("Arn")));
            foreach (var type in item.Items("PolicyTypes"))
            {
                type.Only("Type", "Status");
                added.PolicyTypes.Add(new FakeOrgPolicyType(type.RequiredString("Type"), type.RequiredString("Status")));
            }
        }

        LoadUnits(organization, root.Items("OrganizationalUnits").ToList());
        foreach (var item in root.Items("Accounts"))
        {
            LoadAccount(organization, item, folder);
        }

        foreach (var item in root.Items("Policies"))
        {
            item.Only("Id", "Arn", "Name", "Description", "Type", "AwsManaged", "Content", "Targets");
            var policy = Add(item, () => organization.AddPolicy(item.RequiredString("Name"), item.RequiredString("Content"), item.RequiredString("Id"),
                item.String("Description"), item.Bool("AwsManaged") ?? false, item.String("Type") ?? FakeOrganization.ServiceControlPolicy, item.String("Arn")));
            foreach (var (target, i) in item.Strings("Targets").Select((t, i) => (t, i)))
            {
                Add(item, () => organization.AttachPolicy(policy.Id, target), $".Targets[{i}]");
            }
        }

        return organization;
    }

    private static FakeOrganization LoadOrganization(JsonPathNode item)
    {
        item.Only("Id", "Arn", "FeatureSet", "ManagementAccountId", "ManagementAccountArn", "ManagementAccountEmail");
        var organization = Add(item, () => new FakeOrganization(item.RequiredString("ManagementAccountId"), item.RequiredString("Id"), item.String("ManagementAccountEmail"), item.String("FeatureSet") ?? "ALL"));
        organization.Arn = item.String("Arn") ?? organization.Arn;
        organization.ManagementAccountArn = item.String("ManagementAccountArn") ?? organization.ManagementAccountArn;
        return organization;
    }

    /// <summary>OUs in any order: each pass adds those whose parent exists; what is left refers to a parent the file lacks.</summary>
    private static void LoadUnits(FakeOrganization organization, List<JsonPathNode> items)
    {
        foreach (var item in items)
        {
            item.Only("Id", "Arn", "Name", "ParentId");
        }

        var pending = items;
        while (pending.Count > 0)
        {
            var ready = pending.Where(i => organization.HasParent(i.RequiredString("ParentId"))).ToList();
            if (ready.Count == 0)
            {
                throw pending[0].Error($"ParentId {pending[0].RequiredString("ParentId")} is neither a root nor an OU of the file");
            }

            foreach (var item in ready)
            {
                Add(item, () => organization.AddOrganizationalUnit(item.RequiredString("Name"), item.RequiredString("ParentId"), item.RequiredString("Id"), item.String("Arn")));
            }

            pending = pending.Except(ready).ToList();
        }
    }

    private static void LoadAccount(FakeOrganization organization, JsonPathNode item, string folder)
    {
        item.Only("Id", "Arn", "Name", "Email", "State", "ParentId", "JoinedMethod", "JoinedTimestamp", "AuthorizationDetails", "NotExported");
        var id = item.RequiredString("Id");
        FakeIamAccount? iam = null;
        if (item.String("AuthorizationDetails") is { } relative)
        {
            var path = Path.Combine(folder, relative.Replace('/', Path.DirectorySeparatorChar));
            try
            {
                iam = FakeIamAccount.LoadAuthorizationDetailsFile(path, id);
            }
            catch (Exception e) when (e is IOException or JsonException or InvalidDataException or IamException or UnauthorizedAccessException)
            {
                throw new FormatException($"{item.Path}.AuthorizationDetails: cannot load {relative}: {e.Message}", e);
            }
        }

        var account = Add(item, () => organization.AddAccount(id, item.RequiredString("Name"), item.RequiredString("ParentId"), item.RequiredString("Email"), iam, item.String("Arn")));
        account.State = item.String("State") ?? "ACTIVE";
        if (!States.Contains(account.State))
        {
            throw item.Error($"State must be one of {string.Join(", ", States)}");
        }

        account.JoinedMethod = item.String("JoinedMethod") ?? "CREATED";
        if (item.String("JoinedTimestamp") is { } joined)
        {
            account.JoinedTimestamp = DateTimeOffset.TryParse(joined, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
                ? date.ToUniversalTime()
                : throw item.Error("JoinedTimestamp must be an ISO 8601 date");
        }

        account.NotExported = item.String("NotExported");
    }

    /// <summary>Runs a builder call; its refusal becomes an error naming the JSON path.</summary>
    private static T Add<T>(JsonPathNode item, Func<T> add, string suffix = "")
    {
        try
        {
            return add();
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{item.Path}{suffix}: {ArgumentExceptionText.Plain(e)}", e);
        }
    }

    private static void Add(JsonPathNode item, Action add, string suffix) => Add(item, () =>
    {
        add();
        return true;
    }, suffix);
}
