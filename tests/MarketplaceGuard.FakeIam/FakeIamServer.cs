using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.FakeIam.Ec2;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// A fake IAM (and STS GetCallerIdentity, and EC2) endpoint for tests: HTTP/1.1 on 127.0.0.1 only, Query protocol,
/// replies and errors as IAM writes them, state in <see cref="Account"/>, every request in <see cref="Requests"/>,
/// and planned faults in <see cref="Faults"/>. A raw TcpListener (not HttpListener) so that a reply can be cut off.
/// </summary>
public sealed class FakeIamServer : IDisposable
{
    private readonly TcpListener listener;
    private readonly RequestPipeline pipeline;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<long, TcpClient> connections = new();
    private readonly Task acceptLoop;
    private long nextConnectionId;

    private FakeIamServer(FakeIamAccount account, int port)
    {
        Account = account;
        Ec2 = new FakeEc2(account.AccountId);
        pipeline = new RequestPipeline(account, Ec2, Faults, Requests);
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Url = new Uri($"http://127.0.0.1:{Port}/");
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The endpoint, e.g. http://127.0.0.1:50123/ (use it as the IAM and STS endpoint URL).</summary>
    public Uri Url { get; }

    public int Port { get; }

    /// <summary>The state the server serves; change it between requests (lock <see cref="FakeIamAccount.SyncRoot"/> while requests run).</summary>
    public FakeIamAccount Account { get; }

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

                await stream.WriteAsync(Http11Writer.Response(reply.Status, "text/xml", bytes, reply.RequestId, request.WantsClose), cancel);
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
