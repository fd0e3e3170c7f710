using System;
using System.Collections.Generic;
using System.Linq;
using Amazon;

namespace MarketplaceGuard.Aws.Connection;

/// <summary>
/// The regions -Region offers (tab completion). Source: AWSSDK.Core's endpoint data
/// (<see cref="RegionEndpoint.EnumerableAllRegions"/>), the same data <c>IamEndpoint</c> picks the partition from, so
/// the list grows with the SDK rather than with a copy kept here.
/// </summary>
public static class AwsRegions
{
    private static readonly Lazy<IReadOnlyList<AwsRegion>> Regions = new(Load);

    /// <summary>Every region of every partition, ordered by code.</summary>
    public static IReadOnlyList<AwsRegion> All => Regions.Value;

    private static List<AwsRegion> Load() =>
        RegionEndpoint.EnumerableAllRegions

            // "us-east-1-regional" is S3's name for an endpoint of us-east-1, not a region anyone passes as -Region.
            .Where(r => !r.SystemName.EndsWith("-regional", StringComparison.Ordinal))
            .Select(r => new AwsRegion(r.SystemName, r.DisplayName ?? r.SystemName, r.PartitionName ?? "aws"))
            .OrderBy(r => r.Code, StringComparer.Ordinal)
            .ToList();
}
