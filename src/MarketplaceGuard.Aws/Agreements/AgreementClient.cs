using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Aws.Transport;
using MarketplaceGuard.Engine.Procurement;

namespace MarketplaceGuard.Aws.Agreements;

/// <summary>
/// A small client for the AWS Marketplace Agreement API (JSON 1.0: a POST of a JSON body with
/// <c>X-Amz-Target: AWSMPCommerceService_v20200301.&lt;Operation&gt;</c>, signed for <c>aws-marketplace</c> in
/// us-east-1; see <see cref="AgreementEndpoint"/>) on the module's transport: its signer and credentials, retries with
/// backoff on ThrottlingException and 5xx, call records for -Verbose. AWSSDK.MarketplaceAgreement is not available to
/// this module. One client searches one account (the connection's), which every error names. Safe for concurrent use.
/// </summary>
public sealed class AgreementClient : IDisposable
{
    /// <summary>maxResults of every SearchAgreements call: the API's largest page.</summary>
    public const int PageSize = 50;

    public const string SearchAgreements = "SearchAgreements";

    private const string TargetPrefix = "AWSMPCommerceService_v20200301.";

    private readonly SignedHttpSender sender;

    /// <param name="accountId">The account the connection's credentials act in: the acceptor whose agreements are searched.</param>
    public AgreementClient(AwsConnection connection, string accountId, IamRetryPolicy? retry = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        Endpoint = connection.AgreementEndpoint;
        if (!Endpoint.IsAvailable)
        {
            throw new InvalidOperationException($"No Marketplace Agreement endpoint: {Endpoint.UnavailableReason}.");
        }

        AccountId = accountId;
        sender = new SignedHttpSender(
            connection.Credentials,
            retry ?? IamRetryPolicy.Default,
            handler,
            (operation, code, message, status, requestId, inner) => new AgreementException(accountId, operation, code, message, status, requestId, 1, inner));
    }

    /// <summary>Called after every attempt (for -Verbose).</summary>
    public Action<IamCallRecord>? CallCompleted
    {
        get => sender.CallCompleted;
        set => sender.CallCompleted = value;
    }

    public AgreementEndpoint Endpoint { get; }

    public string AccountId { get; }

    /// <summary>How many requests this client sent, every attempt counted.</summary>
    public int RequestCount => sender.RequestCount;

    /// <summary>
    /// The account's purchase agreements as acceptor that pass <paramref name="filter"/>, in the API's order (EndTime,
    /// latest first). One SearchAgreements call per page of <see cref="PageSize"/>, following nextToken: N agreements
    /// that the API's own filters keep cost ⌈N/50⌉ calls, at least one. The filters the API accepts for an acceptor
    /// are sent (<see cref="ServerFilters"/>); every agreement is also checked against the whole filter here. A reply
    /// that cannot be read, or an agreement without an id, is an <see cref="AgreementException"/> (MalformedResponse),
    /// never skipped.
    /// </summary>
    public async Task<IReadOnlyList<Agreement>> SearchAsync(AgreementFilter filter, DateTimeOffset now, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var filters = ServerFilters(filter);
        var found = new List<Agreement>();
        var seenTokens = new HashSet<string>(StringComparer.Ordinal);
        string? nextToken = null;
        do
        {
            var token = nextToken;
            var page = await SendAsync(SearchAgreements, JsonProtocol.Object(json =>
            {
                json.WriteString("catalog", "AWSMarketplace");
                json.WriteStartArray("filters");
                foreach (var (name, value) in filters)
                {
                    json.WriteStartObject();
                    json.WriteString("name", name);
                    json.WriteStartArray("values");
                    json.WriteStringValue(value);
                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteNumber("maxResults", PageSize);
                if (token is not null)
                {
                    json.WriteString("nextToken", token);
                }
            }), cancellation).ConfigureAwait(false);
            found.AddRange(AgreementReply.Summaries(page, AccountId).Where(a => filter.Matches(a, now)));
            // Absent or null on the last page, a non-empty string otherwise: anything else read as the end would drop the
            // agreements of the pages not read.
            nextToken = !page.TryGetProperty("nextToken", out var next) || next.ValueKind == JsonValueKind.Null ? null
                : next.ValueKind == JsonValueKind.String && next.GetString() is { Length: > 0 } text ? text
                : throw AgreementReply.Malformed(AccountId, $"the reply's nextToken is {next.ValueKind.ToString().ToLowerInvariant()}, not a token");
            if (nextToken is not null && !seenTokens.Add(nextToken))
            {
                // A token seen before would page forever.
                throw AgreementReply.Malformed(AccountId, "the reply repeats an earlier nextToken");
            }

            if (seenTokens.Count > PageTokens.MaxPages)
            {
                // New tokens on empty pages would page forever too (500,000 agreements at 50 a page).
                throw AgreementReply.Malformed(AccountId, $"the search goes on past {PageTokens.MaxPages:N0} pages");
            }
        }
        while (nextToken is not null);

        return found;
    }

    /// <summary>
    /// The filters sent with SearchAgreements: always PartyType=Acceptor and AgreementType; then, as the API allows for
    /// an acceptor (one value per filter; AgreementType plus Status, ResourceIdentifier, both, or ResourceType alone),
    /// a single status, a single product id, and a single resource type when neither of those is sent. Several values
    /// of one kind are filtered here instead: one search, not one per value. EndTime filters are not sent: the API
    /// documents BeforeEndTime/AfterEndTime without their exact meaning or date format, so -ExpiresWithin is applied
    /// here, where its meaning is certain.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ServerFilters(AgreementFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var filters = new List<KeyValuePair<string, string>> { new("PartyType", "Acceptor"), new("AgreementType", filter.AgreementType) };
        if (filter.Statuses.Count == 1)
        {
            filters.Add(new("Status", filter.Statuses[0]));
        }

        if (filter.ProductIds.Count == 1)
        {
            filters.Add(new("ResourceIdentifier", filter.ProductIds[0]));
        }

        if (filter.ResourceTypes.Count == 1 && filters.Count == 2)
        {
            filters.Add(new("ResourceType", filter.ResourceTypes[0]));
        }

        return filters;
    }

    public void Dispose() => sender.Dispose();

    private Task<JsonElement> SendAsync(string operation, byte[] body, CancellationToken cancellation)
    {
        var request = new SignedRequest(
            "Marketplace Agreement",
            AgreementEndpoint.SigningName,
            AgreementEndpoint.ServiceRegion,
            Endpoint.Url!,
            operation,
            "application/x-amz-json-1.0",
            body,
            [new("X-Amz-Target", TargetPrefix + operation)]);
        return sender.SendAsync(
            request,
            reply => JsonProtocol.Read(operation, reply, (op, code, message, status, requestId, inner) => new AgreementException(AccountId, op, code, message, status, requestId, 1, inner)),
            cancellation);
    }
}
