using System;
using System.Collections.Generic;

namespace MarketplaceGuard.FakeIam.Ec2;

/// <summary>
/// One account as EC2 sees it: its regions' resources, which opt-in regions it enabled, and the EC2 operations it
/// is refused (answered with UnauthorizedOperation, as when IAM denies them).
/// </summary>
public sealed class FakeEc2Account
{
    private readonly FakeEc2 ec2;
    private readonly Dictionary<string, FakeEc2Region> regions = new(StringComparer.Ordinal);
    private readonly HashSet<string> optedIn = new(StringComparer.Ordinal);
    private readonly HashSet<(string Operation, string? Region)> denied = new();

    internal FakeEc2Account(FakeEc2 ec2, string accountId)
    {
        this.ec2 = ec2;
        AccountId = accountId;
    }

    public string AccountId { get; }

    /// <summary>The account's resources in a region (created empty on first use).</summary>
    public FakeEc2Region Region(string name)
    {
        if (!regions.TryGetValue(name, out var region))
        {
            if (ec2.FindRegion(name) is null)
            {
                throw new ArgumentException($"The fake EC2 endpoint does not know the region '{name}'.", nameof(name));
            }

            region = new FakeEc2Region(ec2, this, name);
            regions.Add(name, region);
        }

        return region;
    }

    public IReadOnlyCollection<FakeEc2Region> Regions => regions.Values;

    /// <summary>opt-in-not-required, opted-in or not-opted-in.</summary>
    public string OptInStatus(string region)
    {
        var info = ec2.FindRegion(region) ?? throw new ArgumentException($"Unknown region '{region}'.", nameof(region));
        return !info.OptInRequired ? "opt-in-not-required" : optedIn.Contains(region) ? "opted-in" : "not-opted-in";
    }

    public bool IsEnabled(string region) => OptInStatus(region) != "not-opted-in";

    /// <summary>Enables an opt-in region (af-south-1, ap-east-1 ...).</summary>
    public void OptIn(string region)
    {
        OptInStatus(region);
        optedIn.Add(region);
    }

    public void OptOut(string region) => optedIn.Remove(region);

    /// <summary>Refuses an operation (in one region, or everywhere) with UnauthorizedOperation.</summary>
    public void Deny(string operation, string? region = null) => denied.Add((operation, region));

    public void Allow(string operation, string? region = null) => denied.Remove((operation, region));

    public bool IsDenied(string operation, string region) => denied.Contains((operation, null)) || denied.Contains((operation, region));
}
