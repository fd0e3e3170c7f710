using MarketplaceGuard.Engine.Guardrails;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Tests.Guardrails;

/// <summary>Which -TargetId values have the shape of a root, an OU or an account.</summary>
public sealed class GuardrailTargetTests
{
    [Theory]
    [InlineData("r-ex12", OrganizationTargetKind.Root)]
    [InlineData("ou-ex12-workload", OrganizationTargetKind.OrganizationalUnit)]
    [InlineData("444455556666", OrganizationTargetKind.Account)]
    public void EachShapeNamesItsKind(string id, OrganizationTargetKind kind)
    {
        Assert.Equal(kind, GuardrailTarget.KindOf(id));
    }

    [Theory]
    [InlineData("r-ex12\n")]
    [InlineData("ou-ex12-workload\n")]
    [InlineData("444455556666\n")]
    [InlineData("\u0664\u0664\u0664\u0664\u0665\u0665\u0665\u0665\u0666\u0666\u0666\u0666")]
    [InlineData("OU-EX12-WORKLOAD")]
    [InlineData("Workloads")]
    [InlineData("arn:aws:organizations::111122223333:ou/o-ex12sample/ou-ex12-workload")]
    [InlineData("")]
    [InlineData(null)]
    public void AnythingElseHasNoKind(string? id)
    {
        // A trailing line break or digits of another script would otherwise pass the shape check and be reported as
        // missing from the organization, rather than as a malformed id.
        Assert.Null(GuardrailTarget.KindOf(id));
    }
}
