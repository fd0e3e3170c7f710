using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MarketplaceGuard.FakeIam.Agreements;

/// <summary>
/// The Marketplace Agreement API in JSON 1.0 (<c>X-Amz-Target: AWSMPCommerceService_v20200301.&lt;Operation&gt;</c>):
/// SearchAgreements, checked as the model (marketplace-agreement 2020-03-01) states it: catalog AWSMarketplace,
/// 1–10 filters of one value each with the names and values the model lists, PartyType required, the filter
/// combinations its documentation allows for the party type, sort by EndTime only, maxResults 1–50 and a nextToken
/// valid only for the search that issued it. Anything else is a ValidationException with the model's reason.
/// </summary>
internal sealed partial class AgreementOperations
{
    public const string TargetPrefix = "AWSMPCommerceService_v20200301.";
    public const string ContentType = "application/x-amz-json-1.0";
    public const int MaxPageSize = 50;

    private static readonly string[] FilterNames =
        ["ResourceIdentifier", "ResourceType", "PartyType", "AcceptorAccountId", "OfferId", "OfferSetId", "Status", "BeforeEndTime", "AfterEndTime", "AgreementType"];

    private static readonly string[] Statuses = ["ACTIVE", "ARCHIVED", "CANCELLED", "EXPIRED", "RENEWED", "REPLACED", "ROLLED_BACK", "SUPERSEDED", "TERMINATED"];
    private static readonly string[] ResourceTypes = ["AmiProduct", "ContainerProduct", "SaaSProduct", "ProfessionalServicesProduct", "MachineLearningProduct"];
    private static readonly string[] AgreementTypes = ["PurchaseAgreement", "VendorInsightsAgreement"];

    // The combinations the SearchAgreements documentation lists, without AgreementType (in every one) and EndTime
    // (BeforeEndTime/AfterEndTime, allowed with every one).
    private static readonly string[][] AcceptorCombinations =
    [
        [], ["Status"], ["ResourceIdentifier"], ["ResourceIdentifier", "Status"], ["ResourceType"],
        ["OfferId"], ["OfferId", "Status"], ["OfferSetId"], ["OfferSetId", "Status"],
    ];

    private static readonly string[][] ProposerCombinations =
    [
        [], ["ResourceType"], ["ResourceType", "Status"], ["ResourceIdentifier"], ["ResourceIdentifier", "Status"],
        ["AcceptorAccountId"], ["AcceptorAccountId", "Status"], ["AcceptorAccountId", "OfferId"], ["AcceptorAccountId", "OfferId", "Status"],
        ["AcceptorAccountId", "ResourceIdentifier"], ["AcceptorAccountId", "ResourceIdentifier", "Status"],
        ["AcceptorAccountId", "ResourceType"], ["AcceptorAccountId", "ResourceType", "Status"],
        ["Status"], ["OfferId"], ["OfferId", "Status"], ["OfferSetId"], ["OfferSetId", "Status"],
    ];

    private readonly FakeAgreementService service;

    public AgreementOperations(FakeAgreementService service) => this.service = service;

    /// <summary>The operation an X-Amz-Target names, or null when the target is not the Agreement API's.</summary>
    public static string? OperationOf(string target) =>
        target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : null;

    /// <summary>Runs <paramref name="operation"/> for <paramref name="caller"/>; returns the reply or throws <see cref="AgreementException"/>.</summary>
    public string Execute(string operation, JsonElement body, CallerIdentity caller)
    {
        if (operation != "SearchAgreements")
        {
            throw new AgreementException("UnknownOperationException", $"The fake Agreement endpoint does not serve {operation}.");
        }

        if (service.IsDenied(caller.AccountId))
        {
            throw AgreementException.AccessDenied(caller.Arn, operation);
        }

        return SearchAgreements(body, caller.AccountId);
    }

