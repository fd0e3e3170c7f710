using System;
using System.Collections.Generic;
using MarketplaceGuard.Aws.Iam;

namespace MarketplaceGuard.Tests.Aws;

public sealed class IamEndpointTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData(null, "https://iam.amazonaws.com/", "us-east-1", "aws")]
    [InlineData("eu-west-1", "https://iam.amazonaws.com/", "us-east-1", "aws")]
    [InlineData("cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1", "aws-cn")]
    [InlineData("us-gov-east-1", "https://iam.us-gov.amazonaws.com/", "us-gov-west-1", "aws-us-gov")]
    public void GlobalEndpointOfTheRegionsPartition(string? region, string url, string signingRegion, string partition)
    {
        var endpoint = IamEndpoint.Resolve(region, endpointUrl: null, NoEnvironment);

        Assert.Equal(new Uri(url), endpoint.Url);
        Assert.Equal(signingRegion, endpoint.SigningRegion);
        Assert.Equal(partition, endpoint.Partition);
    }

    [Fact]
    public void ExplicitUrlWinsOverEnvironment()
    {
        var environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_IAM"] = "http://127.0.0.1:1111", ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:2222" };

        var endpoint = IamEndpoint.Resolve(null, "http://127.0.0.1:3333", k => environment.GetValueOrDefault(k));

        Assert.Equal(new Uri("http://127.0.0.1:3333"), endpoint.Url);
        Assert.Equal("us-east-1", endpoint.SigningRegion);
    }

    [Theory]
    [InlineData("http://127.0.0.1:1111", "http://127.0.0.1:2222", "http://127.0.0.1:1111/")]
    [InlineData(null, "http://127.0.0.1:2222", "http://127.0.0.1:2222/")]
    [InlineData("  ", "http://127.0.0.1:2222", "http://127.0.0.1:2222/")]
    public void ServiceSpecificVariableWinsOverTheGlobalOne(string? iamUrl, string? globalUrl, string expected)
    {
        var environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_IAM"] = iamUrl, ["AWS_ENDPOINT_URL"] = globalUrl };

        var endpoint = IamEndpoint.Resolve("eu-central-1", null, k => environment.GetValueOrDefault(k));

        Assert.Equal(new Uri(expected), endpoint.Url);
    }

    [Theory]
    [InlineData("iam.local")]
    [InlineData("ftp://127.0.0.1/")]
    public void RejectsAnEndpointThatIsNotAnHttpUrl(string url)
    {
        var e = Assert.Throws<ArgumentException>(() => IamEndpoint.Resolve(null, url, NoEnvironment));

        Assert.Contains($"'{url}' is not an absolute http or https URL", e.Message, StringComparison.Ordinal);
    }
}
