using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.Engine.Audit;

public enum Severity
{
    Low,
    Medium,
    High,
}

/// <summary>A rule of the least-privilege audit: a stable id, what it checks, and why it matters.</summary>
public sealed class AuditRule
{
    internal AuditRule(string id, string name, Severity severity, string title, string description)
    {
        Id = id;
        Name = name;
        DefaultSeverity = severity;
        Title = title;
        Description = description;
    }

    /// <summary>The stable id, e.g. MG1001.</summary>
    public string Id { get; }

    /// <summary>A PascalCase name (SARIF rule name).</summary>
    public string Name { get; }

    public Severity DefaultSeverity { get; }

    /// <summary>One line.</summary>
    public string Title { get; }

    /// <summary>Why it matters and what to do.</summary>
    public string Description { get; }

    public override string ToString() => $"{Id} {Title}";
}

/// <summary>The rules of Test-MarketplaceLeastPrivilege.</summary>
public static class AuditRules
{
    public static AuditRule UnauthorizedProcurement { get; } = new(
        "MG1001", "UnauthorizedProcurement", Severity.High,
        "An unauthorized principal can procure",
        "Subscribing accepts a EULA on the company's behalf and starts spending money (Rule 1). Only the procurement team may do it. High when always allowed, Medium when allowed only in some contexts (the finding names the conditions).");

    public static AuditRule UnauthorizedCancellation { get; } = new(
        "MG1002", "UnauthorizedCancellation", Severity.High,
        "An unauthorized principal can cancel subscriptions",
        "Unsubscribing or cancelling an agreement can stop software the business depends on (Rule 1). Only the procurement team may do it.");

    public static AuditRule ProcurementLockedOut { get; } = new(
        "MG1003", "ProcurementLockedOut", Severity.High,
        "An authorized procurement principal cannot procure",
        "The procurement team must be able to subscribe. The classic cause: the deny-everyone-else policy reaches a procurement member through another group, and an explicit deny wins over the grant.");

    public static AuditRule ViewerMisconfigured { get; } = new(
        "MG1004", "ViewerMisconfigured", Severity.High,
        "A billing viewer can procure or cancel, or cannot view",
        "Billing may only view subscriptions (Rule 1): it must be able to view and must not be able to subscribe or unsubscribe.");

    public static AuditRule OnlyImplicitlyDenied { get; } = new(
        "MG1005", "OnlyImplicitlyDenied", Severity.Low,
        "An unauthorized principal is only implicitly denied procurement",
        "The article asks for an explicit deny for everyone outside procurement: an implicit deny turns into an allow as soon as someone attaches a broad policy (PowerUserAccess grants Subscribe through NotAction).");

    public static AuditRule PrivateMarketplaceAdministration { get; } = new(
        "MG1006", "PrivateMarketplaceAdministration", Severity.Medium,
        "Private Marketplace administration outside the procurement team and the governance principals",
        "Whoever manages the Private Marketplace decides which products the company may buy (Rule 3): keep it with procurement and the governance principals. It is held through the legacy approval actions or through Catalog API change sets (StartChangeSet) of a Private Marketplace change type.");

    public static AuditRule CannotBeJudged { get; } = new(
        "MG1007", "CannotBeJudged", Severity.Medium,
        "A principal's policies could not be judged",
        "A policy of the principal is invalid, or a managed policy is missing from the snapshot and unknown to the module. The audit does not guess what it grants: fix the snapshot or the policy.");

    public static AuditRule UnauthorizedPaidAmiLaunch { get; } = new(
        "MG2001", "UnauthorizedPaidAmiLaunch", Severity.High,
        "An unauthorized principal can launch paid AMIs",
        "Every instance launched from a Marketplace AMI, or from an AMI derived from one, is billed for the product (Rule 2). Only the launchers may start them. High when always allowed, Medium when allowed only in some contexts (the finding names the conditions).");

    public static AuditRule UnauthorizedPaidAmiReplication { get; } = new(
        "MG2002", "UnauthorizedPaidAmiReplication", Severity.High,
        "An unauthorized principal can replicate paid AMIs",
        "Copies of paid AMIs, their snapshots and volumes keep the product code and its charges, and escape the controls on the original (Rule 2): creating images from paid instances, copying, storing, exporting, snapshotting or registering them is the launchers' job.");

