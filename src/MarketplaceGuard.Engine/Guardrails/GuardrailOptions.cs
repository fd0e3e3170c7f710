using System.Collections.Generic;

namespace MarketplaceGuard.Engine.Guardrails;

/// <summary>
/// What a guardrail is built from: the rules to enforce, who each rule leaves alone (aws:PrincipalArn patterns,
/// wildcards allowed) and, for Rule 1, the products that may be bought. Values are checked and de-duplicated by
/// <see cref="GuardrailBuilder"/>; the names below are those of New-MarketplaceGuardrailPolicy's parameters, which
/// errors name.
/// </summary>
public sealed record GuardrailOptions
{
    public const string RuleParameter = "Rule";
    public const string ProcurementParameter = "ProcurementPrincipalArn";
    public const string LauncherParameter = "LauncherPrincipalArn";
    public const string GovernanceParameter = "GovernancePrincipalArn";
    public const string ProductParameter = "ApprovedProductId";

    /// <summary>The least-privilege rules to build a document for (1, 2, 3); all three by default.</summary>
    public IReadOnlyList<int> Rules { get; init; } = [1, 2, 3];

    /// <summary>Who may subscribe, buy and cancel (Rule 1), and administer the Private Marketplace (Rule 3).</summary>
    public IReadOnlyList<string> ProcurementPrincipalArns { get; init; } = [];

    /// <summary>Who may launch, replicate and share paid AMIs (Rule 2).</summary>
    public IReadOnlyList<string> LauncherPrincipalArns { get; init; } = [];

    /// <summary>Who may distribute: License Manager grants, Service Catalog portfolios, the Private Marketplace (Rule 3).</summary>
    public IReadOnlyList<string> GovernancePrincipalArns { get; init; } = [];

    /// <summary>When not empty, the only products anyone may buy (Rule 1; see <see cref="GuardrailBuilder"/> for the caveat).</summary>
    public IReadOnlyList<string> ApprovedProductIds { get; init; } = [];
}
