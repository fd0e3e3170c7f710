using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Engine.Procurement;

/// <summary>
/// The rules of the procurement inventory (Get-MarketplaceProcurementReport), family MG4xxx. They judge what was bought
/// and what runs, not who may do what, so they are not among <see cref="AuditRules.All"/> (the least-privilege audit's
/// rules, one Pester test each).
/// </summary>
public static class ProcurementRules
{
    public static AuditRule BillingLeak { get; } = new(
        "MG4001", "BillingLeak", Severity.High,
        "Paid instances still run under a product whose agreement in the account has ended",
        "A cancelled or expired AMI subscription keeps billing for every instance that still runs, and no new instance can start. Terminate (or stop) the instances, or subscribe again. Fires when instances are running, pending or stopping under a product code whose product has agreements in the account, none of them ACTIVE.");

    public static AuditRule AgreementExpiring { get; } = new(
        "MG4002", "AgreementExpiring", Severity.Medium,
        "An active agreement ends soon",
        "An ACTIVE agreement whose end time falls within the window (-ExpiresWithin, 30 days by default), and no other ACTIVE agreement of the account for its product lasts longer. Medium when running instances depend on it (or that cannot be told), Low when none do. Renew it or plan the instances' end.");

    public static AuditRule SharedSubscription { get; } = new(
        "MG4003", "SharedSubscription", Severity.Low,
        "Paid instances run in an account with no agreement of its own for the product",
        "They run on another account's subscription shared through License Manager grants: the finding names the accounts that hold an ACTIVE agreement and its license ARNs. Low when such an account exists (check the grant is meant), Medium when none of the inventory's accounts holds one.");

    public static AuditRule UnprotectedPaidImage { get; } = new(
        "MG4004", "UnprotectedPaidImage", Severity.Medium,
        "Account-owned paid AMIs do not carry the guard tag",
        "AMIs the account owns that carry product codes can be shared, copied and snapshotted by anyone IAM allows, because those actions have no product-code condition key: the Rule 2 denies reach them only through the guard tag marketplaceguard:product-code. Protect them with Protect-MarketplacePaidResource.");

    public static AuditRule NotJoined { get; } = new(
        "MG4005", "ProductCodeNotJoined", Severity.Medium,
        "Paid resources carry a product code that no mapping joins to a product",
        "No AWS API maps an EC2 product code to a Marketplace product id for a buyer: without a mapping (-ProductCodeMapPath) the inventory cannot tell whether these instances run under an active, ended or missing agreement, so none of MG4001 to MG4003 can be judged for them. Add the code to the map.");

    public static IReadOnlyList<AuditRule> All { get; } = [BillingLeak, AgreementExpiring, SharedSubscription, UnprotectedPaidImage, NotJoined];

    public static AuditRule? Find(string id) => All.FirstOrDefault(r => r.Id.Equals(id, StringComparison.OrdinalIgnoreCase));
}
