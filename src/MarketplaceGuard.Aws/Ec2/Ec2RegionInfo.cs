namespace MarketplaceGuard.Aws.Ec2;

/// <summary>A region as DescribeRegions (AllRegions) lists it: its name and opt-in status.</summary>
public sealed record Ec2RegionInfo(string Name, string OptInStatus)
{
    /// <summary>False for an opt-in region the account has not enabled (its calls fail with OptInRequired).</summary>
    public bool IsEnabled => OptInStatus != "not-opted-in";
}
