using System;
using System.Collections.Generic;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using MarketplaceGuard.Aws.Agreements;
using MarketplaceGuard.Aws.Ec2;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Aws.Organizations;

namespace MarketplaceGuard.Aws.Connection;

/// <summary>
/// Credentials and endpoints (IAM and STS, EC2, Organizations, Marketplace Agreement) for one cmdlet call, resolved in AWS.Tools' order: -AccessKey/-SecretKey
/// (+ -SessionToken); -ProfileName (with -ProfileLocation; a missing profile is an error, never a fall-back);
/// -Credential; $StoredAWSCredentials; AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN); the "default"
/// profile; the legacy "AWS PS Default" profile; then the rest of the SDK's chain (web identity, SSO, container and
/// instance credentials). Region: -Region, $StoredAWSRegion, AWS_REGION, AWS_DEFAULT_REGION, else the aws partition.
/// The secret never leaves this object: <see cref="ToString"/> and <see cref="CredentialSource"/> name only where the
/// credentials came from.
/// </summary>
public sealed class AwsConnection
{
    private AwsConnection(AWSCredentials credentials, string credentialSource, IamEndpoint endpoint, string? region, Uri? ec2EndpointOverride, OrganizationsEndpoint organizationsEndpoint, AgreementEndpoint agreementEndpoint)
    {
        AgreementEndpoint = agreementEndpoint;
        Credentials = credentials;
        CredentialSource = credentialSource;
        Endpoint = endpoint;
        Region = region;
        Ec2EndpointOverride = ec2EndpointOverride;
        OrganizationsEndpoint = organizationsEndpoint;
    }

    /// <summary>Where the credentials came from, e.g. "-AccessKey", "profile 'audit' in ~/.aws/credentials".</summary>
    public string CredentialSource { get; }

    public IamEndpoint Endpoint { get; }

    /// <summary>The region given (-Region, $StoredAWSRegion, AWS_REGION, AWS_DEFAULT_REGION); null when none was.</summary>
    public string? Region { get; }

    /// <summary>Where EC2 calls go instead of the regional endpoints (-EndpointUrl, AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL); null for none.</summary>
    public Uri? Ec2EndpointOverride { get; }

    /// <summary>Where Organizations calls go: the partition's endpoint, or -EndpointUrl, AWS_ENDPOINT_URL_ORGANIZATIONS, AWS_ENDPOINT_URL.</summary>
    public OrganizationsEndpoint OrganizationsEndpoint { get; }

    /// <summary>Where Marketplace Agreement calls go: us-east-1 of the aws partition (none elsewhere), or -EndpointUrl, AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT, AWS_ENDPOINT_URL.</summary>
    public AgreementEndpoint AgreementEndpoint { get; }

    internal AWSCredentials Credentials { get; }

    /// <summary>Resolves a request; throws <see cref="AwsConnectionException"/> with a clear reason.</summary>
    public static AwsConnection Resolve(AwsConnectionRequest request)
    {
        string? Env(string name) => request.Environment is { } env ? env.GetValueOrDefault(name) : System.Environment.GetEnvironmentVariable(name);
        var region = FirstNonEmpty(request.Region, request.StoredRegion, Env("AWS_REGION"), Env("AWS_DEFAULT_REGION"));
        IamEndpoint endpoint;
        Uri? ec2Endpoint;
        OrganizationsEndpoint organizationsEndpoint;
        AgreementEndpoint agreementEndpoint;
        try
        {
            endpoint = IamEndpoint.Resolve(region, request.EndpointUrl, Env);
            ec2Endpoint = Ec2Endpoint.OverrideUrl(request.EndpointUrl, Env);
            organizationsEndpoint = OrganizationsEndpoint.Resolve(endpoint.Partition, request.EndpointUrl, Env);
            agreementEndpoint = AgreementEndpoint.Resolve(endpoint.Partition, request.EndpointUrl, Env);
        }
        catch (ArgumentException e)
        {
            throw new AwsConnectionException(e.Message, e);
        }

        var (credentials, source) = ResolveCredentials(request, Env);
        return new AwsConnection(credentials, source, endpoint, region, ec2Endpoint, organizationsEndpoint, agreementEndpoint);
    }

