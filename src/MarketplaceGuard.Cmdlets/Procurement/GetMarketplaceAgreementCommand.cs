using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Agreements;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Cmdlets.Aws;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Organizations;
using MarketplaceGuard.Engine.Procurement;

namespace MarketplaceGuard.Cmdlets.Procurement;

/// <summary>
/// Get-MarketplaceAgreement: the account's AWS Marketplace purchase agreements as acceptor (SearchAgreements of the
/// Marketplace Agreement API, in us-east-1 whatever -Region says), filtered by status, product, resource type and end
/// date; with -AccountId or -AllAccounts, every account's, each tagged with its account, an account that fails being a
/// non-terminating error naming it.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MarketplaceAgreement")]
[OutputType(typeof(Agreement))]
public sealed class GetMarketplaceAgreementCommand : OrganizationCommand
{
    /// <summary>Agreements in any of these statuses; any status when omitted.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ValidateSet("ACTIVE", "ARCHIVED", "CANCELLED", "EXPIRED", "RENEWED", "REPLACED", "ROLLED_BACK", "SUPERSEDED", "TERMINATED", IgnoreCase = true)]
    public string[]? Status { get; set; }

    /// <summary>Agreements for any of these products (prod-…); any product when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ProductId { get; set; }

    /// <summary>The agreement type; PurchaseAgreement (the only type a buyer has) when omitted.</summary>
    [Parameter]
    [ValidateSet("PurchaseAgreement", IgnoreCase = true)]
    public string? AgreementType { get; set; }

    /// <summary>Agreements for products of any of these types; any type when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateSet("AmiProduct", "ContainerProduct", "SaaSProduct", "ProfessionalServicesProduct", "MachineLearningProduct", IgnoreCase = true)]
    public string[]? ResourceType { get; set; }

    /// <summary>Only agreements that end after now and within this span (agreements without an end never match).</summary>
    [Parameter]
    public TimeSpan? ExpiresWithin { get; set; }

    /// <inheritdoc/>
    protected override string WorkDone => "searched";

    protected override void EndProcessing()
    {
        CheckOrganizationParameters();
        var filter = Filter();
        var connection = Connect();
        var endpoint = connection.AgreementEndpoint;
        if (!endpoint.IsAvailable)
        {
            ThrowTerminatingError(ModuleErrors.Create($"No agreement can be searched: {endpoint.UnavailableReason}.", ErrorIds.AgreementApiUnavailable, ErrorCategory.NotImplemented, connection.Endpoint.Partition));
        }

        WriteVerbose(endpoint.IsOverridden
            ? $"Calling the Marketplace Agreement API at {endpoint}."
            : $"Calling the Marketplace Agreement API at {endpoint}: it exists only in {AgreementEndpoint.ServiceRegion}, so it is called there{(connection.Region is { } region && region != AgreementEndpoint.ServiceRegion ? $", not in {region}" : string.Empty)}.");
        var sent = AgreementClient.ServerFilters(filter);
        WriteVerbose($"SearchAgreements filters sent: {string.Join(", ", sent)}; the rest of the filter is applied to each agreement here.");

        if (IsOrganizationRun)
        {
            SearchAccounts(connection, filter);
            return;
        }

        var accountId = CallerAccountId(connection);
        using var pump = new PipelinePump();
        using var client = new AgreementClient(connection, accountId) { CallCompleted = record => pump.Post(() => WriteVerbose(record.ToString())) };
        try
        {
            foreach (var agreement in RunPumped(pump, client.SearchAsync(filter, DateTimeOffset.UtcNow, Cancellation)))
            {
                WriteObject(agreement);
            }
        }
        catch (AgreementException e)
        {
            ThrowTerminatingError(ModuleErrors.Create(e.Message, ErrorIds.AgreementSearchFailed, CategoryOf(e.Code), accountId, e));
        }
    }

    /// <summary>The agreements of every account of an organization run, each tagged with its account name.</summary>
    private void SearchAccounts(AwsConnection connection, AgreementFilter filter)
    {
        var (_, callerAccountId, organization, scope, accounts) = StartLiveRun(connection: connection);
        if (organization is null)
        {
            WriteVerbose($"The organization was not read ({scope.NotReadReason}); the accounts are searched by id, without names.");
        }

        var searched = 0;
        FanOut(connection, callerAccountId, accounts, scope, async (account, aws, pump) =>
        {
            using var client = new AgreementClient(aws.Connection, account.AccountId) { CallCompleted = aws.CallCompleted };
            try
            {
                return await client.SearchAsync(filter, DateTimeOffset.UtcNow, aws.Cancellation).ConfigureAwait(false);
            }
            catch (AgreementException e)
            {
                // The Agreement API's own failure (denied to the role, throttled, unreadable): its error id, not AccountNotAudited.
                pump.Post(() => NotAudited(scope, account.AccountId, account.Name, $"SearchAgreements failed: {e.Code}: {e.AwsMessage.TrimEnd('.')}", ErrorIds.AgreementSearchFailed, CategoryOf(e.Code), e));
                return (IReadOnlyList<Agreement>?)null;
            }
        }, (account, agreements) =>
        {
            if (agreements is null)
            {
                return;
            }

            searched++;
            foreach (var agreement in agreements)
            {
                agreement.AccountName = account.Name;
                WriteObject(agreement);
            }
        });
        WriteAccountSummary(scope, searched);
    }

    /// <summary>The filter from the parameters; a value that is not valid is a terminating AgreementFilterInvalid error naming it.</summary>
    private AgreementFilter Filter()
    {
        try
        {
            return AgreementFilter.Create(Status, ProductId, ResourceType, AgreementType, ExpiresWithin);
        }
        catch (ArgumentException e)
        {
            if (e.ParamName == "expiresWithin")
            {
                ThrowTerminatingError(ModuleErrors.Create($"-{nameof(ExpiresWithin)}: {e.Message.Split(" (Parameter")[0]}", ErrorIds.AgreementFilterInvalid, ErrorCategory.InvalidArgument, ExpiresWithin));
            }

            // The id quoted here, shortened: a pasted 100 KB value must not fill the error view.
            var wrong = Array.Find(ProductId ?? [], id => MarketplaceProductId.Problem(id) is not null);
            ThrowTerminatingError(ModuleErrors.Create($"-{nameof(ProductId)}: {ModuleErrors.Quote(wrong)} {MarketplaceProductId.Problem(wrong)}: {MarketplaceProductId.Shape}.", ErrorIds.AgreementFilterInvalid, ErrorCategory.InvalidArgument, wrong));
            throw;
        }
    }

    private static ErrorCategory CategoryOf(string code) => code == "ValidationException" ? ErrorCategory.InvalidArgument : IamErrors.CategoryOf(code);
}
