using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Ec2;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.PaidResources;

namespace MarketplaceGuard.Cmdlets.PaidResources;

/// <summary>
/// What a search of one account's paid resources hands back, on the pipeline thread: each resource in region order,
/// each region that could not be searched (an error naming it, and the account in an organization run), -Verbose
/// lines and progress.
/// </summary>
internal interface IPaidResourceSink
{
    void Found(PaidResource resource);

    void Failed(ErrorRecord error);

    void Verbose(string message);

    /// <summary>A region finished: <paramref name="done"/> of <paramref name="total"/>.</summary>
    void Progress(int done, int total, string region);
}

/// <summary>
/// One account's paid-resource search, as Get-MarketplacePaidResource and Get-MarketplaceProcurementReport run it: the
/// account's regions (DescribeRegions, for -AllRegions and to check -Region), then each region, a bounded number at
/// once; resources are handed on in region order, so the same account gives the same output.
/// </summary>
internal sealed class PaidResourceSearch
{
    private readonly bool allRegions;
    private readonly IReadOnlyList<string> requested;
    private readonly IReadOnlyList<string> homes;
    private readonly IReadOnlySet<PaidResourceType> types;

    /// <param name="allRegions">Every region enabled for the account, else <paramref name="requested"/>.</param>
    /// <param name="homes">Where DescribeRegions is asked, in order: the given region, else the partition's home region.</param>
    public PaidResourceSearch(bool allRegions, IReadOnlyList<string> requested, IReadOnlyList<string> homes, IReadOnlySet<PaidResourceType> types)
    {
        this.allRegions = allRegions;
        this.requested = requested;
        this.homes = homes;
        this.types = types;
    }

    public async Task SearchAsync(Ec2Work work, string account, string? accountName, int regionsAtOnce, bool inOrganization, IPaidResourceSink sink)
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
                work.Post(() => sink.Verbose($"DescribeRegions failed in {e.Region} ({e.Code}); asking {fallback}."));
            }
        }

        // In an organization run every error names its account: the same region may fail in one account and not another.
        var label = inOrganization ? accountName is null ? account : $"{accountName} ({account})" : null;
        ErrorRecord Named(ErrorRecord record)
        {
            if (label is not null)
            {
                record.ErrorDetails = new ErrorDetails($"Account {label}: {record.ErrorDetails?.Message ?? record.Exception.Message}");
            }

            return record;
        }

        var regions = allRegions ? known!.Where(r => r.IsEnabled).Select(r => r.Name).Order(StringComparer.Ordinal).ToList() : Usable(known!, error => work.Post(() => sink.Failed(Named(error))));
        var done = 0;

        // Regions finish in any order; their results are handed on in the order of the regions.
        var finished = new Dictionary<string, RegionDiscovery>(StringComparer.Ordinal);
        var next = 0;
        work.Post(() => sink.Verbose($"Account {account}: searching {regions.Count} region(s) ({string.Join(", ", regions)}) for {string.Join(", ", types.Order())}, {regionsAtOnce} at a time."));
        await discovery.DiscoverAsync(regions, account, types.ToHashSet(), regionsAtOnce, result => work.Post(() =>
        {
            sink.Progress(++done, regions.Count, result.Region);
            finished[result.Region] = result;
            for (; next < regions.Count && finished.Remove(regions[next], out var ready); next++)
            {
                if (ready.Error is { } error)
                {
                    sink.Failed(Named(Ec2Errors.ToErrorRecord(error, ready.Region)));
                    continue;
                }

                foreach (var resource in ready.Resources)
                {
                    resource.AccountName = accountName;
                    sink.Found(resource);
                }
            }
        }), work.Cancellation).ConfigureAwait(false);
    }

    /// <summary>" (us-east-1, us-east-2 match it)": the enabled regions a wildcard would have meant, for the error.</summary>
    private static string Matching(string pattern, IReadOnlyList<Ec2RegionInfo> known)
    {
        try
        {
            var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            var names = known.Where(r => r.IsEnabled && wildcard.IsMatch(r.Name)).Select(r => r.Name).ToList();
            return names.Count == 0 ? string.Empty : $" ({string.Join(", ", names)} match it)";
        }
        catch (WildcardPatternException)
        {
            return string.Empty;
        }
    }

    /// <summary>The requested regions EC2 lists and the account has enabled; an error for each other one. Duplicates count once.</summary>
    private List<string> Usable(IReadOnlyList<Ec2RegionInfo> known, Action<ErrorRecord> failed)
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
                failed(ModuleErrors.Create(
                    $"{ModuleErrors.Quote(name)} is not a region EC2 lists for this account; it was not searched.{hint}",
                    ErrorIds.RegionUnknown, ErrorCategory.InvalidArgument, name));
            }
            else if (!info.IsEnabled)
            {
                failed(ModuleErrors.Create(
                    $"The region {name} is an opt-in region this account has not enabled ({info.OptInStatus}); it was not searched.",
                    ErrorIds.RegionDisabled, ErrorCategory.ResourceUnavailable, name));
            }
            else
            {
                usable.Add(name);
            }
        }

        return usable;
    }

    /// <summary>-Region's values as region codes: trimmed, lower case, duplicates removed, in the order given.</summary>
    public static List<string> RegionCodes(object? region)
    {
        var values = new List<string>();
        void Add(object? value)
        {
            value = value is PSObject wrapped ? wrapped.BaseObject : value;
            if (value is null)
            {
                return;
            }

            if (value is not string && value is System.Collections.IEnumerable many)
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

        Add(region);
        return values;
    }
}
