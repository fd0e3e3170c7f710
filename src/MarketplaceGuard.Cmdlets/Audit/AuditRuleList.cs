using System.Collections.Generic;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>
/// The audit's rules for the module's own PowerShell scripts (the Pester audit library, Invoke-MarketplaceAudit's
/// -Tag completion): <c>[MarketplaceGuard.Cmdlets.Audit.AuditRuleList]::All</c>. The engine's <see cref="AuditRules"/>
/// is the one list of rules, but PowerShell cannot name a type of the private load context, so this class, in the
/// cmdlet assembly, hands it over.
/// </summary>
public static class AuditRuleList
{
    /// <summary>Every rule, in id order: Id, Name, DefaultSeverity, Title, Description.</summary>
    public static IReadOnlyList<AuditRule> All => AuditRules.All;

    /// <summary>The rule ids closest to a value that is not one ("MG103" → MG1003 ...).</summary>
    public static IReadOnlyList<string> Closest(string value) => Engine.Matching.ClosestNames.Find(value, System.Linq.Enumerable.Select(AuditRules.All, r => r.Id));
}
