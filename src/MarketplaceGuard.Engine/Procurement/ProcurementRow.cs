namespace MarketplaceGuard.Engine.Procurement;

/// <summary>
/// One flat row of the inventory: a product code in one account and region, with scalar values only, so that
/// <c>| Export-Csv</c> writes it as it is.
/// </summary>
public sealed record ProcurementRow(
    string ProductCode,
    string? ProductId,
    string? ProductName,
    string AccountId,
    string? AccountName,
    string Region,
    int RunningInstances,
    int StoppedInstances,
    int Images,
    int UnprotectedImages,
    string AgreementStatus,
    string AgreementIds,
    string? AgreementEndTime,
    string RuleIds);
