using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using System.Xml.Linq;
using Amazon;
using Amazon.Runtime.Signing;
using MarketplaceGuard.Aws.Connection;

namespace MarketplaceGuard.Aws.Iam;

/// <summary>One AWS call as -Verbose shows it: what, how it ended, which attempt, how long. Nothing secret.</summary>
public sealed record IamCallRecord(string Service, string Operation, int StatusCode, string Outcome, int Attempt, TimeSpan Elapsed, string? RequestId)
{
    public override string ToString() =>
        $"{Service} {Operation}: {(StatusCode == 0 ? Outcome : $"HTTP {StatusCode} {Outcome}")}, attempt {Attempt}, {Elapsed.TotalMilliseconds:N0} ms" +
        (RequestId is null ? string.Empty : $", request id {RequestId}");
}

/// <summary>
/// A small client for IAM's Query protocol (and STS GetCallerIdentity): form POSTs signed with AWSSDK.Core's SigV4
/// signer, XML replies, retries with backoff and jitter for transient failures, correction of a skewed clock, and
/// cancellation. AWSSDK.IdentityManagement is not available to this module; the Query protocol is small and stable.
/// STS's one call goes through the same client rather than AWSSDK.SecurityToken, so that both services share one
/// signing, retry, logging and endpoint-override path (the test endpoint serves both).
/// </summary>
public sealed class IamClient : IDisposable
{
    private const string IamVersion = "2010-05-08";
    private const string StsVersion = "2011-06-15";

    private readonly AwsConnection connection;
    private readonly HttpClient http;
    private readonly IamRetryPolicy retry;
    private readonly Random jitter = new();
    private TimeSpan clockOffset;

    public IamClient(AwsConnection connection, IamRetryPolicy? retry = null, HttpMessageHandler? handler = null)
    {
        this.connection = connection;
        this.retry = retry ?? IamRetryPolicy.Default;
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan; // each attempt has its own timeout
    }

    /// <summary>Called after every attempt (for -Verbose).</summary>
    public Action<IamCallRecord>? CallCompleted { get; set; }

    /// <summary>Where the calls go.</summary>
    public IamEndpoint Endpoint => connection.Endpoint;

    /// <summary>Calls an IAM operation and returns its &lt;OperationResult&gt; element (empty for operations without output).</summary>
    public Task<XElement> CallAsync(string operation, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellation) =>
        SendAsync("iam", operation, IamVersion, parameters, cancellation);

    /// <summary>Calls a list operation and follows IsTruncated/Marker to the end, yielding each page's result element.</summary>
    public async IAsyncEnumerable<XElement> PagesAsync(
        string operation,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        string? marker = null;
        do
        {
            var page = await CallAsync(operation, marker is null ? parameters : [.. parameters, new("Marker", marker)], cancellation).ConfigureAwait(false);
            yield return page;
            var truncated = string.Equals(Child(page, "IsTruncated")?.Value.Trim(), "true", StringComparison.OrdinalIgnoreCase);
            marker = truncated ? Child(page, "Marker")?.Value : null;
            if (truncated && string.IsNullOrEmpty(marker))
            {
                throw new IamException(operation, "MalformedResponse", "the reply says it is truncated but gives no Marker", 200, null, 1);
            }
        }
        while (marker is not null);
    }

    /// <summary>STS GetCallerIdentity: the account id and ARN of the credentials in use.</summary>
    public async Task<(string Account, string Arn)> GetCallerIdentityAsync(CancellationToken cancellation)
    {
        var result = await SendAsync("sts", "GetCallerIdentity", StsVersion, [], cancellation).ConfigureAwait(false);
        return (Child(result, "Account")?.Value ?? string.Empty, Child(result, "Arn")?.Value ?? string.Empty);
    }

    public void Dispose() => http.Dispose();

