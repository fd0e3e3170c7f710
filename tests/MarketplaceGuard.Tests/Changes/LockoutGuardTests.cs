using System;
using System.IO;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Engine.Principals;

namespace MarketplaceGuard.Tests.Changes;

/// <summary>Revoke's lockout guard: who a deny would reach among those authorized today.</summary>
public sealed class LockoutGuardTests
{
    private const string Buyer = "arn:aws:iam::111122223333:policy/marketplaceguard/MarketplaceGuard-Procurement";
    private static readonly AuthorizationSnapshot Sample = SnapshotLoader.Load(Path.Combine(AppContext.BaseDirectory, "Examples", "sample-account.json"));

    private static PrincipalEntry[] Named(params string[] values) => [.. PrincipalResolver.Resolve(Sample.Directory, values, Sample.AccountId).Matches];

    private static string[] Reached(PrincipalKind kind, string name, params string[] procurement) =>
        [.. LockoutGuard.Reached(Sample, new PrincipalRef(kind, name), Named(procurement), arn => arn == Buyer, "-ProcurementPrincipal")];

    [Fact]
    public void FindsHoldersOfTheProcurementPolicyThroughGroups() =>
        Assert.Equal(["user priya (MarketplaceGuard-Procurement via group Procurement)"], Reached(PrincipalKind.Group, "Everyone"));

    [Fact]
    public void FindsPrincipalsNamedDirectlyOrThroughTheirGroup()
    {
        Assert.Equal(["user sam (named by -ProcurementPrincipal)"], Reached(PrincipalKind.User, "sam", "SAM"));
        Assert.Equal(["user pat (in group Procurement, named by -ProcurementPrincipal)"], Reached(PrincipalKind.User, "pat", "group/Procurement"));
        Assert.Equal(["group Procurement (named by -ProcurementPrincipal)"], Reached(PrincipalKind.Group, "procurement", "arn:aws:iam::111122223333:group/Procurement"));
        Assert.Equal(["role MarketplaceBuyer (named by -ProcurementPrincipal)"], Reached(PrincipalKind.Role, "MarketplaceBuyer", "role/Marketplace*"));
    }

    [Fact]
    public void ReachesNobodyAuthorized()
    {
        Assert.Empty(Reached(PrincipalKind.Role, "ci-deploy"));
        Assert.Empty(Reached(PrincipalKind.Group, "Developers", "MarketplaceBuyer"));
    }
}
