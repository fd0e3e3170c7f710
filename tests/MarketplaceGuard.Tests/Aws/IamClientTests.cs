using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Aws.Snapshots;
using MarketplaceGuard.Engine.Accounts;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>The Query client against scripted replies: signing, paging, retries, errors, cancellation, export.</summary>
public sealed class IamClientTests
{
    private const string Ns = "https://iam.amazonaws.com/doc/2010-05-08/";

    private static readonly IamRetryPolicy Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxAttempts = 4 };

    private static AwsConnection Connection() => AwsConnection.Resolve(new AwsConnectionRequest
    {
        AccessKey = "AKIATESTCLIENT000000",
        SecretKey = "client-secret",
        EndpointUrl = "http://127.0.0.1:9/",
        Environment = new Dictionary<string, string?>(),
    });

    private static string Ok(string operation, string result) =>
        $"<{operation}Response xmlns=\"{Ns}\"><{operation}Result>{result}</{operation}Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></{operation}Response>";

    private static string Error(string code, string message) =>
        $"<ErrorResponse xmlns=\"{Ns}\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>req-err</RequestId></ErrorResponse>";

    [Fact]
    public async Task SignsAFormPostWithSigV4ForIam()
    {
        var handler = new ScriptedHandler((HttpStatusCode.OK, Ok("GetUser", "<User><UserName>alice</UserName></User>")));
        using var client = new IamClient(Connection(), Fast, handler);

        var result = await client.CallAsync("GetUser", [new("UserName", "alice")], CancellationToken.None);

        Assert.Equal("alice", IamClient.Child(IamClient.Child(result, "User")!, "UserName")!.Value);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("Action=GetUser&Version=2010-05-08&UserName=alice", request.Body);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIATESTCLIENT000000/", request.Authorization, StringComparison.Ordinal);
        Assert.Contains("/us-east-1/iam/aws4_request", request.Authorization, StringComparison.Ordinal);
        Assert.DoesNotContain("client-secret", request.Authorization, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/")]
    [InlineData("https://iam.amazonaws.com/")]
    public async Task TheSignatureIsTheOneAwsRecomputesFromTheRequestOnTheWire(string endpoint)
    {
        // What HttpClient actually sends, checked against an independent SigV4 computation.
        var wire = new WireCapture(Ok("GetUser", "<User><UserName>alice</UserName></User>"));
        var connection = AwsConnection.Resolve(new AwsConnectionRequest
        {
            AccessKey = "AKIATESTCLIENT000000",
            SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            SessionToken = "session/token+value=",
            EndpointUrl = endpoint,
            Environment = new Dictionary<string, string?>(),
        });
        using var client = new IamClient(connection, Fast, wire);

        await client.CallAsync("GetUser", [new("UserName", "alice b")], CancellationToken.None);

        var signed = SigV4Check.AssertSigned(wire.Headers, wire.Body, "AKIATESTCLIENT000000", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "iam");
        Assert.Contains("x-amz-security-token", signed);
        Assert.Equal("session/token+value=", wire.Headers["x-amz-security-token"]);
        Assert.Equal("Action=GetUser&Version=2010-05-08&UserName=alice%20b", Encoding.UTF8.GetString(wire.Body));
    }

    [Fact]
    public async Task FollowsMarkersToTheLastPage()
    {
        var handler = new ScriptedHandler(
            (HttpStatusCode.OK, Ok("ListPolicies", "<Policies><member><PolicyName>a</PolicyName></member></Policies><IsTruncated>true</IsTruncated><Marker>m1</Marker>")),
            (HttpStatusCode.OK, Ok("ListPolicies", "<Policies><member><PolicyName>b</PolicyName></member></Policies><IsTruncated>false</IsTruncated>")));
        using var client = new IamClient(Connection(), Fast, handler);

        var pages = await client.PagesAsync("ListPolicies", [new("Scope", "Local")], CancellationToken.None).ToListAsync();

        Assert.Equal(2, pages.Count);
        Assert.Equal("Action=ListPolicies&Version=2010-05-08&Scope=Local&Marker=m1", handler.Requests[1].Body);
    }

    [Theory]
    [InlineData("<IsTruncated>yes</IsTruncated><Marker>m2</Marker>", "IsTruncated is 'yes', not true or false")]
    [InlineData("<Marker>m2</Marker>", "does not say whether more pages follow")]
    [InlineData("<IsTruncated>false</IsTruncated><Marker>m2</Marker>", "says it is the last page but gives a Marker")]
    [InlineData("<IsTruncated>false</IsTruncated><IsTruncated>true</IsTruncated><Marker>m2</Marker>", "IsTruncated more than once")]
    [InlineData("<IsTruncated>true</IsTruncated><Marker>m1</Marker>", "sends the reader back to a page it read")]
    public async Task APageThatDoesNotSayClearlyWhetherMoreFollowIsAnErrorNotTheEnd(string paging, string problem)
    {
        // Read as the end, each of these would make a listing look complete without its remaining pages.
        var handler = new ScriptedHandler(
            (HttpStatusCode.OK, Ok("ListPolicies", "<Policies><member><PolicyName>a</PolicyName></member></Policies><IsTruncated>true</IsTruncated><Marker>m1</Marker>")),
            (HttpStatusCode.OK, Ok("ListPolicies", "<Policies><member><PolicyName>b</PolicyName></member></Policies>" + paging)));
        using var client = new IamClient(Connection(), Fast, handler);

        var e = await Assert.ThrowsAsync<IamException>(async () => await client.PagesAsync("ListPolicies", [], CancellationToken.None).ToListAsync());

        Assert.Equal("MalformedResponse", e.Code);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>", "<ErrorResponse>")]
    [InlineData("<html><body>Sign in to the proxy</body></html>", "<html>")]
    [InlineData("<ListUsersResponse><ListUsersResult><IsTruncated>false</IsTruncated></ListUsersResult></ListUsersResponse>", "<ListUsersResponse>")]
    public async Task ASuccessThatIsNotTheOperationsOwnResponseIsRefused(string body, string what)
    {
        // A 200 read as an empty result would make the account look empty.
        var handler = new ScriptedHandler(Enumerable.Repeat((HttpStatusCode.OK, body), Fast.MaxAttempts).ToArray());
        using var client = new IamClient(Connection(), Fast, handler);

        var e = await Assert.ThrowsAsync<IamException>(() => client.CallAsync("ListPolicies", [], CancellationToken.None));

        Assert.Equal("MalformedResponse", e.Code);
        Assert.Contains($"the reply is {what}, not the ListPoliciesResponse asked for", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReplyWithADtdIsRefused()
    {
        // AWS never sends one; its entities could add list members the reply does not otherwise hold.
        var body = "<!DOCTYPE ListPoliciesResponse [<!ENTITY extra \"<member><PolicyName>x</PolicyName></member>\">]>" +
            Ok("ListPolicies", "<Policies>&extra;</Policies><IsTruncated>false</IsTruncated>");
        var handler = new ScriptedHandler(Enumerable.Repeat((HttpStatusCode.OK, body), Fast.MaxAttempts).ToArray());
        using var client = new IamClient(Connection(), Fast, handler);

        var e = await Assert.ThrowsAsync<IamException>(() => client.CallAsync("ListPolicies", [], CancellationToken.None));

        Assert.Equal("MalformedResponse", e.Code);
        Assert.Contains("not valid XML", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "Throttling")]
    [InlineData(HttpStatusCode.BadRequest, "ThrottlingException")]
    [InlineData(HttpStatusCode.InternalServerError, "ServiceFailure")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable")]
    public async Task RetriesTransientFailures(HttpStatusCode status, string code)
    {
        var handler = new ScriptedHandler((status, Error(code, "slow down")), (status, Error(code, "slow down")), (HttpStatusCode.OK, Ok("GetUser", "<User/>")));
        var records = new List<IamCallRecord>();
        using var client = new IamClient(Connection(), Fast, handler) { CallCompleted = records.Add };

        await client.CallAsync("GetUser", [], CancellationToken.None);

        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal([code, code, "OK"], records.Select(r => r.Outcome));
        Assert.Equal([1, 2, 3], records.Select(r => r.Attempt));
    }

    [Theory]
    [InlineData(HttpStatusCode.Conflict, "LimitExceeded")]
    [InlineData(HttpStatusCode.NotFound, "NoSuchEntity")]
    [InlineData(HttpStatusCode.BadRequest, "MalformedPolicyDocument")]
    [InlineData(HttpStatusCode.Forbidden, "AccessDenied")]
    public async Task DoesNotRetryWhatRetryingCannotFix(HttpStatusCode status, string code)
    {
        var handler = new ScriptedHandler((status, Error(code, "no")));
        using var client = new IamClient(Connection(), Fast, handler);

        var e = await Assert.ThrowsAsync<IamException>(() => client.CallAsync("CreatePolicyVersion", [], CancellationToken.None));

        Assert.Single(handler.Requests);
        Assert.Equal(code, e.Code);
        Assert.Equal((int)status, e.StatusCode);
        Assert.Equal("req-err", e.RequestId);
        Assert.Equal($"CreatePolicyVersion failed: {code}: no [request id req-err]", e.Message);
    }

    [Fact]
    public async Task GivesUpAfterTheLastAttemptWithTheLastError()
    {
        var handler = new ScriptedHandler(Enumerable.Repeat((HttpStatusCode.BadRequest, Error("Throttling", "Rate exceeded")), 10).ToArray());
        using var client = new IamClient(Connection(), Fast, handler);

        var e = await Assert.ThrowsAsync<IamException>(() => client.CallAsync("GetAccountAuthorizationDetails", [], CancellationToken.None));

        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal(4, e.Attempts);
        Assert.Equal("GetAccountAuthorizationDetails failed: Throttling: Rate exceeded (after 4 attempts) [request id req-err]", e.Message);
    }

    [Fact]
    public async Task RetriesADroppedConnectionAndAMalformedReply()
    {
        var handler = new ScriptedHandler(
            ScriptedHandler.Drop,
            (HttpStatusCode.OK, "<GetUserResponse><GetUserResult><User>"),
            (HttpStatusCode.OK, Ok("GetUser", "<User/>")));
        using var client = new IamClient(Connection(), Fast, handler);

        await client.CallAsync("GetUser", [], CancellationToken.None);

        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task CorrectsASkewedClockFromTheServersDateAndSignsAgain()
    {
        var serverNow = DateTimeOffset.UtcNow.AddHours(2);
        var handler = new ScriptedHandler((HttpStatusCode.BadRequest, Error("RequestExpired", "Request has expired.")), (HttpStatusCode.OK, Ok("GetUser", "<User/>")))
        {
            ServerDate = serverNow,
        };
        using var client = new IamClient(Connection(), Fast, handler);

        await client.CallAsync("GetUser", [], CancellationToken.None);

        Assert.Equal(2, handler.Requests.Count);
        var retried = DateTimeOffset.ParseExact(handler.AmzDates[1], "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.True(Math.Abs((retried - serverNow).TotalMinutes) < 2, $"signed at {retried:o}, server at {serverNow:o}");
    }

    [Fact]
    public async Task StopsPromptlyWhenCancelled()
    {
        var handler = new ScriptedHandler(Enumerable.Repeat((HttpStatusCode.BadRequest, Error("Throttling", "x")), 10).ToArray());
        using var client = new IamClient(Connection(), new IamRetryPolicy { BaseDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(30) }, handler);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var started = DateTime.UtcNow;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CallAsync("GetUser", [], cancellation.Token));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ExportWritesWhatTheAwsCliWritesAndTheLoaderReadsIt()
    {
        var document = Uri.EscapeDataString("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*"}}""");
        var handler = new ScriptedHandler(
            (HttpStatusCode.OK, Ok("GetAccountAuthorizationDetails", $"""
                <UserDetailList><member><Path>/</Path><UserName>alice</UserName><UserId>AIDAALICE</UserId><Arn>arn:aws:iam::111122223333:user/alice</Arn>
                  <UserPolicyList><member><PolicyName>buy</PolicyName><PolicyDocument>{document}</PolicyDocument></member></UserPolicyList>
                  <GroupList><member>Procurement</member></GroupList><AttachedManagedPolicies/><Tags/></member></UserDetailList>
                <GroupDetailList/><RoleDetailList/><Policies/><IsTruncated>true</IsTruncated><Marker>next</Marker>
                """)),
            (HttpStatusCode.OK, Ok("GetAccountAuthorizationDetails", """
                <UserDetailList/><GroupDetailList><member><Path>/</Path><GroupName>Procurement</GroupName><Arn>arn:aws:iam::111122223333:group/Procurement</Arn><GroupPolicyList/><AttachedManagedPolicies/></member></GroupDetailList>
                <RoleDetailList/><Policies><member><PolicyName>P</PolicyName><Arn>arn:aws:iam::111122223333:policy/P</Arn><AttachmentCount>2</AttachmentCount><IsAttachable>true</IsAttachable><DefaultVersionId>v1</DefaultVersionId>
                  <PolicyVersionList><member><Document>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion></member></PolicyVersionList></member></Policies>
                <IsTruncated>false</IsTruncated>
                """)));
        using var client = new IamClient(Connection(), Fast, handler);
        using var output = new MemoryStream();

        var entities = await AuthorizationDetailsExporter.ExportAsync(client, output, CancellationToken.None);

        Assert.Equal(3, entities);
        Assert.Equal("Action=GetAccountAuthorizationDetails&Version=2010-05-08&MaxItems=1000", handler.Requests[0].Body);
        Assert.EndsWith("&Marker=next", handler.Requests[1].Body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(output.ToArray());
        var alice = json.RootElement.GetProperty("UserDetailList")[0];
        Assert.Equal("aws-marketplace:Subscribe", alice.GetProperty("UserPolicyList")[0].GetProperty("PolicyDocument").GetProperty("Statement").GetProperty("Action").GetString());
        Assert.Equal(JsonValueKind.Array, alice.GetProperty("AttachedManagedPolicies").ValueKind);
        var policy = json.RootElement.GetProperty("Policies")[0];
        Assert.Equal(2, policy.GetProperty("AttachmentCount").GetInt32());
        Assert.True(policy.GetProperty("PolicyVersionList")[0].GetProperty("IsDefaultVersion").GetBoolean());

        output.Position = 0;
        var snapshot = SnapshotLoader.Load(output, "live", isFile: false);
        Assert.Equal(["alice"], snapshot.Users.Select(u => u.Name));
        Assert.Equal(0, snapshot.Users[0].Line);
        Assert.Single(snapshot.Groups);
        Assert.NotNull(snapshot.Policies["arn:aws:iam::111122223333:policy/P"].DefaultDocument);
    }

    /// <summary>Records one request as HttpClient would put it on the wire: every header (lower-cased names, Host
    /// included) and the body bytes.</summary>
    private sealed class WireCapture(string reply) : HttpMessageHandler
    {
        public Dictionary<string, string> Headers { get; } = new(StringComparer.Ordinal);

        public byte[] Body { get; private set; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            foreach (var (name, values) in request.Headers.Concat(request.Content.Headers))
            {
                Headers[name.ToLowerInvariant()] = string.Join(",", values);
            }

            Headers.TryAdd("host", request.Headers.Host ?? request.RequestUri!.Authority);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(reply, Encoding.UTF8, "text/xml") };
        }
    }

    /// <summary>Answers requests from a script, recording each request's body and Authorization header.</summary>
    private sealed class ScriptedHandler : HttpMessageHandler
    {
        public static readonly (HttpStatusCode, string) Drop = (0, string.Empty);

        private readonly ConcurrentQueue<(HttpStatusCode Status, string Body)> replies;

        public ScriptedHandler(params (HttpStatusCode, string)[] replies)
        {
            this.replies = new ConcurrentQueue<(HttpStatusCode, string)>(replies);
        }

        public List<(string Body, string Authorization)> Requests { get; } = [];

        public List<string> AmzDates { get; } = [];

        /// <summary>The Date header of every reply (AWS's clock), when set.</summary>
        public DateTimeOffset? ServerDate { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            Requests.Add((body, request.Headers.TryGetValues("Authorization", out var values) ? string.Join(",", values) : string.Empty));
            AmzDates.Add(request.Headers.TryGetValues("X-Amz-Date", out var dates) ? dates.First() : string.Empty);
            if (!replies.TryDequeue(out var reply))
            {
                throw new InvalidOperationException("no scripted reply left");
            }

            if (reply.Status == 0)
            {
                throw new HttpRequestException("The connection was closed by the remote host.");
            }

            var response = new HttpResponseMessage(reply.Status) { Content = new StringContent(reply.Body, Encoding.UTF8, "text/xml") };
            response.Headers.Date = ServerDate;
            return response;
        }
    }
}
