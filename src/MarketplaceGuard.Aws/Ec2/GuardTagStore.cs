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

    /// <summary>
    /// Writes the batches, regions one after the other, and reports each batch once: Tagged, Failed (its CreateTags
    /// call failed after its retries), or NotAttempted (an earlier call of its region failed: the region stops there,
    /// since what broke one call, a permission or a throttle that outlasted the retries, would break the next).
    /// What was tagged before a failure stays tagged and is reported so; the other regions go on.
    /// </summary>
    public async Task ApplyAllAsync(IReadOnlyList<GuardTagBatch> batches, Action<GuardTagBatchOutcome> reported, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(reported);
        foreach (var region in batches.GroupBy(b => b.Region, StringComparer.Ordinal))
        {
            Ec2Exception? failure = null;
            foreach (var batch in region)
            {
                if (failure is not null)
                {
                    reported(new GuardTagBatchOutcome(batch, GuardTagBatchStatus.NotAttempted, failure));
                    continue;
                }

                try
                {
                    await ApplyAsync(batch, cancellation).ConfigureAwait(false);
                    reported(new GuardTagBatchOutcome(batch, GuardTagBatchStatus.Tagged, null));
                }
                catch (Ec2Exception e)
                {
                    failure = e;
                    reported(new GuardTagBatchOutcome(batch, GuardTagBatchStatus.Failed, e));
                }
            }
        }
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

public enum GuardTagBatchStatus
{
    Tagged,
    Failed,
    NotAttempted,
}

/// <summary>How one CreateTags batch ended; <see cref="Error"/> is its own failure, or the earlier one that stopped its region.</summary>
public sealed record GuardTagBatchOutcome(GuardTagBatch Batch, GuardTagBatchStatus Status, Ec2Exception? Error);
