using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Benchmarks;

/// <summary>
/// The whole offline audit in the engine alone (no PowerShell), steady state: read the snapshot, build the account,
/// run every rule. The snapshot is a synthetic account from tests/Performance/New-SyntheticAccount.ps1; the one
/// Measure-Audit.ps1 keeps in its work folder is used (run it once first), or the file MG_BENCH_SNAPSHOT names.
/// </summary>
[MemoryDiagnoser]
public class WholeAuditBenchmarks
{
    private string snapshot = null!;
    private AuthorizationSnapshot loaded = null!;
    private Account account = null!;

    [GlobalSetup]
    public void Setup()
    {
        snapshot = Environment.GetEnvironmentVariable("MG_BENCH_SNAPSHOT") is { Length: > 0 } given
            ? given
            : Directory.EnumerateFiles(Path.Combine(Path.GetTempPath(), "MarketplaceGuard-performance"), "account-x1-seed42-*.json").FirstOrDefault()
              ?? throw new InvalidOperationException("No synthetic 1x account: run tests/Performance/Measure-Audit.ps1 -Scale 1 once, or set MG_BENCH_SNAPSHOT to a snapshot.");
        loaded = SnapshotLoader.Load(snapshot);
        account = Account.Build(loaded);
    }

    /// <summary>Reading the snapshot file into its model.</summary>
    [Benchmark]
    public int Read() => SnapshotLoader.Load(snapshot).Users.Count;

    /// <summary>Compiling the documents and building the principals from a read snapshot.</summary>
    [Benchmark]
    public int Build() => Account.Build(loaded).Principals.Count;

    /// <summary>Every rule on a built account.</summary>
    [Benchmark]
    public int Evaluate() => Audit(account);

    /// <summary>All three: what Test-MarketplaceLeastPrivilege -Quiet does with the file.</summary>
    [Benchmark]
    public int Whole() => Audit(Account.Build(SnapshotLoader.Load(snapshot)));

    private static int Audit(Account account) =>
        new LeastPrivilegeAudit().Run(account, account.MembersOf("Procurement"), account.MembersOf("Billing"), [], DateOnly.FromDateTime(DateTime.Today)).Findings.Count;
}
