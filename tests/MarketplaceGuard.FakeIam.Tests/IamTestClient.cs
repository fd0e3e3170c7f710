using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using System.Xml.Linq;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>Raw Query protocol calls with a dummy SigV4 header, as the brief's tests require (no AWS SDK).</summary>
internal sealed class IamTestClient : IDisposable
{
    public const string AccessKeyId = "AKIDEXAMPLE";
    public const string Authorization =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0";

    private readonly HttpClient http;

    public IamTestClient(FakeIamServer server)
    {
        http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(20) };
    }

    /// <summary>POSTs Action, Version 2010-05-08 and the parameters, form-encoded as the SDKs do.</summary>
    public Task<IamReply> CallAsync(string action, params (string Name, string Value)[] parameters) =>
        PostAsync(new[] { ("Action", action), ("Version", "2010-05-08") }.Concat(parameters));

    public async Task<IamReply> PostAsync(IEnumerable<(string Name, string Value)> form, string? authorization = Authorization, IDictionary<string, string>? headers = null)
    {
        var body = string.Join("&", form.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        return await SendAsync(request, authorization, headers);
    }

    public async Task<IamReply> SendAsync(HttpRequestMessage request, string? authorization = Authorization, IDictionary<string, string>? headers = null)
    {
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        foreach (var header in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.Single() : null;
        return new IamReply((int)response.StatusCode, text, requestId);
    }

    /// <summary>Walks every page of a paged operation; returns the pages.</summary>
    public async Task<List<IamReply>> AllPagesAsync(string action, params (string Name, string Value)[] parameters)
    {
        var pages = new List<IamReply>();
        string? marker = null;
        do
        {
            var all = marker is null ? parameters : parameters.Append(("Marker", marker)).ToArray();
            var page = await CallAsync(action, all);
            Assert.Equal(200, page.Status);
            pages.Add(page);
            marker = page.Value("Marker");
            Assert.Equal(marker is not null, page.Value("IsTruncated") == "true");
            Assert.True(pages.Count < 10_000, "The markers never end.");
        }
        while (marker is not null);

        return pages;
    }

    public void Dispose() => http.Dispose();
}

/// <summary>A reply: status and body, with helpers that read the XML by local names.</summary>
internal sealed record IamReply(int Status, string Body, string? RequestIdHeader)
{
    public XElement Root => XDocument.Parse(Body).Root!;

    /// <summary>The text of the first element with this local name anywhere in the reply.</summary>
    public string? Value(string localName) => Root.Descendants().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;

    /// <summary>The member elements of the first list with this local name.</summary>
    public IReadOnlyList<XElement> Members(string listName) =>
        Root.Descendants().FirstOrDefault(e => e.Name.LocalName == listName)?.Elements().Where(e => e.Name.LocalName == "member").ToList()
        ?? throw new InvalidDataException($"The reply has no {listName}: {Body}");

    public string? ErrorCode => Value("Code");

    /// <summary>Asserts a well-formed IAM error: status, ErrorResponse/Error/Type+Code+Message, RequestId.</summary>
    public void AssertError(int status, string code, string? message = null, string xmlNamespace = "https://iam.amazonaws.com/doc/2010-05-08/")
    {
        Assert.True(Status == status, $"Expected {status} {code}, got {Status}: {Body}");
        var root = Root;
        Assert.Equal(XName.Get("ErrorResponse", xmlNamespace), root.Name);
        var error = root.Element(XName.Get("Error", xmlNamespace));
        Assert.NotNull(error);
        Assert.Equal(status >= 500 ? "Receiver" : "Sender", error!.Element(XName.Get("Type", xmlNamespace))?.Value);
        Assert.Equal(code, error.Element(XName.Get("Code", xmlNamespace))?.Value);
        var actualMessage = error.Element(XName.Get("Message", xmlNamespace))?.Value;
        Assert.False(string.IsNullOrEmpty(actualMessage));
        if (message is not null)
        {
            Assert.Equal(message, actualMessage);
        }

        var requestId = root.Element(XName.Get("RequestId", xmlNamespace))?.Value;
        Assert.True(Guid.TryParse(requestId, out _));
        Assert.Equal(RequestIdHeader, requestId);
    }

    public void AssertOk()
    {
        Assert.True(Status == 200, $"Expected 200, got {Status}: {Body}");
    }
}

/// <summary>Accounts and documents the tests share.</summary>
internal static class TestData
{
    public const string AllowView = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:ViewSubscriptions","Resource":"*"}]}""";

    public static string SampleAccountPath => Path.Combine(AppContext.BaseDirectory, "Examples", "sample-account.json");

    public static FakeIamAccount SampleAccount() => FakeIamAccount.LoadAuthorizationDetailsFile(SampleAccountPath);

    public static string Document(string sid) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Sid":"{{sid}}","Effect":"Allow","Action":"aws-marketplace:ViewSubscriptions","Resource":"*"}]}""";

    public static string CustomerPolicyArn(string name, string path = "/") => $"arn:aws:iam::111122223333:policy{path}{name}";
}
