using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.FakeIam.Agreements;
using MarketplaceGuard.FakeIam.Ec2;
using MarketplaceGuard.FakeIam.Organizations;
using MarketplaceGuard.FakeIam.Sts;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// A fake AWS endpoint for tests: IAM, STS (GetCallerIdentity, AssumeRole) and EC2 in the Query protocol, and
/// Organizations in JSON 1.1, on one HTTP/1.1 listener on 127.0.0.1 only. It serves several IAM accounts (the request's
/// access key chooses one; unmapped keys act as the default account, <see cref="Account"/>), an organization
/// (<see cref="Organizations"/>), records every request in <see cref="Requests"/> and applies planned faults from
/// <see cref="Faults"/>. A raw TcpListener (not HttpListener) so that a reply can be cut off.
/// </summary>
public sealed class FakeIamServer : IDisposable
{
    private readonly TcpListener listener;
    private readonly RequestPipeline pipeline;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<long, TcpClient> connections = new();
    private readonly Task acceptLoop;
    private long nextConnectionId;

    private readonly AccountDirectory accounts;

    private FakeIamServer(FakeIamAccount account, int port)
    {
        Account = account;
        accounts = new AccountDirectory(account);
        Ec2 = new FakeEc2(account.AccountId);
        pipeline = new RequestPipeline(accounts, Ec2, Organizations, Agreements, Faults, Requests);
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Url = new Uri($"http://127.0.0.1:{Port}/");
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The endpoint, e.g. http://127.0.0.1:50123/ (use it as the IAM and STS endpoint URL).</summary>
    public Uri Url { get; }

    public int Port { get; }

    /// <summary>
    /// The default account: what requests signed with an unmapped access key act as. Change it between requests
    /// (lock <see cref="FakeIamAccount.SyncRoot"/> while requests run).
    /// </summary>
    public FakeIamAccount Account { get; }

    /// <summary>Every IAM account the server serves, the default one included.</summary>
    public IReadOnlyList<FakeIamAccount> Accounts => accounts.All;

    /// <summary>The Organizations endpoint: the organization served and its switches.</summary>
    public FakeOrganizationsService Organizations { get; } = new();

    /// <summary>The Marketplace Agreement endpoint (JSON 1.0): agreements by acceptor account, accounts denied.</summary>
    public FakeAgreementService Agreements { get; } = new();

    /// <summary>The temporary credentials AssumeRole has issued, oldest first (without their secrets).</summary>
    public IReadOnlyList<FakeSession> Sessions => accounts.Sessions;

    /// <summary>The clock for session expiration (an issued key past its Expiration is refused with ExpiredToken).</summary>
    public Func<DateTimeOffset> Clock
    {
        get => accounts.Clock;
        set => accounts.Clock = value;
    }

    /// <summary>How long every request waits before it is processed (0 by default).</summary>
    public TimeSpan Latency
    {
        get => pipeline.Latency;
        set => pipeline.Latency = value;
    }

    /// <summary>
    /// The EC2 state the server serves (Version 2016-11-15 requests): accounts by access key, the default one being
    /// <see cref="Account"/>'s, regions by credential scope. Lock <see cref="FakeEc2.SyncRoot"/> while requests run.
    /// </summary>
    public FakeEc2 Ec2 { get; }

    public RequestLog Requests { get; } = new();

    public FaultPlan Faults { get; } = new();

    /// <summary>Starts serving <paramref name="account"/> on 127.0.0.1; port 0 picks a free port.</summary>
    public static FakeIamServer Start(FakeIamAccount account, int port = 0)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new FakeIamServer(account, port);
    }