    /// <summary>The request body as a JSON object; an empty body is <c>{}</c>. Another Content-Type or bad JSON is a SerializationException.</summary>
    public static JsonElement ParseBody(RawHttpRequest http)
    {
        var contentType = http.Header("Content-Type") ?? string.Empty;
        if (!contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new AgreementException("SerializationException", $"The Content-Type must be {ContentType}, not '{contentType}'.");
        }

        try
        {
            using var document = JsonDocument.Parse(http.Body.Length == 0 ? "{}"u8.ToArray() : http.Body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new AgreementException("SerializationException", "The request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new AgreementException("SerializationException", $"The request body is not valid JSON: {e.Message}");
        }
    }

    /// <summary><c>{"__type": code, "message": ..., "reason"?: ...}</c>.</summary>
    public static string Error(string code, string message, string? reason) => Write(json =>
    {
        json.WriteString("__type", code);
        json.WriteString("message", message);
        if (reason is not null)
        {
            json.WriteString("reason", reason);
        }
    });

    private string SearchAgreements(JsonElement body, string callerAccountId)
    {
        var catalog = OptionalString(body, "catalog");
        if (catalog is not null && catalog != "AWSMarketplace")
        {
            throw AgreementException.Validation("INVALID_CATALOG", $"The catalog '{catalog}' is not valid; use AWSMarketplace.");
        }

        var filters = Filters(body);
        var partyType = filters.GetValueOrDefault("PartyType")
            ?? throw AgreementException.Validation("MISSING_PARTY_TYPE", "The PartyType filter is required.");
        if (partyType is not ("Acceptor" or "Proposer"))
        {
            throw AgreementException.Validation("INVALID_PARTY_TYPE", $"The PartyType '{partyType}' is not valid; use Acceptor or Proposer.");
        }

        CheckCombination(filters, partyType);
        var maxResults = MaxResults(body);
        var (sortDescending, sortText) = Sort(body);

        var matching = service.All
            .Where(a => partyType == "Acceptor" ? a.AcceptorAccountId == callerAccountId : a.ProposerAccountId == callerAccountId)
            .Where(a => Matches(a, filters))
            .ToList();

        // EndTime order; agreements without an end (pay-as-you-go) last either way, ties by id: a stable order for paging.
        var ordered = (sortDescending
                ? matching.OrderBy(a => a.EndTime is null).ThenByDescending(a => a.EndTime)
                : matching.OrderBy(a => a.EndTime is null).ThenBy(a => a.EndTime))
            .ThenBy(a => a.AgreementId, StringComparer.Ordinal)
            .ToList();

        var scope = $"{callerAccountId}|{sortText}|{string.Join(";", filters.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"))}";
        var token = OptionalString(body, "nextToken");
        var offset = token is null ? 0 : Decode(token, scope);
        var page = ordered.Skip(offset).Take(maxResults).ToList();
        var next = offset + page.Count < ordered.Count ? Encode(scope, offset + page.Count) : null;

