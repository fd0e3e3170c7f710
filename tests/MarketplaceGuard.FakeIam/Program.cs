using System;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// The fake as a child process (for Pester and scripts):
/// <c>dotnet MarketplaceGuard.FakeIam.dll [--account snapshot.json] [--ec2 seed.json] [--port N] [--throttle-fraction F --seed S] [--ignore-stdin] [--verbose] [--request-log file]</c>.
/// The first line of stdout is <c>listening http://127.0.0.1:PORT/</c>. It serves until stdin reaches end of file
/// (the parent closed it or exited), or until SIGTERM or Ctrl+C; then it exits with 0. Wrong arguments exit with 2,
/// an unreadable snapshot or EC2 seed with 1.
/// </summary>
public static class Program
{
    private const string Usage =
        "usage: MarketplaceGuard.FakeIam [--account <get-account-authorization-details.json>] [--ec2 <ec2-seed.json>] [--port <n>] " +
        "[--throttle-fraction <0..1> [--seed <n>]] [--ignore-stdin] [--verbose] [--request-log <file>]";

    public static int Main(string[] args)
    {
        string? accountPath = null;
        string? ec2Path = null;
        string? requestLogPath = null;
        var port = 0;
        var fraction = 0.0;
        var seed = 1;
        var watchStdin = true;
        var verbose = false;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--account":
                        accountPath = Value();
                        break;
                    case "--ec2":
                        ec2Path = Value();
                        break;
                    case "--port":
                        port = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
                        break;
                    case "--throttle-fraction":
                        fraction = double.Parse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture);
                        break;
                    case "--seed":
                        seed = int.Parse(Value(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                        break;
                    case "--ignore-stdin":
                        watchStdin = false;
                        break;
                    case "--request-log":
                        requestLogPath = Value();
                        break;
                    case "--verbose":
                        verbose = true;
                        break;
                    default:
                        throw new FormatException($"Unknown argument {args[i]}.");
                }
            }
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        FakeIamAccount account;
        try
        {
            account = accountPath is null ? new FakeIamAccount() : FakeIamAccount.LoadAuthorizationDetailsFile(accountPath);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Cannot load the account snapshot {accountPath}: {e.Message}");
            return 1;
        }

        using var server = FakeIamServer.Start(account, port);
        if (ec2Path is not null)
        {
            try
            {
                server.Ec2.LoadSeedFile(ec2Path);
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"Cannot load the EC2 seed {ec2Path}: {e.Message}");
                return 1;
            }
        }

        if (fraction > 0)
        {
            server.Faults.ThrottleRandomly(fraction, seed);
        }

        using var stop = new ManualResetEventSlim();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Set();
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        Console.Out.WriteLine($"listening {server.Url}");
        Console.Out.Flush();

        if (watchStdin)
        {
            new Thread(() =>
            {
                try
                {
                    while (Console.In.Read() != -1)
                    {
                    }
                }
                catch (Exception e) when (e is System.IO.IOException or ObjectDisposedException)
                {
                }

                stop.Set();
            }) { IsBackground = true, Name = "stdin watcher" }.Start();
        }

        using var requestLog = requestLogPath is null ? null : new System.IO.StreamWriter(requestLogPath, append: false);
        var logged = 0;
        void WriteRequests()
        {
            var requests = server.Requests.Snapshot();
            for (; logged < requests.Count; logged++)
            {
                var r = requests[logged];
                var line = $"{r.Time:O} {r.HttpMethod} {r.SigningService} {r.SigningRegion} {r.Operation} {r.StatusCode} {r.ErrorCode} {r.Fault}";
                if (verbose)
                {
                    Console.Error.WriteLine(line);
                }

                requestLog?.WriteLine(line);
            }

            requestLog?.Flush();
        }

        var logging = verbose || requestLog is not null;
        while (!stop.Wait(TimeSpan.FromMilliseconds(logging ? 100 : 1000)))
        {
            if (logging)
            {
                WriteRequests();
            }
        }

        if (logging)
        {
            WriteRequests();
        }

        return 0;
    }
}
