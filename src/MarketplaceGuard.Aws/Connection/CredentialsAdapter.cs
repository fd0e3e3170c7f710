using System;
using System.Reflection;
using Amazon.Runtime;

namespace MarketplaceGuard.Aws.Connection;

/// <summary>
/// Reads credentials from an object of another AWSSDK.Core copy (AWS.Tools' AWSCredentials or AWSPSCredentials):
/// the type names match ours but the types do not, so GetCredentials() and AccessKey/SecretKey/Token are reached by
/// reflection, on every call, so refreshing credentials (assumed roles, SSO) stay fresh.
/// </summary>
internal sealed class CredentialsAdapter : AWSCredentials
{
    private readonly object source;

    private CredentialsAdapter(object source)
    {
        this.source = source;
    }

    /// <summary>Wraps an object with GetCredentials(), or with a Credentials property holding one; null otherwise.</summary>
    public static AWSCredentials? TryCreate(object? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value is AWSCredentials own)
        {
            return own;
        }

        var type = value.GetType();
        if (type.GetMethod("GetCredentials", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes) is not null)
        {
            return new CredentialsAdapter(value);
        }

        // AWS.Tools' AWSPSCredentials keeps the SDK credentials in a (non-public) Credentials property.
        var inner = type.GetProperty("Credentials", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(value);
        return inner is null ? null : TryCreate(inner);
    }

    public override ImmutableCredentials GetCredentials()
    {
        var immutable = source.GetType().GetMethod("GetCredentials", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)!.Invoke(source, null)
            ?? throw new InvalidOperationException("The credential object returned no credentials.");
        string? Read(string name) => immutable.GetType().GetProperty(name)?.GetValue(immutable) as string;
        var accessKey = Read("AccessKey");
        var secretKey = Read("SecretKey");
        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
        {
            throw new InvalidOperationException("The credential object has no access key or secret key.");
        }

        return new ImmutableCredentials(accessKey, secretKey, Read("Token"));
    }
}