        return Write(json =>
        {
            json.WriteStartArray("agreementViewSummaries");
            foreach (var agreement in page)
            {
                WriteSummary(json, agreement);
            }

            json.WriteEndArray();
            if (next is not null)
            {
                json.WriteString("nextToken", next);
            }
        });
    }

    private static Dictionary<string, string> Filters(JsonElement body)
    {
        var filters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!body.TryGetProperty("filters", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return filters;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new AgreementException("SerializationException", "filters must be a list.");
        }

        if (list.GetArrayLength() is < 1 or > 10)
        {
            throw AgreementException.Validation("INVALID_FILTERS", "filters must hold 1 to 10 filters.");
        }

        foreach (var filter in list.EnumerateArray())
        {
            if (filter.ValueKind != JsonValueKind.Object)
            {
                throw new AgreementException("SerializationException", "Each filter must be an object with a name and values.");
            }

            var name = OptionalString(filter, "name") ?? throw AgreementException.Validation("MISSING_FILTER_NAME", "A filter has no name.");
            if (!FilterNames.Contains(name, StringComparer.Ordinal))
            {
                throw AgreementException.Validation("INVALID_FILTER_NAME", $"The filter name '{name}' is not valid.");
            }

            if (!filter.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                throw AgreementException.Validation("MISSING_FILTER_VALUES", $"The filter {name} has no values.");
            }

            if (values.GetArrayLength() > 1)
            {
                throw AgreementException.Validation("INVALID_FILTER_VALUES", $"The filter {name} takes one value; {values.GetArrayLength()} were given.");
            }

            var value = values[0].ValueKind == JsonValueKind.String ? values[0].GetString()! : throw new AgreementException("SerializationException", $"The values of {name} must be strings.");
            if (!FilterValuePattern().IsMatch(value) || !ValueIsValid(name, value))
            {
                throw AgreementException.Validation("INVALID_FILTER_VALUES", $"The value '{value}' is not valid for the filter {name}.");
            }

            if (!filters.TryAdd(name, value))
            {
                throw AgreementException.Validation("INVALID_FILTERS", $"The filter {name} is given twice.");
            }
        }

        return filters;
    }

    private static bool ValueIsValid(string name, string value) => name switch
    {
        "Status" => Statuses.Contains(value, StringComparer.Ordinal),
        "ResourceType" => ResourceTypes.Contains(value, StringComparer.Ordinal),
        "AgreementType" => AgreementTypes.Contains(value, StringComparer.Ordinal),
        "AcceptorAccountId" => value.Length == 12 && value.All(char.IsAsciiDigit),
        "BeforeEndTime" or "AfterEndTime" => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
        _ => true,
    };

    private static void CheckCombination(Dictionary<string, string> filters, string partyType)
    {
        if (!filters.ContainsKey("AgreementType"))
        {
            throw AgreementException.Validation("UNSUPPORTED_FILTERS", "Every supported filter combination includes AgreementType.");
        }

        var rest = filters.Keys.Where(n => n is not ("PartyType" or "AgreementType" or "BeforeEndTime" or "AfterEndTime")).Order(StringComparer.Ordinal).ToList();
        var allowed = partyType == "Acceptor" ? AcceptorCombinations : ProposerCombinations;
        if (!allowed.Any(c => c.Order(StringComparer.Ordinal).SequenceEqual(rest, StringComparer.Ordinal)))
        {
            throw AgreementException.Validation("UNSUPPORTED_FILTERS",
                $"The filter combination AgreementType{string.Concat(rest.Select(n => " + " + n))} is not supported when the PartyType is {partyType}.");
        }
    }

    private static bool Matches(FakeAgreement agreement, Dictionary<string, string> filters)
    {
        foreach (var (name, value) in filters)
        {
            var match = name switch
            {
                "ResourceIdentifier" => agreement.Resources.Any(r => r.Id == value),
                "ResourceType" => agreement.Resources.Any(r => r.Type == value),
                "AcceptorAccountId" => agreement.AcceptorAccountId == value,
                "OfferId" => agreement.OfferId == value,
                "OfferSetId" => agreement.OfferSetId == value,
                "Status" => agreement.Status == value,
                "AgreementType" => agreement.AgreementType == value,
                "BeforeEndTime" => agreement.EndTime < Time(value),
                "AfterEndTime" => agreement.EndTime > Time(value),
                _ => true,
            };
            if (!match)
            {
                return false;
            }
        }

        return true;
    }

    private static DateTimeOffset Time(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static int MaxResults(JsonElement body)
    {
        if (!body.TryGetProperty("maxResults", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return MaxPageSize;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var max))
        {
            throw new AgreementException("SerializationException", "maxResults must be an integer.");
        }

        return max is >= 1 and <= MaxPageSize
            ? max
            : throw AgreementException.Validation("INVALID_MAX_RESULTS", $"maxResults must be between 1 and {MaxPageSize}; {max} was given.");
    }

    private static (bool Descending, string Text) Sort(JsonElement body)
    {
        if (!body.TryGetProperty("sort", out var sort) || sort.ValueKind == JsonValueKind.Null)
        {
            return (true, "EndTime DESCENDING");
        }

        var by = OptionalString(sort, "sortBy") ?? "EndTime";
        if (by != "EndTime")
        {
            throw AgreementException.Validation("INVALID_SORT_BY", $"SearchAgreements sorts by EndTime only, not '{by}'.");
        }

        var order = OptionalString(sort, "sortOrder") ?? "DESCENDING";
        return order is "ASCENDING" or "DESCENDING"
            ? (order == "DESCENDING", $"EndTime {order}")
            : throw AgreementException.Validation("INVALID_SORT_ORDER", $"The sortOrder '{order}' is not valid; use ASCENDING or DESCENDING.");
    }

    private static void WriteSummary(Utf8JsonWriter json, FakeAgreement agreement)
    {
        json.WriteStartObject();
        json.WriteString("agreementId", agreement.AgreementId);
        Timestamp(json, "acceptanceTime", agreement.AcceptanceTime);
        Timestamp(json, "startTime", agreement.StartTime);
        Timestamp(json, "endTime", agreement.EndTime);
        json.WriteString("agreementType", agreement.AgreementType);
        json.WriteStartObject("acceptor");
        json.WriteString("accountId", agreement.AcceptorAccountId);
        json.WriteEndObject();
        json.WriteStartObject("proposer");
        json.WriteString("accountId", agreement.ProposerAccountId);
        json.WriteEndObject();
        json.WriteStartObject("proposalSummary");
        json.WriteStartArray("resources");
        foreach (var (id, type) in agreement.Resources)
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("type", type);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (agreement.OfferId is not null)
        {
            json.WriteString("offerId", agreement.OfferId);
        }

        if (agreement.OfferSetId is not null)
        {
            json.WriteString("offerSetId", agreement.OfferSetId);
        }

        json.WriteEndObject();
        json.WriteString("status", agreement.Status);
        json.WriteStartArray("entitlements");
        foreach (var arn in agreement.LicenseArns)
        {
            json.WriteStartObject();
            json.WriteString("licenseArn", arn);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    // Timestamps as epoch seconds (a JSON number, with milliseconds as a fraction); absent members are left out.
    private static void Timestamp(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            json.WriteNumber(name, time.ToUnixTimeMilliseconds() / 1000m);
        }
    }

    private static string? OptionalString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new AgreementException("SerializationException", $"{name} must be a string.");
    }

    private static string Write(Action<Utf8JsonWriter> writeMembers) => Organizations.OrganizationsJson.Object(writeMembers);

    private static string Encode(string scope, int offset) => PageToken.Encode(scope, offset);

    private static int Decode(string token, string scope) =>
        PageToken.Decode(token, scope) ?? throw AgreementException.Validation("INVALID_NEXT_TOKEN", "The nextToken is not valid for this search.");

    [GeneratedRegex(@"^[A-Za-z0-9+:_-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex FilterValuePattern();
}
