using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using MarketplaceGuard.FakeIam.Organizations;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// The fake as a child process (for Pester and scripts):
/// <c>dotnet MarketplaceGuard.FakeIam.dll [--account snapshot.json | --organization folder [--caller-account id]
/// [--delegated-admin id]... [--organizations-not-in-use] [--org-empty-pages] [--org-fail-after Operation:n]...] [--ec2 seed.json] [--agreements seed.json] [--latency-ms N]
/// [--port N] [--throttle-fraction F --seed S] [--ignore-stdin] [--verbose] [--request-log file]</c>.
/// The first line of stdout is <c>listening http://127.0.0.1:PORT/</c>. It serves until stdin reaches end of file
/// (the parent closed it or exited), or until SIGTERM or Ctrl+C; then it exits with 0. Wrong arguments exit with 2,
/// an unreadable snapshot, organization folder, EC2 or agreement seed with 1.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ProgramOptions options;
        try
        {
            options = ProgramOptions.Parse(args);
        }
        catch (FormatException e)
        {
            return WrongArguments(e.Message);
        }

        var exitCode = TryStart(options, out var started);
        if (started is null)
        {
            return exitCode;
        }

        using var server = started;
        server.Organizations.NotInUse = options.OrganizationsNotInUse;
        server.Organizations.EmptyPagesFirst = options.EmptyPagesFirst;
        foreach (var (operation, successes) in options.OrganizationFailures)
        {
            server.Organizations.FailAfter(operation, successes);
        }

        server.Latency = TimeSpan.FromMilliseconds(options.LatencyMs);
        if (!TryLoadSeed("EC2", options.Ec2Path, server.Ec2.LoadSeedFile) || !TryLoadSeed("agreement", options.AgreementsPath, server.Agreements.LoadSeedFile))
        {
            return 1;
        }

        if (options.ThrottleFraction > 0)
        {
            server.Faults.ThrottleRandomly(options.ThrottleFraction, options.Seed);
        }

        Serve(server, options);
        return 0;
    }

    /// <summary>Loads a seed file when one is given; false (the reason on stderr) when it cannot be read.</summary>
    private static bool TryLoadSeed(string what, string? path, Action<string> load)
    {
        if (path is null)
        {
            return true;
        }

        try
        {
            load(path);
            return true;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Cannot load the {what} seed {path}: {e.Message}");
            return false;
        }
    }

    private static int WrongArguments(string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.WriteLine(ProgramOptions.Usage);
        return 2;
    }

    /// <summary>Starts the server on the account snapshot or the organization folder; otherwise returns the exit code.</summary>
    private static int TryStart(ProgramOptions options, out FakeIamServer? server)
    {
        server = null;
        if (options.OrganizationPath is not { } folder)
        {
            FakeIamAccount account;
            try
            {
                account = options.AccountPath is null ? new FakeIamAccount() : FakeIamAccount.LoadAuthorizationDetailsFile(options.AccountPath);
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"Cannot load the account snapshot {options.AccountPath}: {e.Message}");
                return 1;
            }

            server = FakeIamServer.Start(account, options.Port);
            return 0;
        }

        FakeOrganization organization;
        try
        {
            organization = FakeOrganization.LoadFolder(folder);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Cannot load the organization {folder}: {e.Message}");
            return 1;
        }

        try
        {
            foreach (var id in options.DelegatedAdministrators)
            {
                organization.AddDelegatedAdministrator(id);
            }

            server = FakeIamServer.Start(organization, options.CallerAccountId, options.Port);
            return 0;
        }
        catch (ArgumentException e)
        {
            return WrongArguments(ArgumentExceptionText.Plain(e));
        }
    }

    /// <summary>Prints the URL, then serves until stdin closes or a signal comes, writing the request log as it goes.</summary>
    private static void Serve(FakeIamServer server, ProgramOptions options)
    {
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

        if (options.WatchStdin)
        {
            new Thread(() =>
            {
                try
                {
                    while (Console.In.Read() != -1)
                    {
                    }
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                }

                stop.Set();
            }) { IsBackground = true, Name = "stdin watcher" }.Start();
        }

        using var requestLog = options.RequestLogPath is null ? null : new StreamWriter(options.RequestLogPath, append: false);
        var logged = 0;
        void WriteRequests()
        {
            var requests = server.Requests.Snapshot();
            for (; logged < requests.Count; logged++)
            {
                var r = requests[logged];
                var line = $"{r.Time:O} {r.HttpMethod} {r.SigningService} {r.SigningRegion} {r.Operation} {r.StatusCode} {r.ErrorCode} {r.Fault}";
                if (options.Verbose)
                {
                    Console.Error.WriteLine(line);
                }

                requestLog?.WriteLine(line);
            }

            requestLog?.Flush();
        }

        var logging = options.Verbose || requestLog is not null;
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
    }
}
