using System;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// Who can do what in one account: <see cref="AccessAnalyzer"/>'s answer for a principal's own policies, and, for
/// LaunchPaidAmi, also launching through a role the principal can pass (see <see cref="LaunchRoutes"/>), which needs the
/// other roles of the account. Get-MarketplaceAccess and the audit ask it, so both give the same matrix.
/// </summary>
public sealed class AccountAccess
{
    private readonly Lazy<LaunchRoutes> routes;

    public AccountAccess(Account account, AccessAnalyzer? analyzer = null)
    {
        Analyzer = analyzer ?? new AccessAnalyzer();
        routes = new Lazy<LaunchRoutes>(() => new LaunchRoutes(account.Principals.Where(p => p.Type == PrincipalType.Role).Select(r => Analyzer.Analyze(r, Capabilities.LaunchPaidAmi))));
    }

    public AccessAnalyzer Analyzer { get; }

    /// <summary>The principal's entry for the capability.</summary>
    public AccessEntry Analyze(AccountPrincipal principal, Capability capability) => Complete(Analyzer.Analyze(principal, capability));

    /// <summary>
    /// An entry of <see cref="AccessAnalyzer"/> completed with what needs the account: a LaunchPaidAmi the principal's own
    /// policies deny may still be held through a role it can pass.
    /// </summary>
    public AccessEntry Complete(AccessEntry entry)
    {
        if (entry.CapabilityDefinition != Capabilities.LaunchPaidAmi || entry.Decision is not (AuditDecision.ExplicitDeny or AuditDecision.ImplicitDeny))
        {
            return entry;
        }

        var known = routes.Value;
        return known.Count == 0 ? entry : known.Best(Analyzer, entry.Principal) ?? entry;
    }
}
