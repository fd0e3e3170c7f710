using System;
using System.IO;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Accounts;

namespace MarketplaceGuard.Tests.Accounts;

/// <summary>
/// Loads a snapshot both ways the loader can read one: every entry on the calling thread, and the entries on a second
/// thread (<see cref="EntryPipeline"/>, which by default only files of tens of megabytes get). The two must give the
/// same snapshot, or fail with the same error; the tests that go through here check both.
/// </summary>
internal static class SnapshotReads
{
    public static AuthorizationSnapshot Load(string json, string source = "test.json") => Load(Encoding.UTF8.GetBytes(json), source);

    public static AuthorizationSnapshot Load(byte[] bytes, string source = "test.json", bool isFile = true)
    {
        var (single, singleError) = Try(() => SnapshotLoader.Load(new MemoryStream(bytes), source, null, isFile, concurrent: false));
        var (concurrent, concurrentError) = Try(() => SnapshotLoader.Load(new MemoryStream(bytes), source, null, isFile, concurrent: true));
        if (singleError is not null || concurrentError is not null)
        {
            Assert.Equal(singleError?.GetType(), concurrentError?.GetType());
            Assert.Equal(singleError?.Message, concurrentError?.Message);
            throw concurrentError!;
        }

        Assert.Equal(Dump(single!), Dump(concurrent!));
        return concurrent!;
    }

    /// <summary>Everything the loader reads, as text, in order.</summary>
    public static string Dump(AuthorizationSnapshot snapshot)
    {
        var text = new StringBuilder();
        text.AppendLine($"{snapshot.Source} {snapshot.Bytes} incomplete={snapshot.Incomplete}");
        foreach (var problem in snapshot.Problems)
        {
            text.AppendLine("problem " + problem);
        }

        foreach (var unreadable in snapshot.UnreadablePolicies)
        {
            text.AppendLine($"unreadable {unreadable.Name} {unreadable.Problem}");
        }

        foreach (var (kind, entities) in new[] { ("user", snapshot.Users), ("group", snapshot.Groups), ("role", snapshot.Roles) })
        {
            foreach (var e in entities)
            {
                text.AppendLine($"{kind} {e.Name} {e.Arn} {e.Path} {e.JsonPath} {e.Line} boundary={e.PermissionsBoundaryArn} content={e.Content}");
                text.AppendLine($"  trust {e.Trust.AnyService} {string.Join(",", e.Trust.Services.Order(StringComparer.Ordinal))} {e.Trust.Problem}");
                foreach (var inline in e.InlinePolicies)
                {
                    text.AppendLine($"  inline {inline.Name} {inline.JsonPath} {inline.Document}");
                }

                foreach (var attached in e.AttachedPolicies)
                {
                    text.AppendLine($"  attached {attached.Name} {attached.Arn}");
                }

                text.AppendLine($"  groups {string.Join(",", e.GroupNames)}");
                foreach (var (key, value) in e.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
                {
                    text.AppendLine($"  tag {key}={value}");
                }

                foreach (var problem in e.Problems)
                {
                    text.AppendLine("  problem " + problem);
                }
            }
        }

        foreach (var policy in snapshot.Policies.Values.OrderBy(p => p.Arn, StringComparer.Ordinal))
        {
            text.AppendLine($"policy {policy.Name} {policy.Arn} {policy.Path} {policy.JsonPath} {policy.Line} {policy.Problem} {policy.DefaultDocument}");
        }

        return text.ToString();
    }

    private static (AuthorizationSnapshot?, Exception?) Try(Func<AuthorizationSnapshot> load)
    {
        try
        {
            return (load(), null);
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }
}
