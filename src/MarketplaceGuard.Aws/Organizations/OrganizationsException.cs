using System;
using MarketplaceGuard.Aws.Transport;

namespace MarketplaceGuard.Aws.Organizations;

/// <summary>
/// An error Organizations returned, or the last one after every retry. <see cref="AwsServiceException.Code"/> is the
/// exception name without its namespace: AccessDeniedException, AWSOrganizationsNotInUseException,
/// TooManyRequestsException, InvalidInputException, ...
/// </summary>
public sealed class OrganizationsException : AwsServiceException
{
    public OrganizationsException(string operation, string code, string message, int statusCode, string? requestId, int attempts, Exception? inner = null)
        : base(string.Empty, operation, code, message, statusCode, requestId, attempts, inner)
    {
    }

    internal override OrganizationsException WithAttempts(int attempts) =>
        new(Operation, Code, AwsMessage, StatusCode, RequestId, attempts, InnerException);
}
