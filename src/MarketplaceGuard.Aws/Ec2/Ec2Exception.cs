using System;
using MarketplaceGuard.Aws.Transport;

namespace MarketplaceGuard.Aws.Ec2;

/// <summary>
/// An error EC2 returned in a region, or the last one after every retry: like every <see cref="AwsServiceException"/>,
/// and the region, which the message starts with.
/// </summary>
public sealed class Ec2Exception : AwsServiceException
{
    public Ec2Exception(string region, string operation, string code, string message, int statusCode, string? requestId, int attempts, Exception? inner = null)
        : base($"{region}: ", operation, code, message, statusCode, requestId, attempts, inner)
    {
        Region = region;
    }

    public string Region { get; }

    internal override Ec2Exception WithAttempts(int attempts) =>
        new(Region, Operation, Code, AwsMessage, StatusCode, RequestId, attempts, InnerException);
}
