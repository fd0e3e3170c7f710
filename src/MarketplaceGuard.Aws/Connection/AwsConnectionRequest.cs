using System.Collections.Generic;

namespace MarketplaceGuard.Aws.Connection;

/// <summary>
/// What a cmdlet was told about credentials, region and endpoint, in AWS.Tools' terms: the common parameters
/// (-AccessKey, -SecretKey, -SessionToken, -ProfileName, -ProfileLocation, -Credential, -Region, -EndpointUrl) and the
/// shell variables $StoredAWSCredentials and $StoredAWSRegion. Credential objects are AWS.Tools' own (read by duck
/// typing: their AWSSDK.Core is not ours), so they arrive as plain objects.
/// </summary>
public sealed class AwsConnectionRequest
{
    public string? AccessKey { get; init; }

    public string? SecretKey { get; init; }

    public string? SessionToken { get; init; }

    public string? ProfileName { get; init; }

    public string? ProfileLocation { get; init; }

    /// <summary>-Credential: an AWSCredentials object (anything with GetCredentials()).</summary>
    public object? Credential { get; init; }

    /// <summary>$StoredAWSCredentials: AWS.Tools' AWSPSCredentials, or a credentials object.</summary>
    public object? StoredCredentials { get; init; }

    /// <summary>-Region: a system name, or an object whose text is one (AWS.Tools' AWSRegion).</summary>
    public string? Region { get; init; }

    /// <summary>$StoredAWSRegion.</summary>
    public string? StoredRegion { get; init; }

    public string? EndpointUrl { get; init; }

    /// <summary>Environment variables (tests pass their own); null reads the process environment.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }
}
