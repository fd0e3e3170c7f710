using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Agreements;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Ec2;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Cmdlets.Aws;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Organizations;
using MarketplaceGuard.Cmdlets.Output;
using MarketplaceGuard.Cmdlets.PaidResources;
using MarketplaceGuard.Engine.PaidResources;
using MarketplaceGuard.Engine.Procurement;
using MarketplaceGuard.Engine.Reports;

namespace MarketplaceGuard.Cmdlets.Procurement;

/// <summary>
/// Get-MarketplaceProcurementReport: joins agreements (Get-MarketplaceAgreement) with paid EC2 resources
/// (Get-MarketplacePaidResource) through a product-code map and returns the findings MG4001 to MG4005; -PassThru returns
/// the whole inventory, -AsRows one flat row per product code, account and region; -ReportPath also writes a report.
/// The inputs are given (-Agreement, -PaidResource, the pipeline: live or deserialized, for offline reports), or read
/// from AWS in one go (-Region or -AllRegions, with -AccountId or -AllAccounts for an organization): each account's
/// agreements and its paid instances and images; an account or region that cannot be read is an error naming it, and
/// the inventory lists it as not read (nothing is judged of what is missing).
/// </summary>
[Cmdlet(VerbsCommon.Get, "MarketplaceProcurementReport", SupportsShouldProcess = true, DefaultParameterSetName = InputParameterSet)]
[OutputType(typeof(ProcurementFinding), typeof(ProcurementInventory), typeof(ProcurementRow))]
public sealed class GetMarketplaceProcurementReportCommand : OrganizationCommand
{
    private const string InputParameterSet = "Input";
    private const string RegionParameterSet = "Region";
    private const string AllRegionsParameterSet = "AllRegions";

    /// <summary>How many regions of one account are searched at once.</summary>
    private const int RegionsAtOnce = 4;

    private static readonly TimeSpan LongestWindow = TimeSpan.FromDays(3650);

    private readonly List<Agreement> agreements = [];
    private readonly List<PaidResource> resources = [];
    private readonly HashSet<object> seen = new(ReferenceEqualityComparer.Instance);
    private int rejected;
    private OutputFile? report;
    // System.Enum, not ReportFormat: a field of an engine value type would make PowerShell's reflection over the cmdlet
    // types load the engine before the module's load context is hooked.
    private Enum? reportFormat;
    private ProductCodeMap map = ProductCodeMap.Empty;

    /// <summary>Agreements from Get-MarketplaceAgreement (also deserialized).</summary>
    /// <remarks>Typed object: cmdlet signatures use only framework types (the engine loads in a private context).</remarks>
    [Parameter(ParameterSetName = InputParameterSet)]
    [AllowEmptyCollection]
    public object[]? Agreement { get; set; }

    /// <summary>Paid resources from Get-MarketplacePaidResource (also deserialized).</summary>
    [Parameter(ParameterSetName = InputParameterSet)]
    [AllowEmptyCollection]
    public object[]? PaidResource { get; set; }

    /// <summary>Agreements and paid resources from the pipeline, in any mix.</summary>
    [Parameter(ValueFromPipeline = true, ParameterSetName = InputParameterSet)]
    [AllowNull]
    [AllowEmptyCollection]
    public object?[]? InputObject { get; set; }

    /// <summary>Read from AWS: the paid resources of these regions (and every account's agreements, which live in us-east-1).</summary>
    [Parameter(Mandatory = true, ParameterSetName = RegionParameterSet)]
    [Alias("RegionToCall")]
    [ArgumentCompleter(typeof(Aws.RegionCompleter))]
    [ValidateNotNullOrEmpty]
    public override object? Region { get => base.Region; set => base.Region = value; }

    /// <summary>Read from AWS: the paid resources of every region enabled for each account.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllRegionsParameterSet)]
    public SwitchParameter AllRegions { get; set; }

    private bool IsLive => ParameterSetName != InputParameterSet;

