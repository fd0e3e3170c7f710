using BenchmarkDotNet.Running;

namespace MarketplaceGuard.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project tests/MarketplaceGuard.Benchmarks -- --filter '*' [--job short]
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
