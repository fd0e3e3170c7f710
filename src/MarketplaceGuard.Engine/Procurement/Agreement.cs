using System;
using System.Collections.Generic;

namespace MarketplaceGuard.Engine.Procurement;

/// <summary>
/// One AWS Marketplace agreement of an account as acceptor (a purchase), as the Marketplace Agreement API's
/// SearchAgreements returns it (AgreementViewSummary, model marketplace-agreement 2020-03-01). Property names follow
/// AWS.Tools.MarketplaceAgreement (PascalCase of the API's members), so <see cref="AgreementId"/> binds by property
/// name to its cmdlets. The API does not return product names: <see cref="ProductName"/> is set only when another
/// source (a mapping file) gives it.
/// </summary>
public sealed class Agreement
{
    public Agreement(string agreementId, string accountId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agreementId);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        AgreementId = agreementId;
        AccountId = accountId;
    }

    /// <summary>agmt-…: the agreement's id.</summary>
    public string AgreementId { get; }

    /// <summary>The account that was searched (the acceptor: the buyer).</summary>
    public string AccountId { get; }

    /// <summary>The account's name in the organization (organization runs); null for an account searched on its own.</summary>
    public string? AccountName { get; set; }

    /// <summary>PurchaseAgreement (the only type a buyer searches for).</summary>
    public string? AgreementType { get; init; }

    /// <summary>ACTIVE, ARCHIVED, CANCELLED, EXPIRED, RENEWED, REPLACED, ROLLED_BACK, SUPERSEDED or TERMINATED (<see cref="AgreementStatuses"/>).</summary>
    public string? Status { get; init; }

    /// <summary>The acceptor's account (the buyer, normally <see cref="AccountId"/>).</summary>
    public string? AcceptorAccountId { get; init; }

    /// <summary>The proposer's account (the seller, or AWS Marketplace's).</summary>
    public string? ProposerAccountId { get; init; }

    /// <summary>The product id (prod-…) of the agreement's first resource: proposalSummary.resources[0].id.</summary>
    public string? ProductId { get; init; }

    /// <summary>Every resource of the proposal: product ids with their types.</summary>
    public IReadOnlyList<AgreementResource> Resources { get; init; } = [];

    /// <summary>AmiProduct, ContainerProduct, SaaSProduct, ProfessionalServicesProduct, MachineLearningProduct … of the first resource.</summary>
    public string? ResourceType { get; init; }

    /// <summary>The product's name, where a source other than the Agreement API gives it; else null.</summary>
    public string? ProductName { get; set; }

    /// <summary>offer-…: the accepted offer.</summary>
    public string? OfferId { get; init; }

    public string? OfferSetId { get; init; }

    public DateTimeOffset? AcceptanceTime { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    /// <summary>When the agreement ends; null for pay-as-you-go agreements with no end.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>The License Manager license ARNs of the agreement's entitlements.</summary>
    public IReadOnlyList<string> LicenseArns { get; init; } = [];

    /// <summary>The first license ARN, or null: AWS.Tools-style scalar for tables and CSV.</summary>
    public string? LicenseArn => LicenseArns.Count > 0 ? LicenseArns[0] : null;

    /// <summary>True when the status is ACTIVE.</summary>
    public bool IsActive => string.Equals(Status, AgreementStatuses.Active, StringComparison.Ordinal);

    public override string ToString() => $"{AgreementId} {ProductId ?? "(no product)"} {Status ?? "(no status)"} ({AccountId})";
}

/// <summary>A resource of an agreement's proposal: a product id and its type.</summary>
public sealed record AgreementResource(string Id, string? Type);

/// <summary>The values the Agreement API uses (model marketplace-agreement 2020-03-01).</summary>
public static class AgreementStatuses
{
    public const string Active = "ACTIVE";

    /// <summary>Every status of AgreementStatus, as the API spells them.</summary>
    public static IReadOnlyList<string> All { get; } = ["ACTIVE", "ARCHIVED", "CANCELLED", "EXPIRED", "RENEWED", "REPLACED", "ROLLED_BACK", "SUPERSEDED", "TERMINATED"];

    /// <summary>Statuses after which the product is no longer paid for under the agreement (instances still running bill on).</summary>
    public static IReadOnlyList<string> Ended { get; } = ["CANCELLED", "EXPIRED", "TERMINATED", "ARCHIVED", "ROLLED_BACK"];

    /// <summary>The resource types SearchAgreements filters on (ResourceType filter).</summary>
    public static IReadOnlyList<string> ResourceTypes { get; } = ["AmiProduct", "ContainerProduct", "SaaSProduct", "ProfessionalServicesProduct", "MachineLearningProduct"];

    /// <summary>The agreement types a buyer can search for.</summary>
    public static IReadOnlyList<string> AgreementTypes { get; } = ["PurchaseAgreement"];
}
