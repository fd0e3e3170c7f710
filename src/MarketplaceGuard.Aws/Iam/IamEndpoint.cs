using System;
using Amazon;
using MarketplaceGuard.Aws.Connection;

namespace MarketplaceGuard.Aws.Iam;

/// <summary>
/// Where IAM requests go and which region signs them. IAM is a global service with one endpoint per partition,
/// signed for that partition's home region (us-east-1 in the aws partition). An explicit endpoint URL wins, then the
/// AWS_ENDPOINT_URL_IAM and AWS_ENDPOINT_URL environment variables (<see cref="EndpointOverride"/>).
/// </summary>
public sealed class IamEndpoint
{
    // AWS region codes: partition prefix, area words, a number (us-east-1, ap-southeast-7, us-gov-west-1, us-isob-east-1).
    private static readonly System.Text.RegularExpressions.Regex RegionPattern = new(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public const string ServiceSpecificEndpointVariable = "AWS_ENDPOINT_URL_IAM";
    public const string GlobalEndpointVariable = EndpointOverride.GlobalVariable;

    private IamEndpoint(Uri url, string signingRegion, string partition, bool isOverridden)
    {
        Url = url;
        SigningRegion = signingRegion;
        Partition = partition;
        IsOverridden = isOverridden;
    }

    /// <summary>True when an endpoint URL was given (it then serves STS calls too: the test endpoint does).</summary>
    public bool IsOverridden { get; }

    public Uri Url { get; }

    public string SigningRegion { get; }

    /// <summary>The partition: aws, aws-cn, aws-us-gov ...; it is also the first field of every ARN in the account.</summary>
    public string Partition { get; }

    /// <summary>
    /// Resolves the endpoint for a region (null: the aws partition) and an optional explicit endpoint URL.
    /// <paramref name="environment"/> reads environment variables; tests pass their own.
    /// </summary>
    public static IamEndpoint Resolve(string? region, string? endpointUrl, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (region is not null && !RegionPattern.IsMatch(region))
        {
            throw new ArgumentException($"'{region}' is not an AWS region code (like us-east-1, eu-central-1, us-gov-west-1).");
        }

        var (partition, homeRegion, host) = PartitionOf(region);

        return EndpointOverride.Resolve(endpointUrl, ServiceSpecificEndpointVariable, environment) is { } url
            ? new IamEndpoint(url, homeRegion, partition, isOverridden: true)
            : new IamEndpoint(new Uri("https://" + host + "/"), homeRegion, partition, isOverridden: false);
    }

    private static (string Partition, string HomeRegion, string Host) PartitionOf(string? region)
    {
        if (string.IsNullOrWhiteSpace(region))
        {
            return ("aws", "us-east-1", "iam.amazonaws.com");
        }

        // The SDK's own partition data knows every region, including ones newer than this module.
        var partition = RegionEndpoint.GetBySystemName(region.Trim()).PartitionName ?? "aws";
        return partition switch
        {
            "aws-cn" => (partition, "cn-north-1", "iam.cn-north-1.amazonaws.com.cn"),
            "aws-us-gov" => (partition, "us-gov-west-1", "iam.us-gov.amazonaws.com"),
            "aws-iso" => (partition, "us-iso-east-1", "iam.us-iso-east-1.c2s.ic.gov"),
            "aws-iso-b" => (partition, "us-isob-east-1", "iam.us-isob-east-1.sc2s.sgov.gov"),
            _ => ("aws", "us-east-1", "iam.amazonaws.com"),
        };
    }
}
