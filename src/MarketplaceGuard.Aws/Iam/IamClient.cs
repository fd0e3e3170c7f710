using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;
using MarketplaceGuard.Aws.Accounts;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Transport;

namespace MarketplaceGuard.Aws.Iam;

/// <summary>
/// A small client for IAM's Query protocol (and STS GetCallerIdentity): form POSTs signed with AWSSDK.Core's SigV4
/// signer, XML replies, retries with backoff and jitter for transient failures, correction of a skewed clock, and
/// cancellation. AWSSDK.IdentityManagement is not available to this module; the Query protocol is small and stable.
/// STS's calls (GetCallerIdentity, AssumeRole) go through the same client rather than AWSSDK.SecurityToken, so that
/// both services share one signing, retry, logging and endpoint-override path (the test endpoint serves both).
/// </summary>
public sealed class IamClient : IDisposable
{
    private const string IamVersion = "2010-05-08";
    private const string StsVersion = "2011-06-15";

    private readonly AwsConnection connection;
    private readonly SignedHttpSender sender;

    public IamClient(AwsConnection connection, IamRetryPolicy? retry = null, HttpMessageHandler? handler = null)
    {
        this.connection = connection;
        sender = new SignedHttpSender(
            connection.Credentials,
            retry ?? IamRetryPolicy.Default,
            handler,
            (operation, code, message, status, requestId, inner) => new IamException(operation, code, message, status, requestId, 1, inner));
    }

