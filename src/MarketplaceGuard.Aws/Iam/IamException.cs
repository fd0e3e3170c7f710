using System;

namespace MarketplaceGuard.Aws.Iam;

/// <summary>
/// An error IAM (or STS) returned, or the last one after every retry: the operation, IAM's error code and message,
/// the HTTP status and the request id (for AWS support). Never holds credentials.
/// </summary>
public sealed class IamException : Exception
{
    public IamException(string operation, string code, string message, int statusCode, string? requestId, int attempts, Exception? inner = null)
        : base($"{operation} failed: {code}: {message}" + (attempts > 1 ? $" (after {attempts} attempts)" : string.Empty) + (requestId is null ? string.Empty : $" [request id {requestId}]"), inner)
    {
        Operation = operation;
        Code = code;
        AwsMessage = message;
        StatusCode = statusCode;
        RequestId = requestId;
        Attempts = attempts;
    }

    public string Operation { get; }

    /// <summary>IAM's error code: NoSuchEntity, AccessDenied, Throttling, ...; "ConnectionFailed" and "Timeout" for transport failures.</summary>
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
}
