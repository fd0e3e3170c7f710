using System;
using System.Collections.Generic;
using System.Linq;
using Amazon.Runtime.CredentialManagement;

namespace MarketplaceGuard.Aws.Connection;

/// <summary>
/// The profile names -ProfileName offers (tab completion): read by the AWS SDK's profile store chain, the one
/// <see cref="AwsConnection"/> resolves -ProfileName with, so every name offered is a name the cmdlet can look up.
/// Without a location that is the shared credentials and config files (~/.aws/credentials, ~/.aws/config, or
/// AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE), plus the SDK's encrypted store on Windows; with one, that
/// credentials file and the config file.
/// </summary>
public static class AwsProfiles
{
    /// <summary>The distinct profile names, ordered; an unreadable or malformed file gives none rather than an error.</summary>
    public static IReadOnlyList<string> Names(string? profileLocation)
    {
        try
        {
            return new CredentialProfileStoreChain(string.IsNullOrWhiteSpace(profileLocation) ? null : profileLocation)
                .ListProfiles()
                .Select(p => p.Name)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
        }

        // Completion must never fail: a file the SDK cannot read or parse simply offers nothing.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return [];
        }
    }
}
