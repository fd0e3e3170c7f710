using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Accounts;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>The fan-out over accounts against a scripted STS: AssumeRole per account, bounded parallelism, isolation, cancellation, secrets.</summary>
public sealed class AccountFanOutTests
{
    private const string CallerAccount = "111111111111";
    private const string CallerSecret = "caller-Secret-0000";

    private static readonly IamRetryPolicy Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxAttempts = 3 };

    private static AwsConnection Caller() => AwsConnection.Resolve(new AwsConnectionRequest
    {
        AccessKey = "AKIACALLER0000000000",
        SecretKey = CallerSecret,
        EndpointUrl = "http://127.0.0.1:9/",
        Environment = new Dictionary<string, string?>(),
    });

    private static string SecretOf(string account) => $"secret-{account}-S3cr3t";

    private static string TokenOf(string account) => $"token-{account}-T0k3n";

    /// <summary>STS that lets the caller assume the role in every account but those it is told to refuse or throttle; IAM GetUser answers too.</summary>
    private static StubAwsHandler Sts(ISet<string>? denied = null, ISet<string>? throttled = null, Func<string, string?>? reply = null) => new(request =>
    {
        var form = request.Form;
        if (form["Action"] != "AssumeRole")
        {
            return StubAwsHandler.Xml(HttpStatusCode.OK, $"<{form["Action"]}Response><{form["Action"]}Result/></{form["Action"]}Response>");
        }

        var account = form["RoleArn"].Split(':')[4];
        return denied?.Contains(account) == true ? StubAwsHandler.StsError(HttpStatusCode.Forbidden, "AccessDenied", $"User: arn:aws:iam::{CallerAccount}:user/auditor is not authorized to perform: sts:AssumeRole on resource: {form["RoleArn"]}")
            : throttled?.Contains(account) == true ? StubAwsHandler.StsError(HttpStatusCode.BadRequest, "Throttling", "Rate exceeded")
            : StubAwsHandler.Xml(HttpStatusCode.OK, reply?.Invoke(account) ?? AssumeRoleTests.AssumeRoleReply("ASIA" + account + "0000", SecretOf(account), TokenOf(account)));
    });

    private static AccountFanOut FanOut(StubAwsHandler sts, AccountFanOutOptions? options = null) => new(Caller(), CallerAccount, options) { Retry = Fast, Handler = sts };

    private static List<AccountTarget> Accounts(params string[] ids) => ids.Select(id => new AccountTarget(id, $"name-{id[..3]}")).ToList();

    private static async Task<List<AccountFanOutEvent>> RunAsync<T>(AccountFanOut fanOut, IReadOnlyList<AccountTarget> accounts, Func<AccountWork, Task<T>> work, CancellationToken cancellation = default)
    {
        var events = new List<AccountFanOutEvent>();
        await foreach (var item in fanOut.RunAsync(accounts, work, cancellation))
        {
            events.Add(item);
        }

        return events;
    }

    private static Dictionary<string, AccountOutcome<T>> Outcomes<T>(IEnumerable<AccountFanOutEvent> events) =>
        events.OfType<AccountOutcome<T>>().ToDictionary(o => o.Account.AccountId, StringComparer.Ordinal);

    [Fact]
    public async Task TheCallersOwnAccountUsesItsConnectionWithoutAssumeRole()
    {
        var sts = Sts();
        var caller = Caller();
        var fanOut = new AccountFanOut(caller, CallerAccount) { Retry = Fast, Handler = sts };

        var events = await RunAsync(fanOut, Accounts(CallerAccount, "222222222222"), work => Task.FromResult((work.Connection, work.IsCallerAccount)));

        var outcomes = Outcomes<(AwsConnection Connection, bool IsCaller)>(events);
        Assert.Same(caller, outcomes[CallerAccount].Result.Connection);
        Assert.True(outcomes[CallerAccount].Result.IsCaller);
        var member = outcomes["222222222222"].Result;
        Assert.False(member.IsCaller);
        Assert.Equal("role OrganizationAccountAccessRole in 222222222222 (assumed)", member.Connection.CredentialSource);
        Assert.Equal("ASIA2222222222220000", member.Connection.Credentials.GetCredentials().AccessKey);
        var request = Assert.Single(sts.Requests);
        Assert.Equal("arn:aws:iam::222222222222:role/OrganizationAccountAccessRole", request.Form["RoleArn"]);
        Assert.Equal("MarketplaceGuard", request.Form["RoleSessionName"]);
        Assert.Equal("3600", request.Form["DurationSeconds"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public async Task NeverMoreAccountsAtOnceThanTheThrottleLimit(int limit)
    {
        var sts = Sts();
        var inFlight = 0;
        var maxInFlight = 0;
        var full = new TaskCompletionSource();
        var gate = new object();

        var events = await RunAsync(FanOut(sts, new AccountFanOutOptions { ThrottleLimit = limit }), Accounts(Enumerable.Range(0, 24).Select(i => (200000000000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()), async work =>
        {
            lock (gate)
            {
                maxInFlight = Math.Max(maxInFlight, ++inFlight);
                if (inFlight == limit)
                {
                    full.TrySetResult();
                }
            }

            // The first accounts wait (a while at most) until the limit is reached: accounts that can run at once do.
            await Task.WhenAny(full.Task, Task.Delay(TimeSpan.FromSeconds(2)));
            lock (gate)
            {
                inFlight--;
            }

            return work.Account.AccountId;
        });

        Assert.Equal(limit, maxInFlight);
        Assert.InRange(sts.MaxInFlight, 1, limit);
        Assert.Equal(24, Outcomes<string>(events).Values.Count(o => o.Succeeded));
    }

    [Fact]
    public async Task OneAccountFailingNeverStopsTheOthers()
    {
        var sts = Sts(denied: new HashSet<string> { "222222222222" }, throttled: new HashSet<string> { "333333333333" });
        var accounts = Accounts("222222222222", "333333333333", "444444444444", "555555555555", "666666666666", "777777777777");
        accounts[1] = new AccountTarget("333333333333");

        var events = await RunAsync(FanOut(sts), accounts, work => work.Account.AccountId switch
        {
            "444444444444" => throw new InvalidOperationException("The snapshot could not be loaded"),
            "555555555555" => throw new IamException("GetAccountAuthorizationDetails", "Throttling", "Rate exceeded.", 400, "req-9", 6),
            _ => Task.FromResult(work.Account.AccountId),
        });

        var outcomes = Outcomes<string>(events);
        Assert.Equal(6, outcomes.Count);
        Assert.Equal(6, events.OfType<AccountOutcome<string>>().Count());
        Assert.Equal(AccountFailureKind.AssumeRoleDenied, outcomes["222222222222"].Failure!.Kind);
        Assert.Equal(
            "Account name-222 (222222222222): AssumeRole of arn:aws:iam::222222222222:role/OrganizationAccountAccessRole was denied: the role may not exist in that account, "
            + "may not trust the account 111111111111, or may require an ExternalId (User: arn:aws:iam::111111111111:user/auditor is not authorized to perform: sts:AssumeRole "
            + "on resource: arn:aws:iam::222222222222:role/OrganizationAccountAccessRole).",
            outcomes["222222222222"].Failure!.Reason);
        Assert.Equal(AccountFailureKind.Throttled, outcomes["333333333333"].Failure!.Kind);
        Assert.Equal("Account 333333333333: AssumeRole was still throttled after 3 attempts (Throttling: Rate exceeded).", outcomes["333333333333"].Failure!.Reason);
        Assert.Equal(AccountFailureKind.Failed, outcomes["444444444444"].Failure!.Kind);
        Assert.Equal("Account name-444 (444444444444): The snapshot could not be loaded.", outcomes["444444444444"].Failure!.Reason);
        Assert.IsType<InvalidOperationException>(outcomes["444444444444"].Failure!.Error);
        Assert.Equal(AccountFailureKind.Throttled, outcomes["555555555555"].Failure!.Kind);
        Assert.Equal("Account name-555 (555555555555): GetAccountAuthorizationDetails was still throttled after 6 attempts (Throttling: Rate exceeded).", outcomes["555555555555"].Failure!.Reason);
        Assert.Equal("666666666666", outcomes["666666666666"].Result);
        Assert.Equal("777777777777", outcomes["777777777777"].Result);
    }

    [Fact]
    public async Task ADenialWithAnExternalIdSaysSoWithoutShowingIt()
    {
        var sts = Sts(denied: new HashSet<string> { "222222222222" });

        var events = await RunAsync(FanOut(sts, new AccountFanOutOptions { ExternalId = "tenant-7f3a", RoleName = "audit/Reader" }), Accounts("222222222222"), work => Task.FromResult(0));

        var failure = Outcomes<int>(events)["222222222222"].Failure!;
        Assert.Contains("role/audit/Reader was denied", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("or may expect another ExternalId than the one given", failure.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("tenant-7f3a", failure.Reason, StringComparison.Ordinal);
        Assert.Equal("tenant-7f3a", Assert.Single(sts.Requests).Form["ExternalId"]);
    }

    [Fact]
    public async Task EveryCallRecordReachesTheConsumerTaggedAndBeforeItsAccountsOutcome()
    {
        var sts = Sts();

        var events = await RunAsync(FanOut(sts), Accounts(CallerAccount, "222222222222", "333333333333"), async work =>
        {
            using var iam = new IamClient(work.Connection, Fast, sts) { CallCompleted = work.CallCompleted };
            await iam.CallAsync("GetUser", [], work.Cancellation);
            return true;
        });

        foreach (var account in new[] { "222222222222", "333333333333" })
        {
            var mine = events.Where(e => e.Account.AccountId == account).ToList();
            Assert.Equal(["STS AssumeRole", "IAM GetUser"], mine.OfType<AccountCall>().Select(c => $"{c.Record.Service} {c.Record.Operation}"));
            Assert.IsType<AccountOutcome<bool>>(mine[^1]);
            Assert.StartsWith($"{account}: STS AssumeRole: HTTP 200 OK, attempt 1, ", mine[0].ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(["IAM GetUser"], events.Where(e => e.Account.AccountId == CallerAccount).OfType<AccountCall>().Select(c => $"{c.Record.Service} {c.Record.Operation}"));
    }

    [Fact]
    public async Task CancellationStopsEveryAccount()
    {
        using var cancellation = new CancellationTokenSource();
        var started = 0;
        var cancelled = 0;

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(FanOut(Sts(), new AccountFanOutOptions { ThrottleLimit = 2 }), Accounts(Enumerable.Range(0, 10).Select(i => (200000000000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()), async work =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                await cancellation.CancelAsync();
            }

            try
            {
                await Task.Delay(Timeout.Infinite, work.Cancellation);
            }
            finally
            {
                Interlocked.Increment(ref cancelled);
            }

            return 0;
        }, cancellation.Token));

        Assert.Equal(2, started);
        Assert.Equal(2, cancelled);
    }

    [Fact]
    public async Task StoppingTheEnumerationEarlyCancelsTheAccountsStillRunning()
    {
        var running = 0;
        var cancelled = 0;
        var fanOut = FanOut(Sts(), new AccountFanOutOptions { ThrottleLimit = 4 });

        await foreach (var item in fanOut.RunAsync(Accounts(CallerAccount, "222222222222", "333333333333", "444444444444"), async work =>
        {
            if (work.IsCallerAccount)
            {
                return 0;
            }

            Interlocked.Increment(ref running);
            try
            {
                await Task.Delay(Timeout.Infinite, work.Cancellation);
            }
            finally
            {
                Interlocked.Increment(ref cancelled);
            }

            return 1;
        }, CancellationToken.None))
        {
            if (item is AccountOutcome<int>)
            {
                break;
            }
        }

        Assert.Equal(Volatile.Read(ref running), Volatile.Read(ref cancelled));
    }

    [Fact]
    public async Task AnAccountListedTwiceIsWorkedOnOnce()
    {
        var sts = Sts();

        var events = await RunAsync(FanOut(sts), Accounts("222222222222", "222222222222"), work => Task.FromResult(0));

        Assert.Single(events.OfType<AccountOutcome<int>>());
        Assert.Single(sts.Requests);
    }

    [Theory]
    [InlineData("11111111111")]
    [InlineData("11111111111a")]
    public void AnAccountIdThatIsNotTwelveDigitsIsRefused(string id)
    {
        Assert.Throws<ArgumentException>(() => new AccountFanOut(Caller(), id));
        Assert.Throws<ArgumentException>(() => FanOut(Sts()).RunAsync(Accounts(id), work => Task.FromResult(0), CancellationToken.None));
    }

    [Fact]
    public async Task NoSecretEverAppearsInWhatTheCodeProduces()
    {
        // 222 succeeds, 333 is denied, 444's reply is cut inside its secret (retried, then malformed), 555's work
        // fails after its connection was used: every string the fan-out and the clients produce is searched.
        var cut = AssumeRoleTests.AssumeRoleReply("ASIA4444444444440000", SecretOf("444444444444"), TokenOf("444444444444"));
        cut = cut[..(cut.IndexOf(SecretOf("444444444444"), StringComparison.Ordinal) + 10)];
        var sts = Sts(denied: new HashSet<string> { "333333333333" }, reply: account => account == "444444444444" ? cut : null);
        var works = new ConcurrentBag<AccountWork>();

        var events = await RunAsync(FanOut(sts), Accounts("222222222222", "333333333333", "444444444444", "555555555555"), async work =>
        {
            works.Add(work);
            Assert.Equal(SecretOf(work.Account.AccountId), work.Connection.Credentials.GetCredentials().SecretKey);
            using var iam = new IamClient(work.Connection, Fast, sts) { CallCompleted = work.CallCompleted };
            await iam.CallAsync("GetUser", [], work.Cancellation);
            if (work.Account.AccountId == "555555555555")
            {
                throw new IamException("GetUser", "AccessDenied", "not allowed", 403, null, 1);
            }

            return work.Connection;
        });

        var outcomes = Outcomes<AwsConnection>(events);
        Assert.Equal("MalformedResponse", Assert.IsType<IamException>(outcomes["444444444444"].Failure!.Error).Code);
        var produced = new List<string>();
        produced.AddRange(events.Select(e => e.ToString()));
        produced.AddRange(outcomes.Values.Where(o => o.Failure is not null).SelectMany(o => new[] { o.Failure!.Reason, o.Failure.Error.ToString(), o.Failure.ToString() }));
        produced.AddRange(outcomes.Values.Where(o => o.Succeeded).SelectMany(o => new[] { o.Result!.ToString(), o.Result.CredentialSource }));
        produced.AddRange(works.Select(w => w.ToString()));
        produced.AddRange(events.OfType<AccountCall>().Select(c => c.Record.ToString()));
        Assert.Equal(2, works.Count);

        var secrets = new[] { "222222222222", "444444444444", "555555555555" }.SelectMany(a => new[] { SecretOf(a), TokenOf(a), SecretOf(a)[..10] }).Append(CallerSecret).ToList();
        foreach (var text in produced)
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }
}
