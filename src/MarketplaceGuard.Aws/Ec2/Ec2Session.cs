using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Aws.Transport;

namespace MarketplaceGuard.Aws.Ec2;

/// <summary>
/// EC2 calls of one cmdlet run, in any number of regions: one AWSSDK.EC2 client per region (signed for that region,
/// sent to its endpoint or to the override), the module's retry loop (<see cref="RetryLoop"/>, the same as IAM's and
/// Organizations': throttling such as RequestLimitExceeded, 5xx and transport failures retried with backoff and full
/// jitter, bounded in attempts and time; the SDK's own retries are off so that every attempt is counted and shown),
/// and a record of each attempt for -Verbose. Safe to use from several regions at once.
/// </summary>
public sealed class Ec2Session : IDisposable
{
    private readonly AwsConnection connection;
    private readonly IamRetryPolicy retry;
    private readonly ConcurrentDictionary<string, AmazonEC2Client> clients = new(StringComparer.Ordinal);

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
    }

    /// <summary>Calls an operation in a region with retries; throws <see cref="Ec2Exception"/> when it finally fails.</summary>
    internal Task<T> CallAsync<T>(string region, string operation, Func<AmazonEC2Client, CancellationToken, Task<T>> call, CancellationToken cancellation)
        where T : AmazonWebServiceResponse
    {
        var client = clients.GetOrAdd(region, CreateClient);
        return RetryLoop.RunAsync(retry, $"EC2 {region}", operation, token => AttemptAsync(client, region, operation, call, token), CallCompleted, cancellation);
    }

    private async Task<Attempt<T>> AttemptAsync<T>(AmazonEC2Client client, string region, string operation, Func<AmazonEC2Client, CancellationToken, Task<T>> call, CancellationToken cancellation)
        where T : AmazonWebServiceResponse
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(retry.AttemptTimeout);
        try
        {
            var response = await call(client, timeout.Token).ConfigureAwait(false);
            return new Attempt<T>(response, (int)response.HttpStatusCode, response.ResponseMetadata?.RequestId);
        }
        catch (OperationCanceledException e) when (!cancellation.IsCancellationRequested)
        {
            throw new Ec2Exception(region, operation, "Timeout", $"no complete reply within {retry.AttemptTimeout.TotalSeconds:N0} s", 0, null, 1, e);
        }
        catch (AmazonUnmarshallingException e)
        {
            // A reply cut short or not XML: the request may have run; retried like a lost reply.
            throw new Ec2Exception(region, operation, "MalformedResponse", "the reply could not be read", (int)e.StatusCode, e.RequestId, 1, e);
        }
        catch (System.Xml.XmlException e)
        {
            // The SDK lets a truncated success body's XmlException through unwrapped.
            throw new Ec2Exception(region, operation, "MalformedResponse", $"the reply is not valid XML ({e.Message})", 200, null, 1, e);
        }
        catch (AmazonServiceException e) when (e.ErrorCode is not null)
        {
            throw new Ec2Exception(region, operation, e.ErrorCode, e.Message, (int)e.StatusCode, e.RequestId, 1, e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or AmazonClientException or AmazonServiceException)
        {
            // No EC2 error document: the connection failed or closed before a reply.
            throw new Ec2Exception(region, operation, "ConnectionFailed", Innermost(e).Message, 0, null, 1, e);
        }
    }

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
