using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// Rule 3's capabilities: putting paid products in front of users (License Manager grants, Service Catalog portfolios,
/// the Private Marketplace) and Bedrock's subscription on first use. Every path names the actions of AWS's Service
/// Authorization Reference (docs/about_MarketplaceGuardDistribution.md gives each path with its source). Resources are
/// sets wide enough that a policy scoped to part of them is "conditionally allowed", never denied.
/// </summary>
public static class DistributionCapabilities
{
    /// <summary>
    /// Marketplace licenses are issued by AWS Marketplace's own account, and a grant can be received from anyone: the
    /// account field is "*". License Manager ARNs have no Region field.
    /// </summary>
    private const string License = "arn:{partition}:license-manager::*:license:*";

    private const string Grant = "arn:{partition}:license-manager::*:grant:*";

    /// <summary>
    /// Any portfolio: one imported from another account (a hub account's shared portfolio) keeps its owner's ARN, and
    /// associating the account's principals with it puts its products in front of them too.
    /// </summary>
    private const string Portfolio = "arn:{partition}:catalog:*:*:portfolio/*";

    private const string Product = "arn:{partition}:catalog:*:{account}:product/*";

    private const string Role = "arn:{partition}:iam::{account}:role/*";

    /// <summary>
    /// Any entity of the AWSMarketplace catalog (the Catalog API is in us-east-1 only). The change types target
    /// experiences and procurement policies; a policy scoped to one entity type is conditionally allowed. The account is
    /// any: in an organization the experience belongs to the management account and a delegated administrator in a
    /// member account changes it, so a policy naming the management account's experience is no less a path.
    /// </summary>
    private const string CatalogEntity = "arn:{partition}:aws-marketplace:us-east-1:*:AWSMarketplace/*";

    /// <summary>Third-party models are foundation models; their ids start with the provider (anthropic.*, cohere.*).</summary>
    private const string FoundationModel = "arn:{partition}:bedrock:*::foundation-model/*";

    /// <summary>The Private Marketplace change types of the Catalog API (AWS Marketplace buyer guide, "Private Marketplace").</summary>
    public static IReadOnlyList<string> PrivateMarketplaceChangeTypes { get; } =
    [
        "CreateExperience", "UpdateExperience", "RestrictExperience", "ReviveExperience",
        "CreateProcurementPolicy", "UpdateProcurementPolicy", "AllowProductProcurement", "DenyProductProcurement",
        "AssociateAudience", "DisassociateAudience", "CreateBrandingSettings", "UpdateBrandingSettings",
    ];

    /// <summary>
    /// License Manager's distribution actions (research notes RULE2-RULE3-FACTS §3.1: SAR-LM; activation is
    /// CreateGrantVersion with status ACTIVE, there is no separate action). License configurations count license use;
    /// they distribute nothing, so CreateLicenseConfiguration is not a path.
    /// </summary>
    public static Capability DistributeLicenses { get; } = new(
        "DistributeLicenses",
        3,
        "Distribute Marketplace licenses with License Manager: create, activate, accept or delete grants, create licenses or their versions, change the account's distribution settings",
        [
            [LicenseManager("CreateGrant", License, "a license")],
            [LicenseManager("CreateGrantVersion", Grant, "a grant (a new version activates or changes it)")],
            [LicenseManager("AcceptGrant", Grant, "a grant")],
            [LicenseManager("DeleteGrant", Grant, "a grant")],
            [LicenseManager("CreateLicense", "*", "a new license")],
            [LicenseManager("CreateLicenseVersion", License, "a license")],
            [LicenseManager("UpdateServiceSettings", "*", "the account's settings (organization-wide distribution)")],
        ]);

