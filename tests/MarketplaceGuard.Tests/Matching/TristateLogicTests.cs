using MarketplaceGuard.Engine.Matching;

namespace MarketplaceGuard.Tests.Matching;

/// <summary>Kleene's strong three-valued logic, every pair of values (Or is computed on the values' bits).</summary>
public sealed class TristateLogicTests
{
    [Theory]
    [InlineData(Tristate.False, Tristate.False, Tristate.False, Tristate.False)]
    [InlineData(Tristate.False, Tristate.True, Tristate.True, Tristate.False)]
    [InlineData(Tristate.False, Tristate.Unknown, Tristate.Unknown, Tristate.False)]
    [InlineData(Tristate.True, Tristate.False, Tristate.True, Tristate.False)]
    [InlineData(Tristate.True, Tristate.True, Tristate.True, Tristate.True)]
    [InlineData(Tristate.True, Tristate.Unknown, Tristate.True, Tristate.Unknown)]
    [InlineData(Tristate.Unknown, Tristate.False, Tristate.Unknown, Tristate.False)]
    [InlineData(Tristate.Unknown, Tristate.True, Tristate.True, Tristate.Unknown)]
    [InlineData(Tristate.Unknown, Tristate.Unknown, Tristate.Unknown, Tristate.Unknown)]
    public void OrAndAndFollowTheTruthTable(Tristate left, Tristate right, Tristate or, Tristate and)
    {
        Assert.Equal(or, TristateLogic.Or(left, right));
        Assert.Equal(and, TristateLogic.And(left, right));
    }
}
