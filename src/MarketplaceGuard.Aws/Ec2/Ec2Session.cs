using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;

namespace MarketplaceGuard.Aws.Ec2;

/// <summary>
/// EC2 calls of one cmdlet run, in any number of regions: one AWSSDK.EC2 client per region (signed for that region,
/// sent to its endpoint or to the override), the module's retry rules (<see cref="IamRetryPolicy"/>: throttling
/// such as RequestLimitExceeded, 5xx and transport failures retried with backoff and full jitter, bounded in attempts
/// and time; the SDK's own retries are off so that every attempt is counted and shown), and a record of each attempt
/// for -Verbose. Safe to use from several regions at once.
/// </summary>
public sealed class Ec2Session : IDisposable
{
    private readonly AwsConnection connection;
    private readonly IamRetryPolicy retry;
    private readonly ConcurrentDictionary<string, AmazonEC2Client> clients = new(StringComparer.Ordinal);
    private readonly ThreadLocal<Random> jitter = new(() => new Random());

    public Ec2Session(AwsConnection connection, IamRetryPolicy? retry = null)
    {
        this.connection = connection;
        this.retry = retry ?? IamRetryPolicy.Default;
    }

    /// <summary>Called after every attempt (for -Verbose); may be called from several threads.</summary>
    public Action<IamCallRecord>? CallCompleted { get; set; }

    public void Dispose()
    {
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }

        clients.Clear();
        jitter.Dispose();
    }

    /// <summary>Calls an operation in a region with retries; throws <see cref="Ec2Exception"/> when it finally fails.</summary>
    internal async Task<T> CallAsync<T>(string region, string operation, Func<AmazonEC2Client, CancellationToken, Task<T>> call, CancellationToken cancellation)
        where T : AmazonWebServiceResponse
    {
        var client = clients.GetOrAdd(region, CreateClient);
        var started = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            Ec2Exception failure;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                timeout.CancelAfter(retry.AttemptTimeout);
                T response;
                try
                {
                    response = await call(client, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!cancellation.IsCancellationRequested)
                {
                    throw new Ec2Exception(region, operation, "Timeout", $"no complete reply within {retry.AttemptTimeout.TotalSeconds:N0} s", 0, null, 1, e);
                }

                Report(region, operation, (int)response.HttpStatusCode, "OK", attempt, clock.Elapsed, response.ResponseMetadata?.RequestId);
                return response;
            }
            catch (Ec2Exception e)
            {
                failure = e;
            }
            catch (AmazonUnmarshallingException e)
            {
                // A reply cut short or not XML: the request may have run; retried like a lost reply.
                failure = new Ec2Exception(region, operation, "MalformedResponse", "the reply could not be read", (int)e.StatusCode, e.RequestId, 1, e);
            }
            catch (System.Xml.XmlException e)
            {
                // The SDK lets a truncated success body's XmlException through unwrapped.
                failure = new Ec2Exception(region, operation, "MalformedResponse", $"the reply is not valid XML ({e.Message})", 200, null, 1, e);
            }
            catch (AmazonServiceException e) when (e.ErrorCode is not null)
            {
                failure = new Ec2Exception(region, operation, e.ErrorCode, e.Message, (int)e.StatusCode, e.RequestId, 1, e);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or AmazonClientException or AmazonServiceException)
            {
                // No EC2 error document: the connection failed or closed before a reply.
                failure = new Ec2Exception(region, operation, "ConnectionFailed", Innermost(e).Message, 0, null, 1, e);
            }

            Report(region, operation, failure.StatusCode, failure.Code, attempt, clock.Elapsed, failure.RequestId);
            if (!failure.IsTransient || attempt >= retry.MaxAttempts)
            {
                throw failure.WithAttempts(attempt);
            }

            var delay = retry.DelayBefore(attempt + 1, jitter.Value!);
            if (started.Elapsed + delay > retry.MaxTotalTime)
            {
                throw failure.WithAttempts(attempt);
            }

            await Task.Delay(delay, cancellation).ConfigureAwait(false);
        }
    }

    private void Report(string region, string operation, int status, string outcome, int attempt, TimeSpan elapsed, string? requestId) =>
        CallCompleted?.Invoke(new IamCallRecord($"EC2 {region}", operation, status, outcome, attempt, elapsed, requestId));

    private AmazonEC2Client CreateClient(string region)
    {
        var config = new AmazonEC2Config
        {
            MaxErrorRetry = 0, // our own loop retries (see the class comment)
            Timeout = retry.AttemptTimeout,
        };
        if (connection.Ec2EndpointOverride is { } url)
        {
            config.ServiceURL = url.ToString();
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return new AmazonEC2Client(connection.Credentials, config);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
