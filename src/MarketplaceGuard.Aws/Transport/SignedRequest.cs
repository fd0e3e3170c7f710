using System;
using System.Collections.Generic;

namespace MarketplaceGuard.Aws.Transport;

/// <summary>
/// One POST to an AWS endpoint, as both the signer and the wire see it.
/// </summary>
/// <param name="Service">How the call records name the service: "IAM", "STS", "Organizations".</param>
/// <param name="SigningName">The SigV4 service name: "iam", "sts", "organizations".</param>
/// <param name="ContentType">The Content-Type exactly as sent (it is signed).</param>
/// <param name="Headers">More headers to send and sign, such as JSON protocols' X-Amz-Target.</param>
internal sealed record SignedRequest(
    string Service,
    string SigningName,
    string SigningRegion,
    Uri Url,
    string Operation,
    string ContentType,
    byte[] Body,
    IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>A complete reply: its status, body text and headers (read for the request id and error type).</summary>
internal sealed record HttpReply(int StatusCode, bool IsSuccess, string Text, System.Net.Http.Headers.HttpResponseHeaders Headers, string? ReasonPhrase);
