using System;
using System.Collections.Generic;
using System.IO;
using MarketplaceGuard.Aws.Connection;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>Credential, region and endpoint resolution in AWS.Tools' order, one test per source.</summary>
public sealed class AwsConnectionTests : IDisposable
{
    private readonly string profiles = Path.Combine(Path.GetTempPath(), $"mg-credentials-{Guid.NewGuid():N}");

    public AwsConnectionTests()
    {
        File.WriteAllText(profiles, """
            [default]
            aws_access_key_id = AKIADEFAULTPROFILE00
            aws_secret_access_key = default-secret

            [audit]
            aws_access_key_id = AKIAAUDITPROFILE0000
            aws_secret_access_key = audit-secret
            region = eu-west-1
            """);
    }

    public void Dispose() => File.Delete(profiles);

    private static readonly Dictionary<string, string?> NoEnvironment = new();

    private AwsConnection Resolve(AwsConnectionRequest request) => AwsConnection.Resolve(request);

    [Fact]
    public void ExplicitKeysComeFirst()
    {
        var connection = Resolve(new() { AccessKey = "AKIAEXPLICIT00000000", SecretKey = "explicit-secret", ProfileName = "audit", ProfileLocation = profiles, Environment = NoEnvironment });

        Assert.Equal("-AccessKey", connection.CredentialSource);
        Assert.Equal("AKIAEXPLICIT00000000", connection.Credentials.GetCredentials().AccessKey);
        Assert.False(connection.Credentials.GetCredentials().UseToken);
    }

    [Fact]
    public void SessionTokenMakesTemporaryCredentials()
    {
        var connection = Resolve(new() { AccessKey = "ASIATEMPORARY0000000", SecretKey = "s", SessionToken = "token", Environment = NoEnvironment });

        Assert.Equal("token", connection.Credentials.GetCredentials().Token);
    }

    [Fact]
    public void AnAccessKeyWithoutSecretIsAnError()
    {
        var e = Assert.Throws<AwsConnectionException>(() => Resolve(new() { AccessKey = "AKIAONLY000000000000", Environment = NoEnvironment }));

        Assert.Equal("-AccessKey and -SecretKey go together: give both (and -SessionToken for temporary credentials).", e.Message);
    }

    [Fact]
    public void ProfileFromAGivenFile()
    {
        var connection = Resolve(new() { ProfileName = "audit", ProfileLocation = profiles, Environment = NoEnvironment });

        Assert.Equal($"profile 'audit' in {profiles}", connection.CredentialSource);
        Assert.Equal("AKIAAUDITPROFILE0000", connection.Credentials.GetCredentials().AccessKey);
    }

    [Fact]
    public void AMissingProfileIsAnErrorNotAFallBack()
    {
        var e = Assert.Throws<AwsConnectionException>(() => Resolve(new() { ProfileName = "nope", ProfileLocation = profiles, Environment = NoEnvironment }));

        Assert.Equal($"-ProfileName: no profile 'nope' with usable credentials in {profiles}.", e.Message);
    }

    [Fact]
    public void CredentialObjectsOfAnotherSdkCopyAreReadByDuckTyping()
    {
        var connection = Resolve(new() { Credential = new ForeignCredentials("AKIAFOREIGN000000000", "foreign-secret", "foreign-token"), Environment = NoEnvironment });

        Assert.Equal("-Credential", connection.CredentialSource);
        var credentials = connection.Credentials.GetCredentials();
        Assert.Equal("AKIAFOREIGN000000000", credentials.AccessKey);
        Assert.Equal("foreign-token", credentials.Token);
    }

    [Fact]
    public void StoredCredentialsOfAwsToolsAreReadThroughTheirCredentialsProperty()
    {
        var stored = new StoredCredentialsLikeAwsTools(new ForeignCredentials("AKIASTORED0000000000", "stored-secret", null));

        var connection = Resolve(new() { StoredCredentials = stored, Environment = NoEnvironment });

        Assert.Equal("$StoredAWSCredentials", connection.CredentialSource);
        Assert.Equal("AKIASTORED0000000000", connection.Credentials.GetCredentials().AccessKey);
    }

    [Fact]
    public void EnvironmentVariablesComeAfterShellCredentials()
    {
        var environment = new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT00000", ["AWS_SECRET_ACCESS_KEY"] = "env-secret", ["AWS_SESSION_TOKEN"] = "env-token" };

        var connection = Resolve(new() { Environment = environment });

        Assert.Equal("environment variables", connection.CredentialSource);
        Assert.Equal("env-token", connection.Credentials.GetCredentials().Token);
    }

    [Fact]
    public void TheDefaultProfileIsUsedWhenNothingElseIsGiven()
    {
        var connection = Resolve(new() { ProfileLocation = profiles, Environment = NoEnvironment });

        Assert.Equal($"profile 'default' in {profiles}", connection.CredentialSource);
        Assert.Equal("AKIADEFAULTPROFILE00", connection.Credentials.GetCredentials().AccessKey);
    }

    [Theory]
    [InlineData("cn-north-1", null, "https://iam.cn-north-1.amazonaws.com.cn/")]
    [InlineData(null, "us-gov-west-1", "https://iam.us-gov.amazonaws.com/")]
    [InlineData(null, null, "https://iam.amazonaws.com/")]
    public void RegionPicksThePartitionStoredRegionComesSecond(string? region, string? storedRegion, string url)
    {
        var connection = Resolve(new() { AccessKey = "AKIAEXPLICIT00000000", SecretKey = "s", Region = region, StoredRegion = storedRegion, Environment = NoEnvironment });

        Assert.Equal(new Uri(url), connection.Endpoint.Url);
    }

    [Fact]
    public void TheSecretNeverAppearsInTheConnectionsText()
    {
        var connection = Resolve(new() { AccessKey = "AKIAEXPLICIT00000000", SecretKey = "very-secret-value", Environment = NoEnvironment });

        Assert.DoesNotContain("very-secret-value", connection.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-value", connection.CredentialSource, StringComparison.Ordinal);
    }

    /// <summary>Shaped like AWSSDK.Core's AWSCredentials from another load context: same members, unrelated type.</summary>
    private sealed class ForeignCredentials(string accessKey, string secretKey, string? token)
    {
        public ForeignImmutable GetCredentials() => new(accessKey, secretKey, token);
    }

    private sealed record ForeignImmutable(string AccessKey, string SecretKey, string? Token);

    /// <summary>Shaped like AWS.Tools' AWSPSCredentials: the SDK credentials in a non-public property.</summary>
    private sealed class StoredCredentialsLikeAwsTools(ForeignCredentials credentials)
    {
        internal ForeignCredentials Credentials { get; } = credentials;
    }
}
