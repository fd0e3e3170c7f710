using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using MarketplaceGuard.Aws.Transport;
using MarketplaceGuard.Engine.Procurement;

namespace MarketplaceGuard.Aws.Agreements;

/// <summary>
/// Reading SearchAgreements' reply (AgreementViewSummary, model marketplace-agreement 2020-03-01) into
/// <see cref="Agreement"/>s. Timestamps are epoch seconds (JSON numbers, maybe with a fraction). Members of the wrong
/// JSON type and agreements without an id are a MalformedResponse naming the account and the operation: a garbled
/// reply is never read as fewer agreements. An absent or null agreementViewSummaries is an empty page (JSON protocol
/// services leave empty lists out).
/// </summary>
internal static class AgreementReply
{
    public static IEnumerable<Agreement> Summaries(JsonElement page, string accountId)
    {
        if (!page.TryGetProperty("agreementViewSummaries", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Malformed(accountId, "agreementViewSummaries is not a list");
        }

        return list.EnumerateArray().Select((item, i) => Summary(item, i, accountId)).ToList();
    }

    public static AgreementException Malformed(string accountId, string why) =>
        new(accountId, AgreementClient.SearchAgreements, "MalformedResponse", why, 200, null, 1);

    private static Agreement Summary(JsonElement item, int index, string accountId)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(accountId, $"agreementViewSummaries[{index}] is not an object");
        }

        string? Text(JsonElement element, string name, string path) =>
            !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
            : value.ValueKind == JsonValueKind.String ? value.GetString()
            : throw Malformed(accountId, $"agreementViewSummaries[{index}].{path} is not a string");

        JsonElement? Member(JsonElement element, string name, JsonValueKind kind, string path) =>
            !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
            : value.ValueKind == kind ? value
            : throw Malformed(accountId, $"agreementViewSummaries[{index}].{path} is not {(kind == JsonValueKind.Array ? "a list" : "an object")}");

        DateTimeOffset? Time(string name) =>
            !item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
            : JsonProtocol.EpochSeconds(value) ?? throw Malformed(accountId, $"agreementViewSummaries[{index}].{name} is not a time in epoch seconds");

        var id = Text(item, "agreementId", "agreementId");
        if (string.IsNullOrWhiteSpace(id))
        {
            throw Malformed(accountId, $"agreementViewSummaries[{index}] has no agreementId");
        }

        var proposal = Member(item, "proposalSummary", JsonValueKind.Object, "proposalSummary");
        var resources = new List<AgreementResource>();
        if (proposal is { } summary && Member(summary, "resources", JsonValueKind.Array, "proposalSummary.resources") is { } list)
        {
            foreach (var (resource, i) in list.EnumerateArray().Select((r, i) => (r, i)))
            {
                var path = $"proposalSummary.resources[{i}]";
                var resourceId = resource.ValueKind == JsonValueKind.Object ? Text(resource, "id", path + ".id") : throw Malformed(accountId, $"agreementViewSummaries[{index}].{path} is not an object");
                resources.Add(new AgreementResource(
                    string.IsNullOrWhiteSpace(resourceId) ? throw Malformed(accountId, $"agreementViewSummaries[{index}].{path} has no id") : resourceId,
                    Text(resource, "type", path + ".type")));
            }
        }

        var licenses = new List<string>();
        if (Member(item, "entitlements", JsonValueKind.Array, "entitlements") is { } entitlements)
        {
            foreach (var (entitlement, i) in entitlements.EnumerateArray().Select((e, i) => (e, i)))
            {
                var arn = entitlement.ValueKind == JsonValueKind.Object ? Text(entitlement, "licenseArn", $"entitlements[{i}].licenseArn") : throw Malformed(accountId, $"agreementViewSummaries[{index}].entitlements[{i}] is not an object");
                if (!string.IsNullOrEmpty(arn))
                {
                    licenses.Add(arn);
                }
            }
        }

        string? PartyAccount(string party) => Member(item, party, JsonValueKind.Object, party) is { } value ? Text(value, "accountId", party + ".accountId") : null;

        return new Agreement(id, accountId)
        {
            AgreementType = Text(item, "agreementType", "agreementType"),
            Status = Text(item, "status", "status"),
            AcceptorAccountId = PartyAccount("acceptor"),
            ProposerAccountId = PartyAccount("proposer"),
            Resources = resources,
            ProductId = resources.Count > 0 ? resources[0].Id : null,
            ResourceType = resources.Count > 0 ? resources[0].Type : null,
            OfferId = proposal is { } p ? Text(p, "offerId", "proposalSummary.offerId") : null,
            OfferSetId = proposal is { } q ? Text(q, "offerSetId", "proposalSummary.offerSetId") : null,
            AcceptanceTime = Time("acceptanceTime"),
            StartTime = Time("startTime"),
            EndTime = Time("endTime"),
            LicenseArns = licenses,
        };
    }
}
