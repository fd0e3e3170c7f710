using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Ec2;
using MarketplaceGuard.Cmdlets.Aws;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Organizations;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Engine.Organizations;
using System.Threading.Tasks;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.PaidResources;

namespace MarketplaceGuard.Cmdlets.PaidResources;

/// <summary>
/// Get-MarketplacePaidResource: the account's EC2 images, instances, snapshots and volumes that carry AWS Marketplace
/// product codes, and the Marketplace AMIs its instances run, in one or more regions (in parallel, a bounded number
/// at once). A region that is unknown, disabled or fails is a non-terminating error naming it; the others go on.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MarketplacePaidResource", DefaultParameterSetName = RegionParameterSet)]
[OutputType(typeof(PaidResource))]
public sealed class GetMarketplacePaidResourceCommand : OrganizationCommand
{
    private const string RegionParameterSet = "Region";
    private const string AllRegionsParameterSet = "AllRegions";

    /// <summary>Which resource types to report; all four by default.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ValidateSet("Image", "Instance", "Snapshot", "Volume", IgnoreCase = true)]
    public string[] ResourceType { get; set; } = ["Image", "Instance", "Snapshot", "Volume"];

    /// <summary>One or more region codes; without it (and without -AllRegions) the default region.</summary>
    [Parameter(ParameterSetName = RegionParameterSet)]
    [Alias("RegionToCall")]
    [ArgumentCompleter(typeof(RegionCompleter))]
    public override object? Region { get => base.Region; set => base.Region = value; }

    /// <summary>Every region enabled for the account (DescribeRegions).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllRegionsParameterSet)]
    public SwitchParameter AllRegions { get; set; }

    private int? throttleLimit;

    /// <summary>
    /// How many regions are searched at once (default 4); in an organization run (-AccountId, -AllAccounts), how many
    /// accounts (default 8), each searching its regions 4 at a time.
    /// </summary>
    [Parameter]
    [ValidateRange(1, MaximumThrottleLimit)]
    public override int ThrottleLimit
    {
        get => throttleLimit ?? (IsOrganizationRun ? 8 : RegionsAtOnce);
        set => throttleLimit = value;
    }

    /// <summary>How many regions of one account are searched at once in an organization run.</summary>
    private const int RegionsAtOnce = 4;

    /// <summary>The first requested region that is a known region code: it picks the partition and answers DescribeRegions.</summary>
    protected override string? ConnectionRegion =>
        RequestedRegions().FirstOrDefault(r => AwsRegions.All.Any(known => known.Code == r));

    /// <inheritdoc/>
    protected override string WorkDone => "searched";

    /// <inheritdoc/>
    protected override bool ThrottleLimitIsOrganizationOnly => false;

    protected override void EndProcessing()
    {
        CheckOrganizationParameters();
        var types = ResourceType.Select(t => Enum.Parse<PaidResourceType>(t, ignoreCase: true)).ToHashSet();
        var requested = RequestedRegions();
        var connection = Connect();

        // DescribeRegions is asked in the given region, else (that one disabled, or refused by a region-restricting
        // policy) in the partition's home region, which no account can disable.
        var homes = new[] { connection.Region, connection.Endpoint.SigningRegion }.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (!AllRegions && requested.Count == 0)
        {
            if (connection.Region is null)
            {
                ThrowTerminatingError(ModuleErrors.Create(
                    "No region to search: give -Region (one or more codes) or -AllRegions, or set $StoredAWSRegion (Set-DefaultAWSRegion) or AWS_REGION.",
                    ErrorIds.RegionMissing, ErrorCategory.InvalidArgument, null));
            }

            requested = [connection.Region!];
        }

        if (IsOrganizationRun)
        {
            SearchAccounts(connection, types, requested, homes);
            return;
        }

        Ec2Runner.Run(this, connection, async work =>
        {
            var (account, _) = await work.Iam.GetCallerIdentityAsync(work.Cancellation).ConfigureAwait(false);
            await SearchAsync(work, account, null, types, requested, homes, ThrottleLimit, showProgress: true).ConfigureAwait(false);
        }, Cancellation);
    }

    /// <summary>
    /// The paid resources of every account of an organization run, each resource tagged with its account; the regions
    /// are chosen in each account (opt-in regions differ), and a region or account that fails is an error naming it.
    /// </summary>
    private void SearchAccounts(AwsConnection connection, HashSet<PaidResourceType> types, List<string> requested, List<string> homes)
    {
        var (_, callerAccountId, organization, scope, accounts) = StartLiveRun(connection: connection);
        if (organization is null)
        {
            WriteVerbose($"The organization was not read ({scope.NotReadReason}); the accounts are searched by id, without names.");
        }

        var searched = 0;
        FanOut(connection, callerAccountId, accounts, scope, async (account, aws, pump) =>
        {
            using var session = new Ec2Session(aws.Connection) { CallCompleted = aws.CallCompleted };
            using var iam = new IamClient(aws.Connection) { CallCompleted = aws.CallCompleted };
            var work = new Ec2Work(session, iam, pump.Post, aws.Cancellation);
            await SearchAsync(work, account.AccountId, account.Name, types, requested, homes, RegionsAtOnce, showProgress: false).ConfigureAwait(false);
            return true;
        }, (_, _) => searched++);
        WriteAccountSummary(scope, searched);
    }

    /// <summary>Searches one account (see <see cref="PaidResourceSearch"/>), writing what it finds; progress for the caller's own account only.</summary>
    private Task SearchAsync(Ec2Work work, string account, string? accountName, HashSet<PaidResourceType> types, List<string> requested, List<string> homes, int regionsAtOnce, bool showProgress) =>
        new PaidResourceSearch(AllRegions, requested, homes, types).SearchAsync(work, account, accountName, regionsAtOnce, inOrganization: !showProgress, new Writer(this, showProgress));

    /// <summary>Writes a search's results to this command's streams (on the pipeline thread).</summary>
    private sealed class Writer(GetMarketplacePaidResourceCommand command, bool showProgress) : IPaidResourceSink
    {
        private readonly ProgressRecord progress = new(1, "Searching for AWS Marketplace paid resources", "0 regions done") { PercentComplete = 0 };

        public void Found(PaidResource resource) => command.WriteObject(resource);

        public void Failed(ErrorRecord error) => command.WriteError(error);

        public void Verbose(string message) => command.WriteVerbose(message);

        public void Progress(int done, int total, string region)
        {
            if (!showProgress)
            {
                return;
            }

            progress.StatusDescription = $"{done} of {total} regions done ({region})";
            progress.PercentComplete = total == 0 ? 100 : done * 100 / total;
            progress.RecordType = done >= total ? ProgressRecordType.Completed : ProgressRecordType.Processing;
            command.WriteProgress(progress);
        }
    }

    /// <summary>-Region's values as region codes (see <see cref="PaidResourceSearch.RegionCodes"/>).</summary>
    private List<string> RequestedRegions() => PaidResourceSearch.RegionCodes(Region);
}
