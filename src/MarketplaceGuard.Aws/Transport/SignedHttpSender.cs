using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using MarketplaceGuard.Aws.Iam;

namespace MarketplaceGuard.Aws.Transport;

/// <summary>Builds a service's own exception for a failed attempt (attempts 1; the retry loop counts them).</summary>
internal delegate AwsServiceException FailureFactory(string operation, string code, string message, int statusCode, string? requestId, Exception? inner);

/// <summary>
/// Sends signed POSTs for the module's own protocol clients (IAM and STS Query, Organizations JSON 1.1): each attempt
/// signed with AWSSDK.Core's SigV4 signer and the connection's credentials, sent with its own timeout, and retried by
/// <see cref="RetryLoop"/>. A signature refused for its time is corrected from the reply's Date header. The protocol
/// (how to read a reply, which exception to throw) stays with each client. Safe for concurrent calls.
/// </summary>
internal sealed class SignedHttpSender : IDisposable
{
    private readonly AWSCredentials credentials;
    private readonly IamRetryPolicy retry;
    private readonly HttpClient http;
    private readonly FailureFactory failure;
    private long clockOffsetTicks;
    private int requests;

    public SignedHttpSender(AWSCredentials credentials, IamRetryPolicy retry, HttpMessageHandler? handler, FailureFactory failure)
    {
        this.credentials = credentials;
        this.retry = retry;
        this.failure = failure;
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan; // each attempt has its own timeout
    }

    /// <summary>Called after every attempt (for -Verbose); from several threads when calls run concurrently.</summary>
    public Action<IamCallRecord>? CallCompleted { get; set; }

    /// <summary>How many requests went on the wire, every attempt counted.</summary>
    public int RequestCount => Volatile.Read(ref requests);

    private TimeSpan ClockOffset => TimeSpan.FromTicks(Interlocked.Read(ref clockOffsetTicks));

    /// <summary>
    /// Sends <paramref name="request"/> until it succeeds or the retry policy gives up. <paramref name="read"/> turns
    /// a complete reply into the result, or throws the service's exception for an error reply or an unreadable one.
    /// </summary>
    public Task<T> SendAsync<T>(SignedRequest request, Func<HttpReply, Attempt<T>> read, CancellationToken cancellation) =>
        RetryLoop.RunAsync(retry, request.Service, request.Operation, token => AttemptAsync(request, read, token), CallCompleted, cancellation);

    public void Dispose() => http.Dispose();

    private async Task<Attempt<T>> AttemptAsync<T>(SignedRequest request, Func<HttpReply, Attempt<T>> read, CancellationToken cancellation)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url) { Content = new ByteArrayContent(request.Body) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
        var offsetBefore = ClockOffset;
        Sign(message, request, offsetBefore);
        Interlocked.Increment(ref requests);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(retry.AttemptTimeout);
        HttpResponseMessage response;
        string text;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw failure(request.Operation, "Timeout", $"no complete reply within {retry.AttemptTimeout.TotalSeconds:N0} s", 0, null, null);
        }
        catch (Exception e) when (e is HttpRequestException or System.IO.IOException)
        {
            throw failure(request.Operation, "ConnectionFailed", e.Message, 0, null, e);
        }

        using (response)
        {
            RememberServerClock(response);
            try
            {
                return read(new HttpReply((int)response.StatusCode, response.IsSuccessStatusCode, text, response.Headers, response.ReasonPhrase));
            }
            catch (AwsServiceException e) when (e.Code is "RequestExpired" or "RequestTimeTooSkewed" or "InvalidSignatureException" or "SignatureDoesNotMatch"
                && ClockOffset != offsetBefore)
            {
                throw new ClockCorrectedException(e);
            }
        }
    }

    private void Sign(HttpRequestMessage message, SignedRequest request, TimeSpan clockOffset)
    {
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = request.Url, Content = request.Body };
        signing.Headers["Content-Type"] = message.Content!.Headers.ContentType!.ToString();
        foreach (var (name, value) in request.Headers)
        {
            signing.Headers[name] = value;
            message.Headers.TryAddWithoutValidation(name, value);
        }

        var parameters = new AWSSigV4Parameters
        {
            Credentials = credentials,
            Region = RegionEndpoint.GetBySystemName(request.SigningRegion),
            Service = request.SigningName,
            SignedAt = DateTime.UtcNow + clockOffset,
        };
        foreach (var (name, value) in AWSSigV4Signer.Sign(signing, parameters).Headers)
        {
            if (!signing.Headers.ContainsKey(name) && !name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    // A signature dated too far from AWS's clock is refused; the reply's Date header tells how far off we are.
    private void RememberServerClock(HttpResponseMessage response)
    {
        if (response.Headers.Date is { } serverNow)
        {
            var offset = serverNow.UtcDateTime - DateTime.UtcNow;
            if (Math.Abs(offset.TotalMinutes) > 4)
            {
                Interlocked.Exchange(ref clockOffsetTicks, offset.Ticks);
            }
        }
    }
}
