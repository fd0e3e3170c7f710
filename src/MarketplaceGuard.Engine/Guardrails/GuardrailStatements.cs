using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Policies;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Engine.Guardrails;

/// <summary>Whose aws:PrincipalArn patterns a guardrail deny leaves alone.</summary>
[Flags]
internal enum ExceptedRoles
{
    None = 0,
    Procurement = 1,
    Launcher = 2,
    Governance = 4,
}

/// <summary>
/// One deny of a guardrail before its exceptions are known: a short Sid (audit reasons quote it), the actions, the
/// resources, its own conditions, and whose ARN patterns it leaves alone (an <c>ArnNotLike</c> on aws:PrincipalArn,
/// added by <see cref="GuardrailBuilder"/>). <paramref name="ListsApprovedProducts"/> marks the deny whose condition
/// holds the approved products: its size grows with -ApprovedProductId.
/// </summary>
internal sealed record GuardrailDeny(
    string Sid,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> Resources,
    IReadOnlyList<PolicyCondition> Conditions,
    ExceptedRoles Excepted,
    bool ListsApprovedProducts = false);

/// <summary>
/// The denies of each rule. Facts are from the research notes RULE2-RULE3-FACTS.md, cited by section; the choice of
/// each action is explained in docs/New-MarketplaceGuardrailPolicy.md.
/// </summary>
internal static class GuardrailStatements
{
    private const string ProductIdKey = "aws-marketplace:ProductId";
    private const string ChangeTypeKey = "catalog:ChangeType";
    private static readonly string[] Everything = ["*"];

    /// <summary>
    /// Rule 1: buying and cancelling (§6, the agreement API), each an action a buyer's principal calls. Left out:
    /// ViewSubscriptions and the read actions, rejecting a seller's payment or cancellation request (it spends and
    /// cancels nothing), withdrawing one's own pending agreement request, and the seller-side actions.
    /// </summary>
    public static IReadOnlyList<string> ProcurementActions { get; } =
    [
        "aws-marketplace:Subscribe",
        "aws-marketplace:Unsubscribe",
        "aws-marketplace:CreateAgreementRequest",
        "aws-marketplace:AcceptAgreementRequest",
        "aws-marketplace:AcceptAgreementApprovalRequest",
        "aws-marketplace:AcceptAgreementPaymentRequest",
        "aws-marketplace:UpdatePurchaseOrders",
        "aws-marketplace:CancelAgreement",
        "aws-marketplace:AcceptAgreementCancellationRequest",
    ];

    /// <summary>The purchases a request can name its product on (§8: the SAR lists the key on the two agreement requests; AWS documents it on Subscribe).</summary>
    public static IReadOnlyList<string> ProductScopedActions { get; } =
    [
        "aws-marketplace:Subscribe",
        "aws-marketplace:CreateAgreementRequest",
        "aws-marketplace:AcceptAgreementRequest",
    ];

    /// <summary>Rule 3: License Manager (§3.1) and Service Catalog (§3.2) distribution, as DistributionCapabilities names it.</summary>
    public static IReadOnlyList<string> DistributionActions { get; } =
    [
        "license-manager:CreateGrant",
        "license-manager:CreateGrantVersion",
        "license-manager:AcceptGrant",
        "license-manager:DeleteGrant",
        "license-manager:CreateLicense",
        "license-manager:CreateLicenseVersion",
        "license-manager:CreateLicenseConfiguration",
        "license-manager:UpdateServiceSettings",
        "servicecatalog:CreatePortfolio",
        "servicecatalog:CreatePortfolioShare",
        "servicecatalog:UpdatePortfolioShare",
        "servicecatalog:AssociatePrincipalWithPortfolio",
        "servicecatalog:AssociateProductWithPortfolio",
        "servicecatalog:CreateProduct",
        "servicecatalog:CreateProvisioningArtifact",
        "servicecatalog:CreateConstraint",
    ];

    /// <summary>The legacy Private Marketplace actions (§3.3).</summary>
    public static IReadOnlyList<string> PrivateMarketplaceActions { get; } =
    [
        "aws-marketplace:AssociateProductsWithPrivateMarketplace",
        "aws-marketplace:DisassociateProductsFromPrivateMarketplace",
    ];