    /// <summary>Called after every attempt (for -Verbose).</summary>
    public Action<IamCallRecord>? CallCompleted
    {
        get => sender.CallCompleted;
        set => sender.CallCompleted = value;
    }

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
        // A listing read short would pass what it never saw: every page must say whether more follow, in words IAM
        // uses, agree with its Marker, and never send the reader back to a page it read.
        string? marker = null;
        var markers = new PageTokens();
        do
        {
            var page = await CallAsync(operation, marker is null ? parameters : [.. parameters, new("Marker", marker)], cancellation).ConfigureAwait(false);
            yield return page;
            var flags = page.Elements().Where(e => e.Name.LocalName == "IsTruncated").Select(e => e.Value.Trim()).ToList();
            var truncated = flags switch
            {
                [var flag] when flag.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
                [var flag] when flag.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
                [] => throw Malformed(operation, "the reply does not say whether more pages follow (no IsTruncated)"),
                [var flag] => throw Malformed(operation, $"IsTruncated is '{flag}', not true or false"),
                _ => throw Malformed(operation, "the reply says IsTruncated more than once"),
            };
            var next = Child(page, "Marker")?.Value;
            if (!truncated && !string.IsNullOrEmpty(next))
            {
                throw Malformed(operation, "the reply says it is the last page but gives a Marker");
            }

            marker = truncated ? next : null;
            if (truncated && string.IsNullOrEmpty(marker))
            {
                throw Malformed(operation, "the reply says it is truncated but gives no Marker");
            }

            if (marker is not null && markers.Problem(marker, "Marker") is { } endless)
            {
                throw Malformed(operation, endless);
            }
        }
        while (marker is not null);
    }

    private static IamException Malformed(string operation, string problem) => new(operation, "MalformedResponse", problem, 200, null, 1);

    /// <summary>STS GetCallerIdentity: the account id and ARN of the credentials in use.</summary>
    public async Task<(string Account, string Arn)> GetCallerIdentityAsync(CancellationToken cancellation)
    {
        var result = await SendAsync("sts", "GetCallerIdentity", StsVersion, [], cancellation).ConfigureAwait(false);
        return (Child(result, "Account")?.Value ?? string.Empty, Child(result, "Arn")?.Value ?? string.Empty);
    }

    /// <summary>
    /// STS AssumeRole: temporary credentials for <paramref name="role"/>, returned as a connection to the role's account
    /// with this connection's endpoints and region. Like GetCallerIdentity it goes through this client's Query path
    /// rather than AWSSDK.SecurityToken (which would also do): so IAM and STS share one signing, retry, logging and
    /// endpoint-override path, and the test endpoint that serves IAM serves AssumeRole too. The reply's secret key and
    /// session token go straight into the returned connection's credentials: no record, message or exception of this
    /// client ever holds them, and the connection names them only as "role ... in ... (assumed)".
    /// </summary>
    /// <param name="durationSeconds">900 to 43200, and at most the role's maximum session duration (1 hour when chaining roles).</param>
    /// <param name="externalId">The ExternalId the role's trust policy asks for, or null.</param>
    public async Task<AwsConnection> AssumeRoleAsync(CrossAccountRole role, string roleSessionName, string? externalId, int durationSeconds, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(role);
        List<KeyValuePair<string, string>> parameters =
        [
            new("RoleArn", role.Arn),
            new("RoleSessionName", roleSessionName),
            new("DurationSeconds", durationSeconds.ToString(CultureInfo.InvariantCulture)),
        ];
        if (externalId is not null)
        {
            parameters.Add(new("ExternalId", externalId));
        }

        var result = await SendAsync("sts", "AssumeRole", StsVersion, parameters, cancellation).ConfigureAwait(false);
        var credentials = Child(result, "Credentials");
        var accessKey = credentials is null ? null : Child(credentials, "AccessKeyId")?.Value;
        var secretKey = credentials is null ? null : Child(credentials, "SecretAccessKey")?.Value;
        var sessionToken = credentials is null ? null : Child(credentials, "SessionToken")?.Value;
        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey) || string.IsNullOrEmpty(sessionToken))
        {
            throw new IamException("AssumeRole", "MalformedResponse", "the reply has no complete Credentials (AccessKeyId, SecretAccessKey, SessionToken)", 200, null, 1);
        }

        return connection.WithCredentials(new SessionAWSCredentials(accessKey, secretKey, sessionToken), $"{role} (assumed)");
    }

    public void Dispose() => sender.Dispose();

    /// <summary>The child element with this local name, whatever the XML namespace.</summary>
    public static XElement? Child(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private Task<XElement> SendAsync(string service, string operation, string version, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellation)
    {
        var endpoint = connection.Endpoint;
        var request = new SignedRequest(
            service.ToUpperInvariant(),
            service,
            endpoint.SigningRegion,
            service == "iam" || endpoint.IsOverridden ? endpoint.Url : StsEndpoint(endpoint),
            operation,
            "application/x-www-form-urlencoded; charset=utf-8",
            Encode([new("Action", operation), new("Version", version), .. parameters]),
            []);
        return sender.SendAsync(request, reply => Read(operation, reply), cancellation);
    }

    private static readonly XmlReaderSettings NoDtd = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    private static Attempt<XElement> Read(string operation, HttpReply reply)
    {
        XElement root;
        try
        {
            // AWS never sends a DTD: one would let the reply define entities (text, list members) of its own.
            using var reader = XmlReader.Create(new StringReader(reply.Text), NoDtd);
            root = XElement.Load(reader);
        }
        catch (XmlException e)
        {
            throw new IamException(operation, reply.StatusCode >= 500 ? "ServiceFailure" : "MalformedResponse", $"the reply is not valid XML (HTTP {reply.StatusCode})", reply.StatusCode, null, 1, e);
        }

        if (reply.IsSuccess)
        {
            // Only the operation's own response answers it: a 200 that carries an ErrorResponse, a proxy's page or another
            // operation's reply read as an empty result would make the account look empty. Operations without output
            // reply with the response element and no result element.
            if (root.Name.LocalName != operation + "Response")
            {
                throw new IamException(operation, "MalformedResponse", $"the reply is <{root.Name.LocalName}>, not the {operation}Response asked for (HTTP {reply.StatusCode})", reply.StatusCode, Child(root, "RequestId")?.Value, 1);
            }

            var result = Child(root, operation + "Result") ?? new XElement(operation + "Result");
            var requestId = Child(root, "ResponseMetadata") is { } metadata ? Child(metadata, "RequestId")?.Value : null;
            return new Attempt<XElement>(result, reply.StatusCode, requestId);
        }

        var error = Child(root, "Error") ?? root;
        throw new IamException(
            operation,
            Child(error, "Code")?.Value ?? $"Http{reply.StatusCode}",
            Child(error, "Message")?.Value ?? reply.ReasonPhrase ?? "no message",
            reply.StatusCode,
            Child(root, "RequestId")?.Value,
            1);
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
