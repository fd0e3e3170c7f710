using System;
using MarketplaceGuard.Aws.Connection;

namespace MarketplaceGuard.Aws.Ec2;

/// <summary>
/// Where EC2 requests for a region go. EC2 is regional: each region has its own endpoint, which the AWS SDK knows.
/// An explicit endpoint URL (-EndpointUrl) wins, then AWS_ENDPOINT_URL_EC2, then AWS_ENDPOINT_URL
/// (<see cref="EndpointOverride"/>); the request is then still signed for the region, which is how one endpoint can
/// serve several.
/// </summary>
public static class Ec2Endpoint
{
    public const string ServiceSpecificEndpointVariable = "AWS_ENDPOINT_URL_EC2";
    public const string GlobalEndpointVariable = EndpointOverride.GlobalVariable;

    /// <summary>The override URL, or null for the SDK's regional endpoint. Throws ArgumentException for an unusable URL.</summary>
    public static Uri? OverrideUrl(string? endpointUrl, Func<string, string?> environment) =>
        EndpointOverride.Resolve(endpointUrl, ServiceSpecificEndpointVariable, environment);
}
