using System;
using MarketplaceGuard.Aws.Transport;

namespace MarketplaceGuard.Aws.Agreements;

/// <summary>
/// An error the Marketplace Agreement API returned for an account, or the last one after every retry, or a reply that
/// cannot be read (MalformedResponse): like every <see cref="AwsServiceException"/>, and the account searched, which
/// the message starts with. <see cref="AwsServiceException.Code"/> is the exception name without its namespace:
/// AccessDeniedException, ValidationException, ThrottlingException, InternalServerException ...
/// </summary>
public sealed class AgreementException : AwsServiceException
{
    public AgreementException(string accountId, string operation, string code, string message, int statusCode, string? requestId, int attempts, Exception? inner = null)
        : base($"Account {accountId}: ", operation, code, message, statusCode, requestId, attempts, inner)
    {
        AccountId = accountId;
    }

    /// <summary>The account whose agreements were searched.</summary>
    public string AccountId { get; }

    internal override AgreementException WithAttempts(int attempts) =>
        new(AccountId, Operation, Code, AwsMessage, StatusCode, RequestId, attempts, InnerException);
}
