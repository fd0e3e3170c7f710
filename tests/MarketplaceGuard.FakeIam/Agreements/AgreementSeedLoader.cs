using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace MarketplaceGuard.FakeIam.Agreements;

/// <summary>
/// Reads an agreement seed file (format in the README): agreements with their acceptor account, and the accounts
/// denied the Agreement API. Unknown members and wrong shapes are errors naming their JSON path.
/// </summary>
internal static class AgreementSeedLoader
{
    public static void Load(FakeAgreementService service, string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = new JsonPathNode(document.RootElement, "$");
        root.Only("agreements", "deny");
        var agreements = root.Items("agreements").Select(item =>
        {
            item.Only("agreementId", "acceptorAccountId", "proposerAccountId", "agreementType", "status", "resources", "offerId", "offerSetId",
                "acceptanceTime", "startTime", "endTime", "licenseArns");
            var agreement = new FakeAgreement(item.RequiredString("agreementId"), item.RequiredString("acceptorAccountId"))
            {
                Resources = item.Items("resources").Select(r =>
                {
                    r.Only("id", "type");
                    return (r.RequiredString("id"), r.RequiredString("type"));
                }).ToList(),
                OfferId = item.String("offerId"),
                OfferSetId = item.String("offerSetId"),
                AcceptanceTime = Time(item, "acceptanceTime"),
                StartTime = Time(item, "startTime"),
                EndTime = Time(item, "endTime"),
                LicenseArns = item.Strings("licenseArns").ToList(),
            };
            return agreement with
            {
                ProposerAccountId = item.String("proposerAccountId") ?? agreement.ProposerAccountId,
                AgreementType = item.String("agreementType") ?? agreement.AgreementType,
                Status = item.String("status") ?? agreement.Status,
            };
        }).ToArray();
        service.Add(agreements);
        foreach (var account in root.Strings("deny"))
        {
            service.Deny(account);
        }
    }

    private static DateTimeOffset? Time(JsonPathNode item, string name)
    {
        var text = item.String(name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new FormatException($"{item.Path}.{name}: '{text}' is not a date and time (ISO 8601)");
    }
}
