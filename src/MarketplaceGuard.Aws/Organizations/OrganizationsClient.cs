using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Aws.Transport;

namespace MarketplaceGuard.Aws.Organizations;

/// <summary>
/// A small client for Organizations' JSON 1.1 protocol: a POST of a JSON body to the partition's endpoint with
/// <c>X-Amz-Target: AWSOrganizationsV20161128.&lt;Operation&gt;</c>, signed for the service <c>organizations</c>;
/// replies and errors (<c>{"__type": "...", "Message": "..."}</c>) in JSON. AWSSDK.Organizations is not available to
/// this module; the protocol is small, and this way Organizations shares the IAM client's signing, retries, clock
/// correction, call records and endpoint overrides (<see cref="SignedHttpSender"/>). Organizations throttles hard,
/// so at most <see cref="MaxConcurrentRequests"/> calls of one client are under way at a time (a call waiting for a
/// retry keeps its place). Safe for concurrent use.
/// </summary>
public sealed class OrganizationsClient : IDisposable
{
    /// <summary>How many calls one client runs at once.</summary>
    public const int MaxConcurrentRequests = 4;

    /// <summary>MaxResults of every list call: Organizations' largest page.</summary>
    public const int PageSize = 20;

    private const string TargetPrefix = "AWSOrganizationsV20161128.";

    private readonly SignedHttpSender sender;
    private readonly SemaphoreSlim slots = new(MaxConcurrentRequests);

    public OrganizationsClient(AwsConnection connection, IamRetryPolicy? retry = null, HttpMessageHandler? handler = null)
    {
        Endpoint = connection.OrganizationsEndpoint;
        sender = new SignedHttpSender(
            connection.Credentials,
            retry ?? IamRetryPolicy.Default,
            handler,
            (operation, code, message, status, requestId, inner) => new OrganizationsException(operation, code, message, status, requestId, 1, inner));
    }

    /// <summary>Called after every attempt (for -Verbose); from several threads when calls run concurrently.</summary>
    public Action<IamCallRecord>? CallCompleted
    {
        get => sender.CallCompleted;
        set => sender.CallCompleted = value;
    }

    public OrganizationsEndpoint Endpoint { get; }

    /// <summary>How many requests this client sent, every attempt counted: what an organization read costs in Organizations' quota.</summary>
    public int RequestCount => sender.RequestCount;

    /// <summary>Calls an operation and returns its reply object (empty for operations without output).</summary>
    public Task<JsonElement> CallAsync(string operation, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellation) =>
        SendAsync(operation, Body(parameters, page: null), cancellation);

    /// <summary>Calls an operation whose body <paramref name="writeMembers"/> writes (members that are lists or objects: Tags, TagKeys).</summary>
    public Task<JsonElement> CallAsync(string operation, Action<Utf8JsonWriter> writeMembers, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(writeMembers);
        return SendAsync(operation, JsonProtocol.Object(writeMembers), cancellation);
    }

    /// <summary>
    /// Calls a list operation with MaxResults <see cref="PageSize"/> and follows NextToken until a reply has none,
    /// yielding each page, also after an empty page: Organizations may return an empty page that is not the last.
    /// Without <paramref name="maxResults"/> (ListTagsForResource has no MaxResults member) only NextToken is sent.
    /// </summary>
    public async IAsyncEnumerable<JsonElement> PagesAsync(
        string operation,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        [EnumeratorCancellation] CancellationToken cancellation,
        bool maxResults = true)
    {
        // A listing read short would pass what it never saw: the token is absent or null on the last page, a non-empty
        // string otherwise, and never one already followed.
        string? nextToken = null;
        var tokens = new PageTokens();
        do
        {
            var page = await SendAsync(operation, Body(parameters, (maxResults ? PageSize : null, nextToken)), cancellation).ConfigureAwait(false);
            yield return page;
            nextToken = !page.TryGetProperty("NextToken", out var token) || token.ValueKind == JsonValueKind.Null ? null
                : token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } text ? text
                : throw new OrganizationsException(operation, "MalformedResponse", $"the reply's NextToken is {token.ValueKind.ToString().ToLowerInvariant()}, not a token", 200, null, 1);
            if (nextToken is not null && tokens.Problem(nextToken, "NextToken") is { } endless)
            {
                throw new OrganizationsException(operation, "MalformedResponse", endless, 200, null, 1);
            }
        }
        while (nextToken is not null);
    }

    public void Dispose()
    {
        sender.Dispose();
        slots.Dispose();
    }

    private async Task<JsonElement> SendAsync(string operation, byte[] body, CancellationToken cancellation)
    {
        var request = new SignedRequest(
            "Organizations",
            "organizations",
            Endpoint.SigningRegion,
            Endpoint.Url,
            operation,
            "application/x-amz-json-1.1",
            body,
            [new("X-Amz-Target", TargetPrefix + operation)]);
        await slots.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            return await sender.SendAsync(request, reply => Read(operation, reply), cancellation).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    private static byte[] Body(IEnumerable<KeyValuePair<string, string>> parameters, (int? MaxResults, string? NextToken)? page) => JsonProtocol.Object(json =>
    {
        foreach (var (name, value) in parameters)
        {
            json.WriteString(name, value);
        }

        if (page is { } paging)
        {
            if (paging.MaxResults is { } max)
            {
                json.WriteNumber("MaxResults", max);
            }

            if (paging.NextToken is not null)
            {
                json.WriteString("NextToken", paging.NextToken);
            }
        }
    });

    private static Attempt<JsonElement> Read(string operation, HttpReply reply) =>
        JsonProtocol.Read(operation, reply, (op, code, message, status, requestId, inner) => new OrganizationsException(op, code, message, status, requestId, 1, inner));

    /// <summary>The error name of a JSON protocol's error type (see <see cref="JsonProtocol.ErrorCode"/>).</summary>
    internal static string ErrorCode(string type) => JsonProtocol.ErrorCode(type);
}
