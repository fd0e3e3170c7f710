using BenchmarkDotNet.Attributes;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Benchmarks;

/// <summary>Decisions per second for one principal with 10 policies of 10 statements, after compilation.</summary>
[MemoryDiagnoser]
public class EvaluatorBenchmarks
{
    private const int Requests = 8;

    private readonly PolicyEvaluator evaluator = PolicyEvaluator.Default;
    private PolicySet principal = null!;
    private RequestContext concrete = null!;
    private RequestContext audit = null!;

    [GlobalSetup]
    public void Setup()
    {
        principal = SamplePolicies.Principal();
        concrete = SamplePolicies.ConcreteContext();
        audit = SamplePolicies.AuditContext();
    }

    /// <summary>One concrete decision, averaged over eight requests of different services and outcomes.</summary>
    [Benchmark(OperationsPerInvoke = Requests)]
    public int ConcreteDecision()
    {
        var allowed = 0;
        for (var i = 0; i < Requests; i++)
        {
            if (evaluator.Decide(principal, SamplePolicies.Actions[i], SamplePolicies.Resources[i], concrete) == Decision.Allowed)
            {
                allowed++;
            }
        }

        return allowed;
    }

    /// <summary>One audit decision (unknown MFA, source IP, region ...), with gating conditions, over the same eight requests.</summary>
    [Benchmark(OperationsPerInvoke = Requests)]
    public int AuditDecision()
    {
        var allowed = 0;
        for (var i = 0; i < Requests; i++)
        {
            if (evaluator.Audit(principal, SamplePolicies.Actions[i], SamplePolicies.Resources[i], audit).Decision != Engine.Evaluation.AuditDecision.ImplicitDeny)
            {
                allowed++;
            }
        }

        return allowed;
    }
}

/// <summary>Parsing and compiling policy documents.</summary>
[MemoryDiagnoser]
public class CompilerBenchmarks
{
    private string document = null!;

    [GlobalSetup]
    public void Setup() => document = SamplePolicies.Document(1);

    /// <summary>Parse, validate and compile one 10-statement document.</summary>
    [Benchmark]
    public CompiledPolicy ParseAndCompile() => PolicyCompiler.Compile(PolicyParser.Parse(document));
}
