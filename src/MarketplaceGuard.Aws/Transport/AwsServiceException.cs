using System;
using MarketplaceGuard.Aws.Iam;

namespace MarketplaceGuard.Aws.Transport;

/// <summary>
/// An error an AWS service returned, or the last one after every retry: the operation, the service's error code and
/// message, the HTTP status and the request id (for AWS support); "ConnectionFailed", "Timeout" and
/// "MalformedResponse" stand for transport failures. Each service has its own subclass, so a caller can tell IAM's
/// errors from EC2's or Organizations'; the retry loop and the account fan-out read them all alike through this base.
/// Never holds credentials.
/// </summary>
public abstract class AwsServiceException : Exception
{
    private protected AwsServiceException(string context, string operation, string code, string message, int statusCode, string? requestId, int attempts, Exception? inner)
        : base($"{context}{operation} failed: {code}: {message}" + (attempts > 1 ? $" (after {attempts} attempts)" : string.Empty) + (requestId is null ? string.Empty : $" [request id {requestId}]"), inner)
    {
        Operation = operation;
        Code = code;
        AwsMessage = message;
        StatusCode = statusCode;
        RequestId = requestId;
        Attempts = attempts;
    }

    public string Operation { get; }

    /// <summary>The service's error code: NoSuchEntity, AccessDenied, AccessDeniedException, Throttling, ...</summary>
    public string Code { get; }

    public string AwsMessage { get; }

    /// <summary>The HTTP status, 0 when no reply came.</summary>
    public int StatusCode { get; }

    public string? RequestId { get; }

    public int Attempts { get; }

    /// <summary>True when the request may have been applied although it failed (the reply was lost, the server failed).</summary>
    public bool MayHaveApplied => IamRetryPolicy.MayHaveApplied(Code, StatusCode);

    /// <summary>True for throttling, server errors and transport failures: worth another attempt.</summary>
    public bool IsTransient => IamRetryPolicy.IsTransient(Code, StatusCode);

    /// <summary>True when the service refused the call for its rate (after every retry, when thrown by a client).</summary>
    public bool IsThrottling => IamRetryPolicy.IsThrottling(Code);

    /// <summary>The same error, counted over <paramref name="attempts"/> attempts: what the retry loop finally throws.</summary>
    internal abstract AwsServiceException WithAttempts(int attempts);
}