    /// <summary>
    /// Serves <paramref name="organization"/> (Organizations) and all its accounts' IAM state; the default account is
    /// <paramref name="callerAccountId"/>'s, by default the management account's (an empty IAM account when the
    /// organization does not list it).
    /// </summary>
    public static FakeIamServer Start(FakeOrganization organization, string? callerAccountId = null, int port = 0)
    {
        ArgumentNullException.ThrowIfNull(organization);
        var iam = organization.Accounts.Select(a => a.Iam).ToList();
        if (!iam.Any(a => a.AccountId == organization.ManagementAccountId))
        {
            iam.Add(new FakeIamAccount(organization.ManagementAccountId));
        }

        var callerId = callerAccountId ?? organization.ManagementAccountId;
        var caller = iam.FirstOrDefault(a => a.AccountId == callerId)
            ?? throw new ArgumentException($"The organization has no account {callerId}.", nameof(callerAccountId));
        var server = new FakeIamServer(caller, port);
        foreach (var account in iam.Where(a => a != caller))
        {
            server.AddAccount(account);
        }

        server.Organizations.Organization = organization;
        return server;
    }

    /// <summary>Serves another IAM account (AssumeRole can reach it; <see cref="MapAccessKey"/> can act as it).</summary>
    public FakeIamAccount AddAccount(FakeIamAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        accounts.Add(account);
        return account;
    }

    /// <summary>The IAM account with this id; throws when the server does not serve it.</summary>
    public FakeIamAccount IamAccount(string accountId) =>
        accounts.Find(accountId) ?? throw new ArgumentException($"The server serves no account {accountId}.", nameof(accountId));

    /// <summary>The IAM account with this id, or null when the server does not serve it.</summary>
    public FakeIamAccount? FindAccount(string accountId) => accounts.Find(accountId);

    /// <summary>Requests signed with this (long-term) access key act as this account, for IAM, STS, EC2 and Organizations.</summary>
    public void MapAccessKey(string accessKeyId, string accountId)
    {
        accounts.MapAccessKey(accessKeyId, accountId);
        lock (Ec2.SyncRoot)
        {
            Ec2.MapAccessKey(accessKeyId, accountId);
        }
    }

    public void Dispose()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        stopping.Cancel();
        listener.Stop();
        foreach (var connection in connections.Values)
        {
            connection.Dispose();
        }

        acceptLoop.Wait(TimeSpan.FromSeconds(5));
        stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            var id = Interlocked.Increment(ref nextConnectionId);
            connections[id] = client;
            _ = Task.Run(() => ServeConnectionAsync(id, client));
        }
    }

    /// <summary>Answers the requests of one connection in order (keep-alive) until the client or a fault closes it.</summary>
    private async Task ServeConnectionAsync(long id, TcpClient client)
    {
        var cancel = stopping.Token;
        try
        {
            client.NoDelay = true;
            var stream = client.GetStream();
            var reader = new Http11Reader(stream);
            while (!cancel.IsCancellationRequested)
            {
                RawHttpRequest? request;
                try
                {
                    request = await reader.ReadRequestAsync(cancel);
                }
                catch (HttpFormatException e)
                {
                    var body = Encoding.UTF8.GetBytes(e.Message);
                    await stream.WriteAsync(Http11Writer.Response(400, "text/plain", body, Guid.NewGuid().ToString(), close: true), cancel);
                    return;
                }

                if (request is null)
                {
                    return;
                }

                var reply = await pipeline.ProcessAsync(request, cancel);
                if (reply.Shape == ReplyShape.CutOff)
                {
                    await stream.WriteAsync(Http11Writer.CutOffResponse(200), cancel);
                    await stream.FlushAsync(cancel);
                    client.Client.Shutdown(SocketShutdown.Send);
                    return;
                }

                var bytes = Encoding.UTF8.GetBytes(reply.Body);
                if (reply.Shape == ReplyShape.Truncated)
                {
                    bytes = bytes[..(bytes.Length / 2)];
                }

                await stream.WriteAsync(Http11Writer.Response(reply.Status, reply.ContentType, bytes, reply.RequestId, request.WantsClose), cancel);
                if (request.WantsClose)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or the server is stopping.
        }
        finally
        {
            connections.TryRemove(id, out _);
            client.Dispose();
        }
    }
}