    /// <summary>
    /// The short Sid of each Rule 2 deny, by the template statements it merges (statements of the two templates with
    /// the same resources and conditions become one deny, named by what it matches).
    /// </summary>
    private static readonly Dictionary<string, string> PaidAmiSids = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["DenyLaunchFromMarketplaceAmis"] = "R2MarketplaceAmi",
        ["DenyStoreExportAndSharingOfMarketplaceAmis"] = "R2MarketplaceAmi",
        ["DenyLaunchFromGuardTaggedAmis"] = "R2TaggedAmi",
        ["DenyStoreExportAndSharingOfGuardTaggedAmis"] = "R2TaggedAmi",
        ["DenyLaunchOfProductCodedInstances"] = "R2PaidInstance",
        ["DenyImagingAndExportOfProductCodedInstances"] = "R2PaidInstance",
        ["DenyAttachOfGuardTaggedVolumes"] = "R2TaggedVolume",
        ["DenySnapshotsOfGuardTaggedVolumes"] = "R2TaggedVolume",
        ["DenyCopyOfAmisNotOwnedByAmazon"] = "R2CopyImage",
        ["DenyRestoringStoredAmis"] = "R2RestoreImage",
        ["DenyCopyOfProductCodedSnapshots"] = "R2PaidSnapshot",
        ["DenyVolumesImagesAndSharingFromGuardTaggedSnapshots"] = "R2TaggedSnapshot",
        ["DenyGuardTagChanges"] = "R2GuardTagKey",
        ["DenyTagRemovalFromGuardTaggedResources"] = "R2GuardTagRemoval",
    };

    /// <summary>The denies of one rule, in document order.</summary>
    public static IReadOnlyList<GuardrailDeny> For(int rule, IReadOnlyList<string> approvedProductIds) => rule switch
    {
        1 => Rule1(approvedProductIds),
        2 => Rule2,
        3 => Rule3,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Rules are 1, 2 and 3."),
    };

    private static List<GuardrailDeny> Rule1(IReadOnlyList<string> approvedProductIds)
    {
        var denies = new List<GuardrailDeny> { new("R1Procure", ProcurementActions, Everything, [], ExceptedRoles.Procurement) };
        if (approvedProductIds.Count > 0)
        {
            // §8: a deny-except on the product, for everyone (procurement buys approved products only). A ForAnyValue
            // deny does not match a request without the key, so a second deny refuses such requests: fail closed.
            denies.Add(new("R1Product", ProductScopedActions, Everything, [Condition("ForAnyValue:StringNotEquals", ProductIdKey, approvedProductIds)], ExceptedRoles.None, ListsApprovedProducts: true));
            denies.Add(new("R1NoProductId", ProductScopedActions, Everything, [Condition("Null", ProductIdKey, ["true"])], ExceptedRoles.None));
        }

        return denies;
    }

    /// <summary>Rule 2 mirrors the IAM deny templates statement by statement, so a fix to a template reaches the guardrail.</summary>
    private static readonly IReadOnlyList<GuardrailDeny> Rule2 =
        new[] { PolicyTemplateCatalog.DenyPaidAmiLaunch, PolicyTemplateCatalog.DenyPaidAmiReplication }
            .SelectMany(name => PolicyTemplateCatalog.Get(name).Policy.Statements)
            .Select(s => new GuardrailDeny(
                PaidAmiSids.TryGetValue(s.Sid ?? string.Empty, out var sid) ? sid : throw new InvalidOperationException($"The template statement {s.Sid} has no guardrail Sid."),
                s.Actions,
                s.Resources,
                s.Conditions,
                ExceptedRoles.Launcher))
            .ToList();

    /// <summary>
    /// Rule 3: distribution stays with governance; the Private Marketplace is administered by procurement too. The
    /// Private Marketplace change types are only seen through the Catalog API (§3.3: the keys of StartChangeSet are
    /// not supported from the Management Portal), so a StartChangeSet without catalog:ChangeType is refused as well.
    /// Bedrock's subscription on first use needs aws-marketplace:Subscribe (§7): Rule 1 closes it.
    /// </summary>
    private static readonly IReadOnlyList<GuardrailDeny> Rule3 =
    [
        new("R3Distribute", DistributionActions, Everything, [], ExceptedRoles.Governance),
        new("R3PrivateMarketplace", PrivateMarketplaceActions, Everything, [], ExceptedRoles.Governance | ExceptedRoles.Procurement),
        new("R3PmpChangeSet", ["aws-marketplace:StartChangeSet"], Everything,
            [Condition("ForAnyValue:StringEquals", ChangeTypeKey, DistributionCapabilities.PrivateMarketplaceChangeTypes)], ExceptedRoles.Governance | ExceptedRoles.Procurement),
        new("R3NoChangeType", ["aws-marketplace:StartChangeSet"], Everything, [Condition("Null", ChangeTypeKey, ["true"])], ExceptedRoles.Governance | ExceptedRoles.Procurement),
    ];

    internal static PolicyCondition Condition(string @operator, string key, IReadOnlyList<string> values) =>
        new(ConditionOperator.TryParse(@operator, out var problem) ?? throw new InvalidOperationException(problem), key, values);
}
