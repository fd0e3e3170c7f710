using System;
using MarketplaceGuard.Aws.Iam;

namespace MarketplaceGuard.Aws.Ec2;

/// <summary>
/// An error EC2 returned in a region, or the last one after every retry: the region, the operation, EC2's error code
/// and message, the HTTP status and the request id. "ConnectionFailed", "Timeout" and "MalformedResponse" stand
/// for transport failures. Never holds credentials.
/// </summary>
public sealed class Ec2Exception : Exception
{
    public Ec2Exception(string region, string operation, string code, string message, int statusCode, string? requestId, int attempts, Exception? inner = null)
        : base($"{region}: {operation} failed: {code}: {message}" + (attempts > 1 ? $" (after {attempts} attempts)" : string.Empty) + (requestId is null ? string.Empty : $" [request id {requestId}]"), inner)
    {
        Region = region;
        Operation = operation;
        Code = code;
        AwsMessage = message;
        StatusCode = statusCode;
        RequestId = requestId;
        Attempts = attempts;
    }

    public string Region { get; }

    public string Operation { get; }

    /// <summary>EC2's error code: UnauthorizedOperation, RequestLimitExceeded, OptInRequired, InvalidParameterValue, ...</summary>
    public string Code { get; }

    public string AwsMessage { get; }

    /// <summary>The HTTP status, 0 when no reply came.</summary>
    public int StatusCode { get; }

    public string? RequestId { get; }

    public int Attempts { get; }

    /// <summary>Throttling, server errors and transport failures (the module's retry rules, <see cref="IamRetryPolicy"/>).</summary>
    public bool IsTransient => IamRetryPolicy.IsTransient(Code, StatusCode);

    internal Ec2Exception WithAttempts(int attempts) =>
        new(Region, Operation, Code, AwsMessage, StatusCode, RequestId, attempts, InnerException);
}
