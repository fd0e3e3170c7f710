using System;
using System.Collections.Generic;
using System.Globalization;

namespace MarketplaceGuard.FakeIam;

/// <summary>The command line of <see cref="Program"/>; <see cref="Parse"/> throws FormatException for wrong arguments.</summary>
internal sealed class ProgramOptions
{
    public const string Usage =
        "usage: MarketplaceGuard.FakeIam [--account <get-account-authorization-details.json> | --organization <folder> [--caller-account <id>] " +
        "[--delegated-admin <id>]... [--organizations-not-in-use] [--org-empty-pages] [--org-fail-after <Operation>:<n>]...] [--ec2 <ec2-seed.json>] [--agreements <agreement-seed.json>] [--latency-ms <n>] [--port <n>] " +
        "[--throttle-fraction <0..1> [--seed <n>]] [--ignore-stdin] [--verbose] [--request-log <file>]";

    public string? AccountPath { get; private set; }

    public string? OrganizationPath { get; private set; }

    public string? CallerAccountId { get; private set; }

    public List<string> DelegatedAdministrators { get; } = new();

    public bool OrganizationsNotInUse { get; private set; }

    public bool EmptyPagesFirst { get; private set; }

    /// <summary>--org-fail-after Operation:n: the operation succeeds n times, then fails (ConcurrentModificationException).</summary>
    public List<(string Operation, int Successes)> OrganizationFailures { get; } = new();

    public string? Ec2Path { get; private set; }

    public string? AgreementsPath { get; private set; }

    public int LatencyMs { get; private set; }

    public int Port { get; private set; }

    public double ThrottleFraction { get; private set; }

    public int Seed { get; private set; } = 1;

    public bool WatchStdin { get; private set; } = true;

    public bool Verbose { get; private set; }

    public string? RequestLogPath { get; private set; }

    public static ProgramOptions Parse(string[] args)
    {
        var options = new ProgramOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--account":
                    options.AccountPath = Value();
                    break;
                case "--organization":
                    options.OrganizationPath = Value();
                    break;
                case "--caller-account":
                    options.CallerAccountId = Value();
                    break;
                case "--delegated-admin":
                    options.DelegatedAdministrators.Add(Value());
                    break;
                case "--organizations-not-in-use":
                    options.OrganizationsNotInUse = true;
                    break;
                case "--org-empty-pages":
                    options.EmptyPagesFirst = true;
                    break;
                case "--org-fail-after":
                    var failure = Value().Split(':');
                    if (failure.Length != 2 || failure[0].Length == 0 || !int.TryParse(failure[1], NumberStyles.None, CultureInfo.InvariantCulture, out var successes))
                    {
                        throw new FormatException("--org-fail-after takes <Operation>:<successes before it fails>, e.g. AttachPolicy:1.");
                    }

                    options.OrganizationFailures.Add((failure[0], successes));
                    break;
                case "--ec2":
                    options.Ec2Path = Value();
                    break;
                case "--agreements":
                    options.AgreementsPath = Value();
                    break;
                case "--latency-ms":
                    options.LatencyMs = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
                    break;
                case "--port":
                    options.Port = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
                    break;
                case "--throttle-fraction":
                    options.ThrottleFraction = double.Parse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture);
                    break;
                case "--seed":
                    options.Seed = int.Parse(Value(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                    break;
                case "--ignore-stdin":
                    options.WatchStdin = false;
                    break;
                case "--request-log":
                    options.RequestLogPath = Value();
                    break;
                case "--verbose":
                    options.Verbose = true;
                    break;
                default:
                    throw new FormatException($"Unknown argument {args[i]}.");
            }
        }

        if (options.OrganizationPath is not null && options.AccountPath is not null)
        {
            throw new FormatException("--account and --organization exclude each other.");
        }

        if (options.OrganizationPath is null && (options.CallerAccountId is not null || options.DelegatedAdministrators.Count > 0 || options.OrganizationFailures.Count > 0))
        {
            throw new FormatException("--caller-account, --delegated-admin and --org-fail-after need --organization.");
        }

        return options;
    }
}