    public static AuditRule UnauthorizedPaidAmiSharing { get; } = new(
        "MG2003", "UnauthorizedPaidAmiSharing", Severity.High,
        "An unauthorized principal can share paid AMIs",
        "Sharing a paid AMI or snapshot with another account hands the paid software to people outside the account's control (Rule 2). AWS blocks public sharing of product-code AMIs, but not sharing with named accounts, organizations or OUs.");

    public static AuditRule PaidAmiLaunchThroughRole { get; } = new(
        "MG2004", "PaidAmiLaunchThroughRole", Severity.High,
        "An unauthorized principal can launch paid AMIs only by passing a role",
        "A principal that may pass a role (iam:PassRole) to a service that launches instances for it (CloudFormation, Service Catalog, Auto Scaling, Spot Fleet) launches with the role's permissions (Rule 2). The finding names the role and the service.");

    public static AuditRule LauncherLockedOut { get; } = new(
        "MG2005", "LauncherLockedOut", Severity.High,
        "An authorized launcher cannot launch paid AMIs",
        "The launchers must be able to start the paid software the company bought. The classic cause: a Rule 2 deny reaches a launcher through another group, and an explicit deny wins over the grant.");

    public static AuditRule UnauthorizedLicenseDistribution { get; } = new(
        "MG3001", "UnauthorizedLicenseDistribution", Severity.High,
        "A principal outside governance can distribute Marketplace licenses",
        "A License Manager grant hands a paid product's entitlement to other accounts, or activates one received (Rule 3): creating, activating, accepting or deleting grants, and creating licenses, is the governance principals' job. Grants made by the Marketplace service-linked role are not judged. High when always allowed, Medium when allowed only in some contexts (the finding names the conditions).");

    public static AuditRule UnauthorizedServiceCatalogSharing { get; } = new(
        "MG3002", "UnauthorizedServiceCatalogSharing", Severity.High,
        "A principal outside governance can put products in front of users with Service Catalog",
        "Service Catalog portfolios decide which products, paid AMIs included, users may launch, and a launch constraint lets them launch with a role's permissions instead of their own (Rule 3): creating or sharing portfolios, giving principals access, adding products or versions and setting launch roles is the governance principals' job. High when always allowed, Medium when allowed only in some contexts.");

    public static AuditRule BedrockAutoSubscription { get; } = new(
        "MG3003", "BedrockAutoSubscription", Severity.High,
        "A principal subscribes the account to third-party Bedrock models by invoking them",
        "Amazon Bedrock subscribes the account to a third-party model the first time a principal that may also subscribe, unsubscribe and view subscriptions invokes it: no one decides the purchase (Rules 1 and 3). High when always allowed, Medium when allowed only in some contexts, Low for procurement principals (their model invocations subscribe without a purchase decision: give Bedrock workloads a separate role).");

    public static AuditRule GovernanceLockedOut { get; } = new(
        "MG3004", "GovernanceLockedOut", Severity.High,
        "A governance principal can administer no distribution",
        "The governance principals must be able to administer distribution: License Manager grants, Service Catalog portfolios or the Private Marketplace. The classic cause: a distribution deny or an SCP reaches a governance principal, and an explicit deny wins over the grant.");

    public static IReadOnlyList<AuditRule> All { get; } =
    [
        UnauthorizedProcurement, UnauthorizedCancellation, ProcurementLockedOut, ViewerMisconfigured, OnlyImplicitlyDenied, PrivateMarketplaceAdministration, CannotBeJudged,
        UnauthorizedPaidAmiLaunch, UnauthorizedPaidAmiReplication, UnauthorizedPaidAmiSharing, PaidAmiLaunchThroughRole, LauncherLockedOut,
        UnauthorizedLicenseDistribution, UnauthorizedServiceCatalogSharing, BedrockAutoSubscription, GovernanceLockedOut,
    ];

    public static AuditRule? Find(string id) => All.FirstOrDefault(r => r.Id.Equals(id, StringComparison.OrdinalIgnoreCase));
}
