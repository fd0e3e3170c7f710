using System;
using MarketplaceGuard.Aws.Connection;

namespace MarketplaceGuard.Aws.Organizations;

/// <summary>
/// Where Organizations requests go and which region signs them. Organizations is global with one endpoint per
/// partition: in the aws partition every region resolves to organizations.us-east-1, signed for us-east-1 (the
/// service's endpoint rule set); China and GovCloud have their own. An explicit endpoint URL wins, then
/// AWS_ENDPOINT_URL_ORGANIZATIONS, then AWS_ENDPOINT_URL (<see cref="EndpointOverride"/>); the request is then still
/// signed for the partition's region.
/// </summary>
public sealed class OrganizationsEndpoint
{
    public const string ServiceSpecificEndpointVariable = "AWS_ENDPOINT_URL_ORGANIZATIONS";

    private OrganizationsEndpoint(Uri url, string signingRegion, bool isOverridden)
    {
        Url = url;
        SigningRegion = signingRegion;
        IsOverridden = isOverridden;
    }

    public Uri Url { get; }

    public string SigningRegion { get; }

    /// <summary>True when an endpoint URL was given instead of the partition's endpoint.</summary>
    public bool IsOverridden { get; }

    /// <summary>
    /// The endpoint for a partition (the connection's: aws, aws-cn, aws-us-gov ...) and an optional explicit URL.
    /// Throws ArgumentException for an unusable URL.
    /// </summary>
    public static OrganizationsEndpoint Resolve(string partition, string? endpointUrl, Func<string, string?> environment)
    {
        var (region, host) = partition switch
        {
            "aws-cn" => ("cn-northwest-1", "organizations.cn-northwest-1.amazonaws.com.cn"),
            "aws-us-gov" => ("us-gov-west-1", "organizations.us-gov-west-1.amazonaws.com"),
            "aws-iso" => ("us-iso-east-1", "organizations.us-iso-east-1.c2s.ic.gov"),
            "aws-iso-b" => ("us-isob-east-1", "organizations.us-isob-east-1.sc2s.sgov.gov"),
            _ => ("us-east-1", "organizations.us-east-1.amazonaws.com"),
        };
        return EndpointOverride.Resolve(endpointUrl, ServiceSpecificEndpointVariable, environment) is { } url
            ? new OrganizationsEndpoint(url, region, isOverridden: true)
            : new OrganizationsEndpoint(new Uri($"https://{host}/"), region, isOverridden: false);
    }

    public override string ToString() => $"{Url} (signing region {SigningRegion})";
}
