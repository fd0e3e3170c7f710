using System.Collections.Generic;
using MarketplaceGuard.Engine.PaidResources;

namespace MarketplaceGuard.Aws.Ec2;

/// <summary>How one region's discovery ended: its paid resources, or the error that stopped it (the other regions go on).</summary>
public sealed record RegionDiscovery(string Region, IReadOnlyList<PaidResource> Resources, Ec2Exception? Error);
