using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>One request as it went on the wire: URL, every header (lower-cased names, Host included), body.</summary>
internal sealed record StubRequest(Uri Url, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The JSON protocols' operation: X-Amz-Target after the dot.</summary>
    public string Target => Headers.TryGetValue("x-amz-target", out var target) ? target[(target.IndexOf('.') + 1)..] : string.Empty;

    /// <summary>The Query protocol's form fields.</summary>
    public IReadOnlyDictionary<string, string> Form => Text.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty), StringComparer.Ordinal);

    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }
}

/// <summary>
/// Answers requests with a function (from any number of threads), records each request and counts how many were
/// in flight at once. A null answer drops the connection.
/// </summary>
internal sealed class StubAwsHandler(Func<StubRequest, Task<HttpResponseMessage?>> answer) : HttpMessageHandler
{
    private readonly object gate = new();
    private int inFlight;
    private int maxInFlight;

    public StubAwsHandler(Func<StubRequest, HttpResponseMessage?> answer)
        : this(request => Task.FromResult(answer(request)))
    {
    }

    public ConcurrentQueue<StubRequest> Requests { get; } = new();

    public int MaxInFlight
    {
        get
        {
            lock (gate)
            {
                return maxInFlight;
            }
        }
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string body, string? requestId = "req-1")
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.1");
        if (requestId is not null)
        {
            response.Headers.Add("x-amzn-RequestId", requestId);
        }

        return response;
    }

    public static HttpResponseMessage JsonError(HttpStatusCode status, string type, string message) =>
        Json(status, JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["Message"] = message }), "req-err");

    public static HttpResponseMessage Xml(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };

    public static HttpResponseMessage StsError(HttpStatusCode status, string code, string message) => Xml(status,
        $"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>req-err</RequestId></ErrorResponse>");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Headers.Concat(request.Content.Headers))
        {
            headers[name.ToLowerInvariant()] = string.Join(",", values);
        }

        headers.TryAdd("host", request.Headers.Host ?? request.RequestUri!.Authority);
        var captured = new StubRequest(request.RequestUri!, headers, body);
        Requests.Enqueue(captured);
        lock (gate)
        {
            maxInFlight = Math.Max(maxInFlight, ++inFlight);
        }

        try
        {
            return await answer(captured) ?? throw new HttpRequestException("The connection was closed by the remote host.");
        }
        finally
        {
            lock (gate)
            {
                inFlight--;
            }
        }
    }
}