    /// <summary>
    /// The same endpoints and region with other credentials, such as a role assumed in another account of the
    /// organization; <paramref name="credentialSource"/> names them ("role Audit in 222222222222 (assumed)").
    /// </summary>
    internal AwsConnection WithCredentials(AWSCredentials credentials, string credentialSource) =>
        new(credentials, credentialSource, Endpoint, Region, Ec2EndpointOverride, OrganizationsEndpoint, AgreementEndpoint);

    public override string ToString() => $"{Endpoint.Url} with credentials from {CredentialSource}";

    private static (AWSCredentials Credentials, string Source) ResolveCredentials(AwsConnectionRequest request, Func<string, string?> env)
    {
        if (!string.IsNullOrEmpty(request.AccessKey) || !string.IsNullOrEmpty(request.SecretKey))
        {
            if (string.IsNullOrEmpty(request.AccessKey) || string.IsNullOrEmpty(request.SecretKey))
            {
                throw new AwsConnectionException("-AccessKey and -SecretKey go together: give both (and -SessionToken for temporary credentials).");
            }

            return (Basic(request.AccessKey, request.SecretKey, request.SessionToken), "-AccessKey");
        }

        if (!string.IsNullOrEmpty(request.ProfileName))
        {
            return Profile(request.ProfileName, request.ProfileLocation)
                ?? throw new AwsConnectionException($"-ProfileName: no profile '{request.ProfileName}' with usable credentials in {(request.ProfileLocation ?? "the shared credentials and config files")}.");
        }

        if (request.Credential is not null)
        {
            return (CredentialsAdapter.TryCreate(request.Credential)
                ?? throw new AwsConnectionException($"-Credential: a {request.Credential.GetType().FullName} is not a credentials object (it needs GetCredentials())."), "-Credential");
        }

        if (CredentialsAdapter.TryCreate(request.StoredCredentials) is { } stored)
        {
            return (stored, "$StoredAWSCredentials");
        }

        var accessKey = env("AWS_ACCESS_KEY_ID");
        var secretKey = env("AWS_SECRET_ACCESS_KEY");
        if (!string.IsNullOrEmpty(accessKey) && !string.IsNullOrEmpty(secretKey))
        {
            return (Basic(accessKey, secretKey, env("AWS_SESSION_TOKEN")), "environment variables");
        }

        foreach (var name in new[] { "default", "AWS PS Default" })
        {
            if (Profile(name, request.ProfileLocation) is { } profile)
            {
                return profile;
            }
        }

        try
        {
            return (DefaultAWSCredentialsIdentityResolver.GetCredentials(null), "the AWS SDK's default credential chain");
        }
        catch (AmazonClientException e)
        {
            throw new AwsConnectionException("No AWS credentials: give -AccessKey/-SecretKey, -ProfileName or -Credential, run Set-AWSCredential, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.", e);
        }
    }

    private static (AWSCredentials, string)? Profile(string name, string? location)
    {
        var chain = new CredentialProfileStoreChain(location);
        if (!chain.TryGetAWSCredentials(name, out var credentials))
        {
            return null;
        }

        return (credentials, $"profile '{name}'" + (location is null ? string.Empty : $" in {location}"));
    }

    private static AWSCredentials Basic(string accessKey, string secretKey, string? sessionToken) =>
        string.IsNullOrEmpty(sessionToken) ? new BasicAWSCredentials(accessKey, secretKey) : new SessionAWSCredentials(accessKey, secretKey, sessionToken);

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

/// <summary>Credentials, region or endpoint could not be resolved; the message says which input and why, never a secret.</summary>
public sealed class AwsConnectionException : Exception
{
    public AwsConnectionException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