    /// <summary>
    /// Service Catalog's distribution actions (§3.2: SAR-SC; a launch constraint names the role Service Catalog assumes,
    /// and creating one needs iam:PassRole of it: Service Catalog administrator guide, launch constraints).
    /// </summary>
    public static Capability ShareThroughServiceCatalog { get; } = new(
        "ShareThroughServiceCatalog",
        3,
        "Put products in front of users with Service Catalog: create or share portfolios, give principals access, create products and versions, set launch roles",
        [
            [ServiceCatalog("CreatePortfolio", Portfolio, "a new portfolio")],
            [ServiceCatalog("CreatePortfolioShare", Portfolio, "a portfolio (share with accounts or the organization)")],
            [ServiceCatalog("UpdatePortfolioShare", Portfolio, "a portfolio share")],
            [ServiceCatalog("AssociatePrincipalWithPortfolio", Portfolio, "a portfolio (give principals its products)")],
            [ServiceCatalog("AssociateProductWithPortfolio", "*", "a portfolio (add a product)")],
            [ServiceCatalog("CreateProduct", Product, "a new product")],
            [ServiceCatalog("CreateProvisioningArtifact", Product, "a product (a new version)")],
            [
                ServiceCatalog("CreateConstraint", Product, "a product (a launch constraint)"),
                new AccessRequest(
                    "iam:PassRole",
                    Role,
                    new Dictionary<string, ContextValue> { ["iam:PassedToService"] = ContextValue.Of("servicecatalog.amazonaws.com") },
                    label: "iam:PassRole of a launch role to servicecatalog.amazonaws.com"),
            ],
        ]);

    /// <summary>
    /// Invoking a third-party model subscribes the account when the caller also holds Subscribe, Unsubscribe and
    /// ViewSubscriptions (§7: Bedrock user guide, model access; Converse is authorized by the two invoke actions).
    /// </summary>
    public static Capability BedrockAutoSubscribe { get; } = new(
        "BedrockAutoSubscribe",
        3,
        "Subscribe the account to third-party Bedrock models by invoking them: invoke permission together with Subscribe, Unsubscribe and ViewSubscriptions",
        [
            [Bedrock("InvokeModel"), .. SubscriptionPrerequisites()],
            [Bedrock("InvokeModelWithResponseStream"), .. SubscriptionPrerequisites()],
        ]);

    /// <summary>
    /// Legacy Private Marketplace actions (§3.3: SAR-PMP), then StartChangeSet of each Private Marketplace change type
    /// (§3.3: SAR-CAT, catalog:ChangeType; MP-PMP change types).
    /// </summary>
    internal static IReadOnlyList<IReadOnlyList<AccessRequest>> PrivateMarketplacePaths { get; } =
    [
        [new AccessRequest("aws-marketplace:AssociateProductsWithPrivateMarketplace")],
        [new AccessRequest("aws-marketplace:DisassociateProductsFromPrivateMarketplace")],
        .. PrivateMarketplaceChangeTypes.Select(type => (IReadOnlyList<AccessRequest>)
        [
            new AccessRequest(
                "aws-marketplace:StartChangeSet",
                CatalogEntity,
                new Dictionary<string, ContextValue> { ["catalog:ChangeType"] = ContextValue.Of(type) },
                label: $"aws-marketplace:StartChangeSet of change type {type}"),
        ]),
    ];

    private static IEnumerable<AccessRequest> SubscriptionPrerequisites() =>
    [
        new("aws-marketplace:Subscribe"),
        new("aws-marketplace:Unsubscribe"),
        new("aws-marketplace:ViewSubscriptions"),
    ];

    private static AccessRequest LicenseManager(string action, string resource, string what) =>
        new("license-manager:" + action, resource, label: $"license-manager:{action} on {what}");

    private static AccessRequest ServiceCatalog(string action, string resource, string what) =>
        new("servicecatalog:" + action, resource, label: $"servicecatalog:{action} on {what}");

    private static AccessRequest Bedrock(string action) =>
        new("bedrock:" + action, FoundationModel, label: $"bedrock:{action} on a third-party foundation model");
}
