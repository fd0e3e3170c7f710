using System;
using System.Collections.Generic;

namespace MarketplaceGuard.FakeIam.Agreements;

/// <summary>
/// One agreement the fake Agreement endpoint serves, as SearchAgreements' AgreementViewSummary holds it: the acceptor
/// (the buyer account that finds it with PartyType=Acceptor), the proposer (the seller), the proposal's resources
/// (product id and type), offer, status, times (a null <see cref="EndTime"/> is a pay-as-you-go agreement) and the
/// License Manager license ARNs of its entitlements.
/// </summary>
public sealed record FakeAgreement(string AgreementId, string AcceptorAccountId)
{
    public string ProposerAccountId { get; init; } = "999988887777";

    public string AgreementType { get; init; } = "PurchaseAgreement";

    public string Status { get; init; } = "ACTIVE";

    /// <summary>The proposal's resources: (product id, resource type), the first one being the product.</summary>
    public IReadOnlyList<(string Id, string Type)> Resources { get; init; } = [];

    public string? OfferId { get; init; }

    public string? OfferSetId { get; init; }

    public DateTimeOffset? AcceptanceTime { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    public IReadOnlyList<string> LicenseArns { get; init; } = [];
}