    /// <summary>The child element with this local name, whatever the XML namespace.</summary>
    public static XElement? Child(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private async Task<XElement> SendAsync(string service, string operation, string version, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellation)
    {
        var body = Encode([new("Action", operation), new("Version", version), .. parameters]);
        var started = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var offsetBefore = clockOffset;
            IamException failure;
            try
            {
                var (status, result, requestId) = await AttemptAsync(service, operation, body, cancellation).ConfigureAwait(false);
                CallCompleted?.Invoke(new IamCallRecord(service.ToUpperInvariant(), operation, status, "OK", attempt, clock.Elapsed, requestId));
                return result;
            }
            catch (IamException e)
            {
                failure = new IamException(operation, e.Code, e.AwsMessage, e.StatusCode, e.RequestId, attempt, e.InnerException);
            }

            CallCompleted?.Invoke(new IamCallRecord(service.ToUpperInvariant(), operation, failure.StatusCode, failure.Code, attempt, clock.Elapsed, failure.RequestId));
            // A signature refused for its time is worth one more try when the reply's Date taught us a new clock offset.
            var skewed = failure.Code is "RequestExpired" or "RequestTimeTooSkewed" or "InvalidSignatureException" or "SignatureDoesNotMatch" && clockOffset != offsetBefore;
            if (!(failure.IsTransient || skewed) || attempt >= retry.MaxAttempts
                || (IamRetryPolicy.IsNonIdempotent(operation) && IamRetryPolicy.MayHaveApplied(failure.Code, failure.StatusCode)))
            {
                throw failure;
            }

            var delay = skewed ? TimeSpan.Zero : retry.DelayBefore(attempt + 1, jitter);
            if (started.Elapsed + delay > retry.MaxTotalTime)
            {
                throw failure;
            }

            await Task.Delay(delay, cancellation).ConfigureAwait(false);
        }
    }

    private async Task<(int Status, XElement Result, string? RequestId)> AttemptAsync(string service, string operation, byte[] body, CancellationToken cancellation)
    {
        var endpoint = connection.Endpoint;
        var uri = service == "iam" || connection.Endpoint.IsOverridden ? endpoint.Url : StsEndpoint(endpoint);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "utf-8" };
        Sign(request, service, body);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(retry.AttemptTimeout);
        HttpResponseMessage response;
        string text;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new IamException(operation, "Timeout", $"no complete reply within {retry.AttemptTimeout.TotalSeconds:N0} s", 0, null, 1);
        }
        catch (HttpRequestException e)
        {
            throw new IamException(operation, "ConnectionFailed", e.Message, 0, null, 1, e);
        }
        catch (System.IO.IOException e)
        {
            throw new IamException(operation, "ConnectionFailed", e.Message, 0, null, 1, e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            RememberServerClock(response);
            XElement root;
            try
            {
                root = XElement.Parse(text);
            }
            catch (XmlException e)
            {
                throw new IamException(operation, status >= 500 ? "ServiceFailure" : "MalformedResponse", $"the reply is not valid XML (HTTP {status})", status, null, 1, e);
            }

            if (response.IsSuccessStatusCode)
            {
                var result = Child(root, operation + "Result") ?? new XElement(operation + "Result");
                var requestId = Child(root, "ResponseMetadata") is { } metadata ? Child(metadata, "RequestId")?.Value : null;
                return (status, result, requestId);
            }

            var error = Child(root, "Error") ?? root;
            throw new IamException(
                operation,
                Child(error, "Code")?.Value ?? $"Http{status}",
                Child(error, "Message")?.Value ?? response.ReasonPhrase ?? "no message",
                status,
                Child(root, "RequestId")?.Value,
                1);
        }
    }

    private void Sign(HttpRequestMessage request, string service, byte[] body)
    {
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = request.RequestUri!, Content = body };
        signing.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";
        var parameters = new AWSSigV4Parameters
        {
            Credentials = connection.Credentials,
            Region = RegionEndpoint.GetBySystemName(connection.Endpoint.SigningRegion),
            Service = service,
            SignedAt = DateTime.UtcNow + clockOffset,
        };
        foreach (var (name, value) in AWSSigV4Signer.Sign(signing, parameters).Headers)
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && !name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    // A signature dated too far from AWS's clock is refused; the reply's Date header tells how far off we are.
    private void RememberServerClock(HttpResponseMessage response)
    {
        if (response.Headers.Date is { } serverNow)
        {
            var offset = serverNow.UtcDateTime - DateTime.UtcNow;
            clockOffset = Math.Abs(offset.TotalMinutes) > 4 ? offset : clockOffset;
        }
    }

    private static Uri StsEndpoint(IamEndpoint endpoint) => endpoint.Partition switch
    {
        "aws-cn" => new Uri("https://sts.cn-north-1.amazonaws.com.cn/"),
        "aws-us-gov" => new Uri("https://sts.us-gov-west-1.amazonaws.com/"),
        _ => new Uri("https://sts.amazonaws.com/"),
    };

    private static byte[] Encode(IEnumerable<KeyValuePair<string, string>> parameters) =>
        Encoding.UTF8.GetBytes(string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))));

    /// <summary>Form parameters for a list: Name.member.1, Name.member.2 ...</summary>
    public static IEnumerable<KeyValuePair<string, string>> Members(string name, IEnumerable<string> values) =>
        values.Select((v, i) => new KeyValuePair<string, string>($"{name}.member.{(i + 1).ToString(CultureInfo.InvariantCulture)}", v));
}
