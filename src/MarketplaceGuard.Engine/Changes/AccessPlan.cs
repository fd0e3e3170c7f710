using System.Collections.Generic;
using MarketplaceGuard.Engine.Principals;

namespace MarketplaceGuard.Engine.Changes;

/// <summary>The writes planned for one principal, in order, and what the plan noticed on the way.</summary>
public sealed class AccessPlan
{
    public AccessPlan(PrincipalRef principal, IReadOnlyList<PlannedChange> changes, IReadOnlyList<string> warnings)
    {
        Principal = principal;
        Changes = changes;
        Warnings = warnings;
    }

    public PrincipalRef Principal { get; }

    public IReadOnlyList<PlannedChange> Changes { get; }

    public IReadOnlyList<string> Warnings { get; }
}
