using System;
using System.Collections.Generic;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Engine.Procurement;

/// <summary>
/// One thing the procurement inventory found: a rule (MG4001…), the account, the product, why, the evidence (agreement
/// ids, instance and image ids, regions) and a command that fixes it. Every property is a plain value, so findings
/// export to CSV and JSON as they are.
/// </summary>
public sealed class ProcurementFinding
{
    internal ProcurementFinding(AuditRule rule, Severity severity, string accountId, string? accountName, string? productCode = null, string? productId = null, string? productName = null)
    {
        Rule = rule;
        Severity = severity;
        AccountId = accountId;
        AccountName = accountName;
        ProductCode = productCode;
        ProductId = productId;
        ProductName = productName;
    }

    public string RuleId => Rule.Id;

    public AuditRule Rule { get; }

    public Severity Severity { get; }

    /// <summary>The account concerned: where the instances run, the images are, or the agreement was accepted.</summary>
    public string AccountId { get; }

    public string? AccountName { get; }

    /// <summary>The EC2 product code concerned; null for MG4002 (an agreement) and MG4004 (images of any code).</summary>
    public string? ProductCode { get; }

    /// <summary>The Marketplace product id, where known (from the agreement or the product-code map).</summary>
    public string? ProductId { get; }

    public string? ProductName { get; }

    /// <summary>The agreements behind the finding (ended ones for MG4001, the expiring one for MG4002).</summary>
    public IReadOnlyList<string> AgreementIds { get; init; } = [];

    /// <summary>The instances or images concerned.</summary>
    public IReadOnlyList<string> ResourceIds { get; init; } = [];

    public IReadOnlyList<string> Regions { get; init; } = [];

    /// <summary>Running (or pending, stopping) instances concerned: leaking (MG4001), depending on the agreement (MG4002), on another account's subscription (MG4003).</summary>
    public int RunningInstances { get; init; }

    /// <summary>MG4002: whole days until the agreement ends (negative once its end time has passed).</summary>
    public int? DaysLeft { get; init; }

    /// <summary>MG4002: when the agreement ends.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>MG4003: the accounts that hold an ACTIVE agreement for the product (empty when none does).</summary>
    public IReadOnlyList<string> HolderAccountIds { get; init; } = [];

    /// <summary>MG4003: the License Manager license ARNs of the holders' agreements.</summary>
    public IReadOnlyList<string> LicenseArns { get; init; } = [];

    /// <summary>A sentence a person understands.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>The facts behind it, one per line: agreements with their status and dates, instances per region.</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];

    /// <summary>Commands that fix it (AWS.Tools or MarketplaceGuard), separated by "; ".</summary>
    public string Recommendation { get; init; } = string.Empty;

    /// <summary>What the finding is about, for tables: the product code, the agreement id, or "images".</summary>
    public string Target => ProductCode ?? (AgreementIds.Count > 0 ? AgreementIds[0] : "images");

    public override string ToString() => $"{RuleId} {Severity} {AccountId} {Target}: {Reason}";
}
