using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>
/// An organization answering Organizations' JSON 1.1 read calls for <see cref="StubAwsHandler"/>: pages of at most
/// MaxResults, each full page followed by an empty one that still carries a NextToken (AWS may do that), and an
/// error for an operation when asked.
/// </summary>
internal sealed class ScriptedOrganization
{
    public const string ManagementAccountId = "111111111111";
    public const string RootId = "r-a1b2";

    public string FeatureSet { get; init; } = "ALL";

    public bool ServiceControlPoliciesEnabled { get; init; } = true;

    public List<(string Id, string Name, string ParentId)> Units { get; } = [];

    /// <summary>Accounts as ListAccountsForParent returns them (Id, Name, State or Status, ...), with their parent.</summary>
    public List<(JsonObject Account, string ParentId)> Accounts { get; } = [];

    public List<(string Id, string Name, string Content, string[] Targets)> Policies { get; } = [];

    /// <summary>Operation → the error type it answers with (HTTP 400).</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public void AddAccount(string id, string name, string parentId, string state = "ACTIVE") =>
        Accounts.Add((new JsonObject { ["Id"] = id, ["Name"] = name, ["Arn"] = $"arn:aws:organizations::{ManagementAccountId}:account/o-a1b2c3d4e5/{id}", ["Email"] = $"{name}@example.com", ["State"] = state, ["Status"] = state == "ACTIVE" ? "ACTIVE" : "SUSPENDED", ["JoinedMethod"] = "CREATED", ["JoinedTimestamp"] = 1.7040672E9 }, parentId));

    public HttpResponseMessage Answer(StubRequest request)
    {
        var operation = request.Target;
        if (Errors.TryGetValue(operation, out var error))
        {
            return StubAwsHandler.JsonError(HttpStatusCode.BadRequest, error, $"{error} for {operation}");
        }

        var input = request.Json;
        string Input(string name) => input.GetProperty(name).GetString()!;
        return operation switch
        {
            "DescribeOrganization" => Reply(new JsonObject
            {
                ["Organization"] = new JsonObject
                {
                    ["Id"] = "o-a1b2c3d4e5",
                    ["Arn"] = $"arn:aws:organizations::{ManagementAccountId}:organization/o-a1b2c3d4e5",
                    ["FeatureSet"] = FeatureSet,
                    ["MasterAccountId"] = ManagementAccountId,
                    ["MasterAccountArn"] = $"arn:aws:organizations::{ManagementAccountId}:account/o-a1b2c3d4e5/{ManagementAccountId}",
                    ["MasterAccountEmail"] = "root@example.com",
                },
            }),
            "ListRoots" => Page(input, "Roots", [new JsonObject
            {
                ["Id"] = RootId,
                ["Arn"] = $"arn:aws:organizations::{ManagementAccountId}:root/o-a1b2c3d4e5/{RootId}",
                ["Name"] = "Root",
                ["PolicyTypes"] = ServiceControlPoliciesEnabled ? new JsonArray(new JsonObject { ["Type"] = "SERVICE_CONTROL_POLICY", ["Status"] = "ENABLED" }) : new JsonArray(),
            }]),
            "ListOrganizationalUnitsForParent" => Page(input, "OrganizationalUnits", Units.Where(u => u.ParentId == Input("ParentId"))
                .Select(u => (JsonNode)new JsonObject { ["Id"] = u.Id, ["Name"] = u.Name, ["Arn"] = $"arn:aws:organizations::{ManagementAccountId}:ou/o-a1b2c3d4e5/{u.Id}" }).ToList()),
            "ListAccountsForParent" => Page(input, "Accounts", Accounts.Where(a => a.ParentId == Input("ParentId")).Select(a => a.Account.DeepClone()).ToList()),
            "ListPolicies" when Input("Filter") == "SERVICE_CONTROL_POLICY" => Page(input, "Policies", Policies
                .Select(p => (JsonNode)new JsonObject { ["Id"] = p.Id, ["Name"] = p.Name, ["Arn"] = $"arn:aws:organizations::aws:policy/service_control_policy/{p.Id}", ["Type"] = "SERVICE_CONTROL_POLICY", ["AwsManaged"] = p.Id == "p-FullAWSAccess" }).ToList()),
            "DescribePolicy" => Reply(new JsonObject
            {
                ["Policy"] = new JsonObject
                {
                    ["PolicySummary"] = new JsonObject { ["Id"] = Input("PolicyId") },
                    ["Content"] = Policies.Single(p => p.Id == Input("PolicyId")).Content,
                },
            }),
            "ListTargetsForPolicy" => Page(input, "Targets", Policies.Single(p => p.Id == Input("PolicyId")).Targets
                .Select(t => (JsonNode)new JsonObject { ["TargetId"] = t, ["Type"] = t.StartsWith("r-", StringComparison.Ordinal) ? "ROOT" : t.StartsWith("ou-", StringComparison.Ordinal) ? "ORGANIZATIONAL_UNIT" : "ACCOUNT" }).ToList()),
            _ => StubAwsHandler.JsonError(HttpStatusCode.BadRequest, "InvalidInputException", $"the script does not answer {operation}"),
        };
    }

    private static HttpResponseMessage Reply(JsonObject body) => StubAwsHandler.Json(HttpStatusCode.OK, body.ToJsonString());

    // Token "e<n>": the empty page before the one starting at item n; "<n>": the page starting at item n.
    private static HttpResponseMessage Page(JsonElement input, string member, List<JsonNode> items)
    {
        var size = input.GetProperty("MaxResults").GetInt32();
        var token = input.TryGetProperty("NextToken", out var t) ? t.GetString()! : "0";
        if (token.StartsWith('e'))
        {
            return Reply(new JsonObject { [member] = new JsonArray(), ["NextToken"] = token[1..] });
        }

        var offset = int.Parse(token, System.Globalization.CultureInfo.InvariantCulture);
        var page = new JsonObject { [member] = new JsonArray(items.Skip(offset).Take(size).Select(i => i.DeepClone()).ToArray()) };
        if (offset + size < items.Count)
        {
            page["NextToken"] = "e" + (offset + size).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Reply(page);
    }
}
