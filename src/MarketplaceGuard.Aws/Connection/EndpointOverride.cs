using System;

namespace MarketplaceGuard.Aws.Connection;

/// <summary>
/// The endpoint URL that replaces a service's own, as the AWS SDKs and AWS.Tools pick it: an explicit URL
/// (-EndpointUrl) first, then the service's variable (AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL_EC2,
/// AWS_ENDPOINT_URL_ORGANIZATIONS), then AWS_ENDPOINT_URL. One rule for every service, so one -EndpointUrl or one
/// AWS_ENDPOINT_URL sends all of them to the same (test) endpoint.
/// </summary>
public static class EndpointOverride
{
    public const string GlobalVariable = "AWS_ENDPOINT_URL";

    /// <summary>
    /// The override URL, or null for none. Throws ArgumentException for an unusable URL, never showing a password, and
    /// for an explicit URL that is empty (an empty variable, unlike an unset one, is not read as "no override").
    /// </summary>
    public static Uri? Resolve(string? endpointUrl, string serviceVariable, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (endpointUrl is not null && string.IsNullOrWhiteSpace(endpointUrl))
        {
            // Given but empty (an unset variable in a script): falling back would send the calls to AWS itself.
            throw new ArgumentException("-EndpointUrl is empty: give an absolute http or https URL, or leave -EndpointUrl out to use the partition's endpoint.");
        }

        var text = FirstNonEmpty(endpointUrl, environment(serviceVariable), environment(GlobalVariable));
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
            // Said without the URL: its user part may hold a password, and secrets never reach output or logs.
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