    /// <summary>The first region given that is a known region code: it picks the partition (and answers DescribeRegions).</summary>
    protected override string? ConnectionRegion => RequestedRegions().FirstOrDefault(r => AwsRegions.All.Any(known => known.Code == r));

    /// <inheritdoc/>
    protected override string WorkDone => "read";

    /// <summary>The JSON file that maps EC2 product codes to Marketplace product ids.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProductCodeMapPath { get; set; }

    /// <summary>How far ahead an ACTIVE agreement's end is flagged (MG4002); 30 days by default.</summary>
    [Parameter]
    public TimeSpan ExpiresWithin { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Also write a report of the inventory to this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ReportPath { get; set; }

    /// <summary>The report's format; from the file extension when omitted.</summary>
    [Parameter]
    [ValidateSet(nameof(Engine.Reports.ReportFormat.Html), nameof(Engine.Reports.ReportFormat.Markdown), nameof(Engine.Reports.ReportFormat.Json), IgnoreCase = true)]
    public string? ReportFormat { get; set; }

    /// <summary>Return the whole inventory instead of the findings.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Return one flat row per product code, account and region (for Export-Csv) instead of the findings.</summary>
    [Parameter]
    public SwitchParameter AsRows { get; set; }

    protected override void BeginProcessing()
    {
        if (PassThru && AsRows)
        {
            ThrowTerminatingError(ModuleErrors.Create(
                "-PassThru returns the inventory and -AsRows its rows: give one of them.",
                ErrorIds.ParameterConflict,
                ErrorCategory.InvalidArgument,
                "-AsRows"));
        }

        if (ReportFormat is not null && ReportPath is null)
        {
            ThrowTerminatingError(ModuleErrors.Create(
                $"-ReportFormat {ReportFormat} says how to write the report of -ReportPath: give -ReportPath with it (the file to write), or leave it out.",
                ErrorIds.ParameterConflict,
                ErrorCategory.InvalidArgument,
                "-ReportFormat"));
        }

        if (ExpiresWithin < TimeSpan.FromDays(1) || ExpiresWithin > LongestWindow)
        {
            var hint = ExpiresWithin > TimeSpan.Zero && ExpiresWithin.Ticks < 100_000
                ? $" A bare number binds as ticks: -ExpiresWithin {ExpiresWithin.Ticks} is {ExpiresWithin.Ticks} ticks; write {ExpiresWithin.Ticks}.00:00:00 or (New-TimeSpan -Days {ExpiresWithin.Ticks}) for days."
                : string.Empty;
            ThrowTerminatingError(ModuleErrors.Create(
                $"-ExpiresWithin {ExpiresWithin}: the window must be between 1 day and {LongestWindow.TotalDays:0} days.{hint}",
                ErrorIds.ExpiresWithinInvalid,
                ErrorCategory.InvalidArgument,
                ExpiresWithin));
        }

        // Inputs first, then the output path: a bad map or an unwritable path fails before any object is taken.
        if (ProductCodeMapPath is not null)
        {
            var path = InputFile.Resolve(this, ProductCodeMapPath, nameof(ProductCodeMapPath));
            try
            {
                map = ProductCodeMap.Load(path);
            }
            catch (ProductCodeMapException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, ErrorIds.ProductCodeMapInvalid, ErrorCategory.InvalidData, path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ThrowTerminatingError(ModuleErrors.Create($"-ProductCodeMapPath: {ModuleErrors.Quote(path)} could not be read: {e.Message}", ErrorIds.ProductCodeMapInvalid, ErrorCategory.ReadError, path, e));
            }

            WriteVerbose($"Read {map.Count} product code mapping(s) from {path}.");
        }

        if (ReportPath is not null)
        {
            report = OutputFile.Check(this, ReportPath, nameof(ReportPath));
            reportFormat = ReportFormatChoice.Resolve(this, report.Path, ReportFormat, ProcurementReportWriter.Formats);
            if (map.Source is { } mapPath && string.Equals(mapPath, report.Path, StringComparison.Ordinal))
            {
                ThrowTerminatingError(ModuleErrors.Create(
                    $"-ReportPath: {ModuleErrors.Quote(report.Path)} is the product-code map; the report would replace it. Write the report elsewhere.",
                    ErrorIds.OutputPathInvalid,
                    ErrorCategory.InvalidArgument,
                    ReportPath));
            }
        }

        // The AWS parameters (credentials, endpoint, accounts) only mean something when reading from AWS: given with
        // inputs, they would be ignored without a word.
        if (!IsLive && MyInvocation.BoundParameters.Keys.FirstOrDefault(IsAwsParameter) is { } awsParameter)
        {
            ThrowTerminatingError(ModuleErrors.Create(
                $"-{awsParameter} is for reading from AWS: give -Region or -AllRegions with it (the regions whose paid resources are read), or leave it out to report on the agreements and paid resources given.",
                ErrorIds.ParameterConflict,
                ErrorCategory.InvalidArgument,
                "-" + awsParameter));
        }

        Take(Agreement, nameof(Agreement));
        Take(PaidResource, nameof(PaidResource));
    }

    protected override void ProcessRecord() => Take(InputObject, nameof(InputObject));

    protected override void EndProcessing()
    {
        var notRead = new List<AccountNotRead>();
        var read = new List<AccountRead>();
        if (IsLive)
        {
            ReadFromAws(read, notRead);
        }
        else if (agreements.Count == 0 && resources.Count == 0)
        {
            var why = rejected > 0
                ? $"none of the {rejected} object(s) received was an agreement or a paid resource (see the errors above)"
                : "nothing was received";
            ThrowTerminatingError(ModuleErrors.Create(
                $"No procurement inventory: {why}. Give the agreements of Get-MarketplaceAgreement and the paid resources of Get-MarketplacePaidResource (-Agreement, -PaidResource or the pipeline); an empty input is not a clean inventory.",
                ErrorIds.ProcurementInputMissing,
                ErrorCategory.InvalidData,
                null));
        }

        var inventory = ProcurementInventory.Build(agreements, resources, map, notRead, DateTimeOffset.UtcNow, ExpiresWithin, read);
        WriteVerbose($"Joined {agreements.Count} agreement(s) and {resources.Count} paid resource(s): {inventory.Products.Count} product code(s), {inventory.Findings.Count} finding(s), {inventory.Gaps.Count} gap(s).");
        foreach (var gap in inventory.Gaps.Where(g => g.Kind != InventoryGapKind.ProductCodeNotMapped))
        {
            WriteWarning($"{gap.Subject}: {gap.Detail}");
        }

        if (map.Count == 0 && inventory.Products.Count > 0)
        {
            var why = ProductCodeMapPath is null ? "No -ProductCodeMapPath" : $"The product-code map {map.Source ?? ProductCodeMapPath} maps no product code";
            WriteWarning($"{why}: none of the {inventory.Products.Count} product code(s) can be joined to agreements (MG4005). {ProcurementInventory.MappingLimitation}");
        }

        if (PassThru)
        {
            WriteObject(inventory);
        }
        else if (AsRows)
        {
            WriteObject(inventory.Rows, enumerateCollection: true);
        }
        else
        {
            WriteObject(inventory.Findings, enumerateCollection: true);
        }

        if (report is not null)
        {
            using (report)
            {
                if (!ShouldProcess(report.Path, $"Write a {reportFormat} procurement report of {inventory.Products.Count} product code(s) and {inventory.Findings.Count} finding(s)"))
                {
                    return;
                }

                report.Reserve();
                report.Write(stream =>
                {
                    using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                    ProcurementReportWriter.Write(inventory, (ReportFormat)reportFormat!, writer);
                });
            }

            WriteVerbose($"Wrote the {reportFormat} procurement report to {report.Path}.");
        }
    }

    /// <summary>
    /// The live form: the caller's account, or every account of an organization run, read in one go: its agreements
    /// (SearchAgreements, in us-east-1) and its paid instances and images in the regions asked. An account read whole
    /// joins <paramref name="read"/>; one that could not be reached, or whose agreements or a region failed, joins
    /// <paramref name="notRead"/> with the reason (and its error is written), so the inventory judges nothing of it.
    /// </summary>
    private void ReadFromAws(List<AccountRead> read, List<AccountNotRead> notRead)
    {
        CheckOrganizationParameters();
        var connection = Connect();
        if (!connection.AgreementEndpoint.IsAvailable)
        {
            ThrowTerminatingError(ModuleErrors.Create($"No agreement can be searched: {connection.AgreementEndpoint.UnavailableReason}.", ErrorIds.AgreementApiUnavailable, ErrorCategory.NotImplemented, connection.Endpoint.Partition));
        }

        var homes = new[] { connection.Region, connection.Endpoint.SigningRegion }.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var search = new PaidResourceSearch(AllRegions, RequestedRegions(), homes, new HashSet<PaidResourceType> { PaidResourceType.Image, PaidResourceType.Instance });
        void Collect(AccountReading reading)
        {
            foreach (var agreement in reading.Agreements)
            {
                agreement.AccountName = reading.AccountName;
                agreements.Add(agreement);
            }

            resources.AddRange(reading.Resources);
            if (reading.Problems.Count == 0)
            {
                read.Add(new AccountRead(reading.AccountId, reading.AccountName));
            }
            else
            {
                notRead.Add(new AccountNotRead(reading.AccountId, reading.AccountName, string.Join("; ", reading.Problems)));
            }
        }

        if (!IsOrganizationRun)
        {
            var account = CallerAccountId(connection);
            AccountReading? reading = null;
            Ec2Runner.Run(this, connection, async work =>
                reading = await ReadAccountAsync(work, connection, account, null, search, RegionsAtOnce, inOrganization: false, record => work.Post(() => WriteVerbose(record.ToString()))).ConfigureAwait(false), Cancellation);
            Collect(reading!);
            return;
        }

        var (_, callerAccountId, organization, scope, accounts) = StartLiveRun(connection: connection);
        if (organization is null)
        {
            WriteVerbose($"The organization was not read ({scope.NotReadReason}); the accounts are read by id, without names.");
        }

        FanOut(connection, callerAccountId, accounts, scope, async (account, aws, pump) =>
        {
            using var session = new Ec2Session(aws.Connection) { CallCompleted = aws.CallCompleted };
            using var iam = new IamClient(aws.Connection) { CallCompleted = aws.CallCompleted };
            var work = new Ec2Work(session, iam, pump.Post, aws.Cancellation);
            return await ReadAccountAsync(work, aws.Connection, account.AccountId, account.Name, search, RegionsAtOnce, inOrganization: true, aws.CallCompleted).ConfigureAwait(false);
        }, (_, reading) => Collect(reading));

        foreach (var unread in scope.Unaudited)
        {
            notRead.Add(new AccountNotRead(unread.AccountId, unread.AccountName, unread.Reason));
        }

        WriteAccountSummary(scope, read.Count + notRead.Count - scope.Unaudited.Count);
    }

    /// <summary>One account's agreements and paid resources; what failed is written as an error and kept as a problem.</summary>
    private async Task<AccountReading> ReadAccountAsync(Ec2Work work, AwsConnection connection, string accountId, string? accountName, PaidResourceSearch search, int regionsAtOnce, bool inOrganization, Action<IamCallRecord> callCompleted)
    {
        var reading = new AccountReading(accountId, accountName);
        try
        {
            using var client = new AgreementClient(connection, accountId) { CallCompleted = callCompleted };
            reading.Agreements.AddRange(await client.SearchAsync(AgreementFilter.Create(), DateTimeOffset.UtcNow, work.Cancellation).ConfigureAwait(false));
        }
        catch (AgreementException e)
        {
            work.Post(() =>
            {
                reading.Problems.Add($"SearchAgreements failed: {e.Code}");
                WriteError(ModuleErrors.Create(e.Message, ErrorIds.AgreementSearchFailed, IamErrors.CategoryOf(e.Code), accountId, e));
            });
        }

        await search.SearchAsync(work, accountId, accountName, regionsAtOnce, inOrganization, new Collector(this, reading)).ConfigureAwait(false);
        return reading;
    }

    /// <summary>What was read of one account, and what could not be.</summary>
    private sealed record AccountReading(string AccountId, string? AccountName)
    {
        public List<Agreement> Agreements { get; } = [];

        public List<PaidResource> Resources { get; } = [];

        public List<string> Problems { get; } = [];
    }

    /// <summary>Keeps a search's resources for the join; a region that fails is written and makes the account a problem.</summary>
    private sealed class Collector(GetMarketplaceProcurementReportCommand command, AccountReading reading) : IPaidResourceSink
    {
        public void Found(PaidResource resource) => reading.Resources.Add(resource);

        public void Failed(ErrorRecord error)
        {
            reading.Problems.Add($"{(error.TargetObject is string region ? region : "a region")} not searched ({error.FullyQualifiedErrorId.Split(',')[0]})");
            command.WriteError(error);
        }

        public void Verbose(string message) => command.WriteVerbose(message);

        public void Progress(int done, int total, string region)
        {
        }
    }

    /// <summary>A parameter the AWS base commands declare (credentials, endpoint, organization fan-out).</summary>
    private static bool IsAwsParameter(string name) =>
        typeof(GetMarketplaceProcurementReportCommand).GetProperty(name)?.DeclaringType is { } declaring
        && (declaring == typeof(AwsCommand) || declaring == typeof(OrganizationCommand));

    /// <summary>-Region's values as region codes (see <see cref="PaidResourceSearch.RegionCodes"/>).</summary>
    private List<string> RequestedRegions() => PaidResourceSearch.RegionCodes(Region);

    private void Take(object?[]? items, string parameter)
    {
        foreach (var item in items ?? [])
        {
            var ps = item as PSObject ?? (item is null ? null : PSObject.AsPSObject(item));
            // The same object piped twice counts once; a property bag (deserialized) is its own identity, since all of
            // them share one PSCustomObject base.
            var identity = ps?.BaseObject is PSCustomObject ? ps : ps?.BaseObject;
            if (identity is not null && !seen.Add(identity))
            {
                continue;
            }

            // -Agreement and -PaidResource each take their own kind: the other kind there is a slip (the two lists
            // swapped), said rather than joined as if nothing were wrong. The pipeline takes both.
            var agreement = AgreementInput.TryRead(ps, out var problem);
            var resource = agreement is null && problem is null ? PaidResourceInput.TryReadResource(ps, out problem) : null;
            if (agreement is not null && parameter != nameof(PaidResource))
            {
                agreements.Add(agreement);
            }
            else if (resource is not null && parameter != nameof(Agreement))
            {
                resources.Add(resource);
            }
            else if (agreement is not null || resource is not null)
            {
                rejected++;
                WriteError(ModuleErrors.Create(
                    agreement is not null
                        ? $"-{parameter} takes paid resources, not the agreement {agreement.AgreementId}: give agreements with -Agreement (or the pipeline, which takes both)."
                        : $"-{parameter} takes agreements, not the paid resource {resource!.ResourceId}: give paid resources with -PaidResource (or the pipeline, which takes both).",
                    ErrorIds.InputNotProcurementData,
                    ErrorCategory.InvalidArgument,
                    item));
            }
            else
            {
                rejected++;
                var kind = ps is { TypeNames.Count: > 0 } ? ps.TypeNames[0] : "null";
                var hint = kind.StartsWith("Selected.", StringComparison.Ordinal)
                    ? " (Select-Object makes a new object: filter with Where-Object instead)"
                    : string.Empty;
                WriteError(ModuleErrors.Create(
                    problem is not null
                        ? $"-{parameter}: {problem}."
                        : $"-{parameter} takes the agreements of Get-MarketplaceAgreement and the paid resources of Get-MarketplacePaidResource (also deserialized), not {kind}{hint}.",
                    ErrorIds.InputNotProcurementData,
                    ErrorCategory.InvalidArgument,
                    item));
            }
        }
    }
}
