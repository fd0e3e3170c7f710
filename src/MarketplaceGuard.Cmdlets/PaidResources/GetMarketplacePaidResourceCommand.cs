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

    /// <summary>
    /// Searches one account: its regions (DescribeRegions, for -AllRegions and to check -Region), then each region, a
    /// bounded number at once; resources are written in region order, so the same account gives the same output.
    /// </summary>
    private async Task SearchAsync(Ec2Work work, string account, string? accountName, HashSet<PaidResourceType> types, List<string> requested, List<string> homes, int regionsAtOnce, bool showProgress)
    {
        var discovery = new PaidResourceDiscovery(work.Session);
        IReadOnlyList<Ec2RegionInfo>? known = null;
        for (var i = 0; known is null; i++)
        {
            try
            {
                known = await discovery.DescribeRegionsAsync(homes[i], work.Cancellation).ConfigureAwait(false);
            }
            catch (Ec2Exception e) when (i + 1 < homes.Count && !e.IsTransient)
            {
                var fallback = homes[i + 1];
                work.Post(() => WriteVerbose($"DescribeRegions failed in {e.Region} ({e.Code}); asking {fallback}."));
            }
        }

        // In an organization run every error names its account: the same region may fail in one account and not another.
        var label = showProgress ? null : accountName is null ? account : $"{accountName} ({account})";
        ErrorRecord Named(ErrorRecord record)
        {
            if (label is not null)
            {
                record.ErrorDetails = new ErrorDetails($"Account {label}: {record.ErrorDetails?.Message ?? record.Exception.Message}");
            }

            return record;
        }

        var regions = AllRegions ? known!.Where(r => r.IsEnabled).Select(r => r.Name).Order(StringComparer.Ordinal).ToList() : Usable(requested, known!, work.Post, Named);
        var progress = new ProgressRecord(1, "Searching for AWS Marketplace paid resources", $"0 of {regions.Count} regions done") { PercentComplete = 0 };
        var done = 0;

        // Regions finish in any order; their results are written in the order of the regions.
        var finished = new Dictionary<string, RegionDiscovery>(StringComparer.Ordinal);
        var next = 0;
        work.Post(() => WriteVerbose($"Account {account}: searching {regions.Count} region(s) ({string.Join(", ", regions)}) for {string.Join(", ", types.Order())}, {regionsAtOnce} at a time."));
        await discovery.DiscoverAsync(regions, account, types, regionsAtOnce, result => work.Post(() =>
        {
            done++;
            if (showProgress)
            {
                progress.StatusDescription = $"{done} of {regions.Count} regions done ({result.Region})";
                progress.PercentComplete = regions.Count == 0 ? 100 : done * 100 / regions.Count;
                WriteProgress(progress);
            }

            finished[result.Region] = result;
            for (; next < regions.Count && finished.Remove(regions[next], out var ready); next++)
            {
                if (ready.Error is { } error)
                {
                    WriteError(Named(Ec2Errors.ToErrorRecord(error, ready.Region)));
                    continue;
                }

                foreach (var resource in ready.Resources)
                {
                    resource.AccountName = accountName;
                    WriteObject(resource);
                }
            }
        }), work.Cancellation).ConfigureAwait(false);
        if (showProgress)
        {
            work.Post(() =>
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            });
        }
    }

    /// <summary>" (us-east-1, us-east-2 match it)": the enabled regions a wildcard would have meant, for the error.</summary>
    private static string Matching(string pattern, IReadOnlyList<Ec2RegionInfo> known)
    {
        try
        {
            var wildcard = new System.Management.Automation.WildcardPattern(pattern, System.Management.Automation.WildcardOptions.IgnoreCase);
            var names = known.Where(r => r.IsEnabled && wildcard.IsMatch(r.Name)).Select(r => r.Name).ToList();
            return names.Count == 0 ? string.Empty : $" ({string.Join(", ", names)} match it)";
        }
        catch (System.Management.Automation.WildcardPatternException)
        {
            return string.Empty;
        }
    }

    /// <summary>The requested regions EC2 lists and the account has enabled; an error for each other one. Duplicates count once.</summary>
    private List<string> Usable(IReadOnlyList<string> requested, IReadOnlyList<Ec2RegionInfo> known, Action<Action> post, Func<ErrorRecord, ErrorRecord> named)
    {
        var usable = new List<string>();
        foreach (var name in requested)
        {
            var info = known.FirstOrDefault(r => r.Name == name);
            if (info is null)
            {
                var closest = ClosestNames.Find(name, known.Select(r => r.Name));
                var hint = name.IndexOfAny(['*', '?', '[']) >= 0
                    ? $" -Region takes region codes, not wildcards: name them, or use -AllRegions{Matching(name, known)}."
                    : closest.Count > 0 ? $" Did you mean {string.Join(", ", closest)}?" : string.Empty;
                post(() => WriteError(named(ModuleErrors.Create(
                    $"{ModuleErrors.Quote(name)} is not a region EC2 lists for this account; it was not searched.{hint}",
                    ErrorIds.RegionUnknown, ErrorCategory.InvalidArgument, name))));
            }
            else if (!info.IsEnabled)
            {
                post(() => WriteError(named(ModuleErrors.Create(
                    $"The region {name} is an opt-in region this account has not enabled ({info.OptInStatus}); it was not searched.",
                    ErrorIds.RegionDisabled, ErrorCategory.ResourceUnavailable, name))));
            }
            else
            {
                usable.Add(name);
            }
        }

        return usable;
    }

    /// <summary>-Region's values as region codes: trimmed, lower case, duplicates removed, in the order given.</summary>
    private List<string> RequestedRegions()
    {
        var values = new List<string>();
        void Add(object? value)
        {
            value = Unwrap(value);
            if (value is null)
            {
                return;
            }

            if (value is not string && value is IEnumerable many)
            {
                foreach (var item in many)
                {
                    Add(item);
                }

                return;
            }

            var text = value.ToString()?.Trim().ToLowerInvariant();
            if (!string.IsNullOrEmpty(text) && !values.Contains(text, StringComparer.Ordinal))
            {
                values.Add(text);
            }
        }

        Add(Region);
        return values;
    }
}
