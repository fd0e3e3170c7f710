using System;
using MarketplaceGuard.Aws.Connection;

namespace MarketplaceGuard.Aws.Agreements;

/// <summary>
/// Where Marketplace Agreement API requests go. The API exists in one region only, us-east-1 of the aws partition
/// (AWS Marketplace developer guide, "Agreement API regions"), so every request goes to
/// agreement-marketplace.us-east-1.amazonaws.com signed for us-east-1 and the service <c>aws-marketplace</c>, whatever
/// region the caller gave. The service's endpoint rule set would build a host in any region of any partition
/// (agreement-marketplace.cn-north-1.amazonaws.com.cn ...), but none exists outside us-east-1: in the other partitions
/// (China, GovCloud, the ISO partitions) the endpoint is unavailable, with the reason in <see cref="UnavailableReason"/>,
/// and no request is sent. An explicit endpoint URL (-EndpointUrl, AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT,
/// AWS_ENDPOINT_URL; <see cref="EndpointOverride"/>) wins in every partition and is signed for us-east-1.
/// </summary>
public sealed class AgreementEndpoint
{
    /// <summary>The SDKs' variable for this service: AWS_ENDPOINT_URL_ plus its service id "Marketplace Agreement".</summary>
    public const string ServiceSpecificEndpointVariable = "AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT";

    /// <summary>The only region the API exists in.</summary>
    public const string ServiceRegion = "us-east-1";

    /// <summary>The SigV4 service name (the endpoint prefix is agreement-marketplace).</summary>
    public const string SigningName = "aws-marketplace";

    private AgreementEndpoint(Uri? url, bool isOverridden, string? unavailableReason)
    {
        Url = url;
        IsOverridden = isOverridden;
        UnavailableReason = unavailableReason;
    }

    /// <summary>The endpoint; null when the partition has none (<see cref="UnavailableReason"/>).</summary>
    public Uri? Url { get; }

    public bool IsOverridden { get; }

    public bool IsAvailable => Url is not null;

    /// <summary>Why there is no endpoint (a partition without the API); null when there is one.</summary>
    public string? UnavailableReason { get; }

    /// <summary>The endpoint for the connection's partition and an optional explicit URL. Throws ArgumentException for an unusable URL.</summary>
    public static AgreementEndpoint Resolve(string partition, string? endpointUrl, Func<string, string?> environment)
    {
        if (EndpointOverride.Resolve(endpointUrl, ServiceSpecificEndpointVariable, environment) is { } url)
        {
            return new AgreementEndpoint(url, isOverridden: true, null);
        }

        return partition == "aws"
            ? new AgreementEndpoint(new Uri($"https://agreement-marketplace.{ServiceRegion}.amazonaws.com/"), isOverridden: false, null)
            : new AgreementEndpoint(null, isOverridden: false,
                $"the AWS Marketplace Agreement API exists only in {ServiceRegion} of the aws partition, and the connection is in the {partition} partition (AWS Marketplace is not offered there)");
    }

    public override string ToString() => Url is null ? $"(none: {UnavailableReason})" : $"{Url} (signing region {ServiceRegion}, service {SigningName})";
}
