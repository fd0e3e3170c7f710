using System;
using System.Collections.Generic;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Organizations;

namespace MarketplaceGuard.Tests.Aws;

public sealed class OrganizationsEndpointTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData(null, "https://organizations.us-east-1.amazonaws.com/", "us-east-1")]
    [InlineData("eu-west-1", "https://organizations.us-east-1.amazonaws.com/", "us-east-1")]
    [InlineData("ap-southeast-2", "https://organizations.us-east-1.amazonaws.com/", "us-east-1")]
    [InlineData("cn-north-1", "https://organizations.cn-northwest-1.amazonaws.com.cn/", "cn-northwest-1")]
    [InlineData("us-gov-east-1", "https://organizations.us-gov-west-1.amazonaws.com/", "us-gov-west-1")]
    public void OneEndpointPerPartitionWhateverTheRegion(string? region, string url, string signingRegion)
    {
        var connection = AwsConnection.Resolve(new AwsConnectionRequest { AccessKey = "AKIAENDPOINT00000000", SecretKey = "s", Region = region, Environment = new Dictionary<string, string?>() });

        Assert.Equal(new Uri(url), connection.OrganizationsEndpoint.Url);
        Assert.Equal(signingRegion, connection.OrganizationsEndpoint.SigningRegion);
        Assert.False(connection.OrganizationsEndpoint.IsOverridden);
    }

    [Theory]
    [InlineData("http://127.0.0.1:3333", "http://127.0.0.1:1111", "http://127.0.0.1:2222", "http://127.0.0.1:3333/")]
    [InlineData(null, "http://127.0.0.1:1111", "http://127.0.0.1:2222", "http://127.0.0.1:1111/")]
    [InlineData(null, " ", "http://127.0.0.1:2222", "http://127.0.0.1:2222/")]
    public void ExplicitUrlThenTheServiceVariableThenTheGlobalOne(string? explicitUrl, string? organizationsUrl, string? globalUrl, string expected)
    {
        var environment = new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL_ORGANIZATIONS"] = organizationsUrl,
            ["AWS_ENDPOINT_URL"] = globalUrl,
            ["AWS_ENDPOINT_URL_IAM"] = "http://127.0.0.1:4444",
        };

        var endpoint = OrganizationsEndpoint.Resolve("aws-cn", explicitUrl, k => environment.GetValueOrDefault(k));

        Assert.Equal(new Uri(expected), endpoint.Url);
        Assert.Equal("cn-northwest-1", endpoint.SigningRegion);
        Assert.True(endpoint.IsOverridden);
    }

    [Fact]
    public void TheIamVariableDoesNotMoveOrganizations()
    {
        var endpoint = OrganizationsEndpoint.Resolve("aws", null, k => k == "AWS_ENDPOINT_URL_IAM" ? "http://127.0.0.1:4444" : null);

        Assert.Equal(new Uri("https://organizations.us-east-1.amazonaws.com/"), endpoint.Url);
    }

    [Fact]
    public void AnOverrideWithAPasswordIsRefusedWithoutShowingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => OrganizationsEndpoint.Resolve("aws", "http://user:hunter2@127.0.0.1:9/", NoEnvironment));

        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void AnEmptyExplicitUrlIsRefusedRatherThanSendingToAws(string explicitUrl)
    {
        // An empty -EndpointUrl (an unset variable in a test script) must not quietly send writes to the real
        // partition endpoint, nor to whatever AWS_ENDPOINT_URL happens to say.
        var e = Assert.Throws<ArgumentException>(() => OrganizationsEndpoint.Resolve("aws", explicitUrl, k => k == "AWS_ENDPOINT_URL" ? "http://127.0.0.1:2222" : null));

        Assert.Contains("-EndpointUrl is empty", e.Message, StringComparison.Ordinal);
    }
}
