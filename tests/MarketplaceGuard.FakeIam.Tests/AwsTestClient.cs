using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using MarketplaceGuard.FakeIam.Organizations;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>Temporary credentials from an AssumeRole reply.</summary>
internal sealed record AssumedCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration, string Arn, string AssumedRoleId);

/// <summary>
/// Calls as one set of credentials (a dummy SigV4 header for the access key, and X-Amz-Security-Token when there is a
/// session token): Query calls to IAM and STS, and JSON 1.1 calls to Organizations.
/// </summary>
internal sealed class AwsTestClient : IDisposable
{
    private readonly HttpClient http;
    private readonly string accessKeyId;
    private readonly string? sessionToken;

    public AwsTestClient(FakeIamServer server, string accessKeyId = IamTestClient.AccessKeyId, string? sessionToken = null)
    {
        http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(20) };
        this.accessKeyId = accessKeyId;
        this.sessionToken = sessionToken;
    }

    public AwsTestClient(FakeIamServer server, AssumedCredentials credentials)
        : this(server, credentials.AccessKeyId, credentials.SessionToken)
    {
    }

    public Task<IamReply> IamAsync(string action, params (string Name, string Value)[] parameters) =>
        QueryAsync("iam", "2010-05-08", action, parameters);

    public Task<IamReply> StsAsync(string action, params (string Name, string Value)[] parameters) =>
        QueryAsync("sts", "2011-06-15", action, parameters);

    public async Task<IamReply> QueryAsync(string service, string version, string action, params (string Name, string Value)[] parameters)
    {
        var form = new[] { ("Action", action), ("Version", version) }.Concat(parameters);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent(string.Join("&", form.Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2))), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        Sign(request, service);
        using var response = await http.SendAsync(request);
        var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.Single() : null;
        return new IamReply((int)response.StatusCode, await response.Content.ReadAsStringAsync(), requestId);
    }

    /// <summary>AssumeRole; asserts success and returns the credentials.</summary>
    public async Task<AssumedCredentials> AssumeRoleAsync(string roleArn, string sessionName = "audit", params (string Name, string Value)[] more)
    {
        var reply = await StsAsync("AssumeRole", new[] { ("RoleArn", roleArn), ("RoleSessionName", sessionName) }.Concat(more).ToArray());
        reply.AssertOk();
        return new AssumedCredentials(reply.Value("AccessKeyId")!, reply.Value("SecretAccessKey")!, reply.Value("SessionToken")!,
            DateTimeOffset.Parse(reply.Value("Expiration")!, System.Globalization.CultureInfo.InvariantCulture), reply.Value("Arn")!, reply.Value("AssumedRoleId")!);
    }

    /// <summary>A JSON 1.1 call to Organizations: X-Amz-Target AWSOrganizationsV20161128.&lt;operation&gt;, the body serialized from <paramref name="body"/>.</summary>
    public Task<OrgReply> OrganizationsAsync(string operation, object? body = null) =>
        OrganizationsRawAsync(OrganizationsRequest.TargetPrefix + operation, JsonSerializer.Serialize(body ?? new { }));

    public async Task<OrgReply> OrganizationsRawAsync(string target, string body, string contentType = "application/x-amz-json-1.1")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        Sign(request, "organizations");
        using var response = await http.SendAsync(request);
        var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.Single() : null;
        return new OrgReply((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType, requestId);
    }

    /// <summary>Walks every page of an Organizations listing; returns the pages.</summary>
    public async Task<List<OrgReply>> AllOrganizationsPagesAsync(string operation, Dictionary<string, object>? parameters = null)
    {
        var pages = new List<OrgReply>();
        string? token = null;
        do
        {
            var body = new Dictionary<string, object>(parameters ?? new Dictionary<string, object>());
            if (token is not null)
            {
                body["NextToken"] = token;
            }

            var page = await OrganizationsAsync(operation, body);
            page.AssertOk();
            pages.Add(page);
            token = page.NextToken;
            Assert.True(pages.Count < 1000, "The tokens never end.");
        }
        while (token is not null);

        return pages;
    }

    public void Dispose() => http.Dispose();

    private void Sign(HttpRequestMessage request, string service)
    {
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKeyId}/20261130/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0");
        if (sessionToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", sessionToken);
        }
    }
}

/// <summary>An Organizations reply: status, body as JSON, and error helpers.</summary>
internal sealed record OrgReply(int Status, string Body, string? ContentType, string? RequestIdHeader)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? NextToken => Json.TryGetProperty("NextToken", out var token) ? token.GetString() : null;

    /// <summary>The ids of the objects in the list <paramref name="listName"/>.</summary>
    public List<string> Ids(string listName, string idMember = "Id") =>
        Json.GetProperty(listName).EnumerateArray().Select(e => e.GetProperty(idMember).GetString()!).ToList();

    public void AssertOk()
    {
        Assert.True(Status == 200, $"Expected 200, got {Status}: {Body}");
        Assert.Equal("application/x-amz-json-1.1", ContentType);
        Assert.True(Guid.TryParse(RequestIdHeader, out _));
    }

    /// <summary>Asserts a JSON 1.1 error: status, __type, a Message, and the Reason when one is given.</summary>
    public void AssertError(string code, string? reason = null, int status = 400)
    {
        Assert.True(Status == status, $"Expected {status} {code}, got {Status}: {Body}");
        Assert.Equal("application/x-amz-json-1.1", ContentType);
        Assert.Equal(code, Json.GetProperty("__type").GetString());
        Assert.False(string.IsNullOrEmpty(Json.GetProperty("Message").GetString()));
        if (reason is not null)
        {
            Assert.Equal(reason, Json.GetProperty("Reason").GetString());
        }
    }
}
