using System;
using System.Linq;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Tests.Audit;

/// <summary>How a capability's decision is joined from its requests (AND within a path) and paths (OR between them).</summary>
public sealed class DecisionOrderTests
{
    // Weakest first; Unknown (a policy that could not be read) ranks with the implicit deny.
    private static int Rank(AuditDecision d) => d switch
    {
        AuditDecision.ExplicitDeny => 0,
        AuditDecision.ImplicitDeny or AuditDecision.Unknown => 1,
        AuditDecision.ConditionallyAllowed => 2,
        AuditDecision.Allowed => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    [Fact]
    public void EveryPairJoinsByTheOrderOfDecisions()
    {
        var all = Enum.GetValues<AuditDecision>();
        Assert.Equal(5, all.Length); // a new decision needs its rank

        foreach (var a in all)
        {
            foreach (var b in all)
            {
                // Of two of the same rank, the first.
                Assert.Equal(Rank(a) <= Rank(b) ? a : b, AccessAnalyzer.Weakest(a, b));
                Assert.Equal(Rank(a) >= Rank(b) ? a : b, AccessAnalyzer.Strongest(a, b));
            }
        }
    }

    [Fact]
    public void AnExplicitDenyDecidesAPathAndOnlyEveryPathDeniedDeniesTheCapability()
    {
        Assert.Equal(AuditDecision.ExplicitDeny, new[] { AuditDecision.Allowed, AuditDecision.ExplicitDeny, AuditDecision.ConditionallyAllowed }.Aggregate(AccessAnalyzer.Weakest));
        Assert.Equal(AuditDecision.ImplicitDeny, new[] { AuditDecision.ExplicitDeny, AuditDecision.ImplicitDeny }.Aggregate(AccessAnalyzer.Strongest));
        Assert.Equal(AuditDecision.ConditionallyAllowed, new[] { AuditDecision.ExplicitDeny, AuditDecision.ConditionallyAllowed, AuditDecision.ImplicitDeny }.Aggregate(AccessAnalyzer.Strongest));
    }
}
