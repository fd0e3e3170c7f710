using System;
using MarketplaceGuard.Aws.Transport;

namespace MarketplaceGuard.Aws.Iam;

/// <summary>An error IAM (or STS) returned, or the last one after every retry.</summary>
public sealed class IamException : AwsServiceException
{
    public IamException(string operation, string code, string message, int statusCode, string? requestId, int attempts, Exception? inner = null)
        : base(string.Empty, operation, code, message, statusCode, requestId, attempts, inner)
    {
    }

    internal override IamException WithAttempts(int attempts) =>
        new(Operation, Code, AwsMessage, StatusCode, RequestId, attempts, InnerException);
}
