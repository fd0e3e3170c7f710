using System;

namespace MarketplaceGuard.Aws.Ec2;

/// <summary>
/// Where EC2 requests for a region go. EC2 is regional: each region has its own endpoint, which the AWS SDK knows.
/// An explicit endpoint URL (-EndpointUrl) wins, then AWS_ENDPOINT_URL_EC2, then AWS_ENDPOINT_URL, as in the AWS
/// SDKs and AWS.Tools; the request is then still signed for the region, which is how one endpoint can serve several.
/// </summary>
public static class Ec2Endpoint
{
    public const string ServiceSpecificEndpointVariable = "AWS_ENDPOINT_URL_EC2";
    public const string GlobalEndpointVariable = "AWS_ENDPOINT_URL";

    /// <summary>The override URL, or null for the SDK's regional endpoint. Throws ArgumentException for an unusable URL.</summary>
    public static Uri? OverrideUrl(string? endpointUrl, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var text = FirstNonEmpty(endpointUrl, environment(ServiceSpecificEndpointVariable), environment(GlobalEndpointVariable));
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"The endpoint URL '{text}' is not an absolute http or https URL.");
        }

        if (url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            throw new ArgumentException($"The endpoint URL for {url.Host} carries a user name, password or query string (which may hold a token); give credentials with -AccessKey/-SecretKey, a profile or -Credential instead.");
        }

        return url;
    }

    private static string? FirstNonEmpty(params string?[] values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return null;
    }
}
