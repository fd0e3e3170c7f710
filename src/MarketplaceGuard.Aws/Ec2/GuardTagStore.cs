using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2.Model;
using MarketplaceGuard.Engine.PaidResources;

namespace MarketplaceGuard.Aws.Ec2;

/// <summary>
/// Reads and writes the guard tag; the decisions are <see cref="GuardTagPlanner"/>'s. Reading is one DescribeTags
/// listing per region (key = the guard tag, images, snapshots and volumes; 1,000 a page), not a call per resource.
/// </summary>
public sealed class GuardTagStore
{
    private readonly Ec2Session session;

    public GuardTagStore(Ec2Session session)
    {
        this.session = session;
    }

    /// <summary>The current guard-tag value of every image, snapshot and volume in the region that has one, by resource id.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadAsync(string region, CancellationToken cancellation)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? next = null;
        do
        {
            var token = next;
            var page = await session.CallAsync(region, "DescribeTags", (client, ct) => client.DescribeTagsAsync(new DescribeTagsRequest
            {
                Filters = [new Filter("key", [GuardTag.Key]), new Filter("resource-type", ["image", "snapshot", "volume"])],
                MaxResults = PaidResourceDiscovery.PageSize,
                NextToken = token,
            }, ct), cancellation).ConfigureAwait(false);
            foreach (var tag in page.Tags ?? [])
            {
                values[tag.ResourceId] = tag.Value ?? string.Empty;
            }

            next = string.IsNullOrEmpty(page.NextToken) || page.NextToken == token ? null : page.NextToken;
        }
        while (next is not null);

        return values;
    }

    /// <summary>One CreateTags call: the batch's resources get the guard tag with the batch's value.</summary>
    public Task ApplyAsync(GuardTagBatch batch, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return session.CallAsync(batch.Region, "CreateTags", (client, ct) => client.CreateTagsAsync(new CreateTagsRequest
        {
            Resources = batch.ResourceIds.ToList(),
            Tags = [new Tag(GuardTag.Key, batch.Value)],
        }, ct), cancellation);
    }
}
