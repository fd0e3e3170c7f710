using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Accounts;

/// <summary>A principal that makes requests.</summary>
public enum PrincipalType
{
    User,
    Role,
}

/// <summary>
/// A user or role of an account with every policy that governs it: its own inline and attached policies, those of
/// each group it is in (users), its permissions boundary, and the account's service control policies.
/// </summary>
public sealed class AccountPrincipal
{
    private RequestContext? auditContext;

    internal AccountPrincipal(PrincipalType type, SnapshotEntity source, IReadOnlyList<string> groups, PolicySet policies, IReadOnlyList<string> problems)
    {
        Type = type;
        Source = source;
        Groups = groups;
        Policies = policies;
        Problems = problems;
    }

    public PrincipalType Type { get; }

    public string Name => Source.Name;

    public string Arn => Source.Arn;

    /// <summary>The IAM path: "/aws-service-role/" marks service-linked roles.</summary>
    public string Path => Source.Path;

    /// <summary>The snapshot entry (file position, tags ...).</summary>
    public SnapshotEntity Source { get; }

    /// <summary>The groups a user is in (none for roles).</summary>
    public IReadOnlyList<string> Groups { get; }

    public PolicySet Policies { get; }

    /// <summary>Why some of the principal's policies could not be used; empty when every policy was read.</summary>
    public IReadOnlyList<string> Problems { get; }

    public bool CanBeJudged => Problems.Count == 0;

    /// <summary>Whether one of its identity policies (its own or a group's) has this name, e.g. a grant of the module.</summary>
    internal bool HoldsIdentityPolicy(string name)
    {
        foreach (var policy in Policies.IdentityPolicies)
        {
            if (string.Equals(policy.Name, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Service-linked roles are used by AWS services, not people; SCPs do not apply to them.</summary>
    public bool IsServiceLinkedRole => Type == PrincipalType.Role && Path.StartsWith("/aws-service-role/", StringComparison.Ordinal);

    /// <summary>The account id in the principal's ARN; null when the ARN could not be read.</summary>
    public string? AccountId => (arnParts ??= ReadArn()).AccountId;

    /// <summary>The partition in the principal's ARN (aws, aws-cn, aws-us-gov); "aws" when the ARN could not be read.</summary>
    public string Partition => (arnParts ??= ReadArn()).Partition;

    private (string? AccountId, string Partition)? arnParts;

    /// <summary>"user/alice", "role/deploy": how reports name the principal.</summary>
    public string DisplayName => displayName ??= (Type == PrincipalType.User ? "user/" : "role/") + Name;

    private string? displayName;

    /// <summary>
    /// What an audit knows about this principal's requests: its ARN, account, type, user name and tags. Everything
    /// else (MFA, source IP, region, a role's session tags ...) is unknown.
    /// </summary>
    public RequestContext AuditContext => auditContext ??= BuildAuditContext();

    public override string ToString() => DisplayName;

    private (string? AccountId, string Partition) ReadArn()
    {
        // arn:partition:service:region:account:resource, read in place: the principals of an account share its id's
        // string and the partition's, instead of six new strings each.
        var arn = Arn.AsSpan();
        Span<Range> parts = stackalloc Range[6];
        if (arn.Split(parts, ':') != 6 || !arn[parts[0]].SequenceEqual("arn"))
        {
            return (null, "aws");
        }

        var account = arn[parts[4]];
        var partition = arn[parts[1]];
        return (account.Length == 12 ? Shared(account, ref lastAccountId) : null, partition.Length == 0 || partition.SequenceEqual("aws") ? "aws" : Shared(partition, ref lastPartition));
    }

    [ThreadStatic]
    private static string? lastAccountId;

    [ThreadStatic]
    private static string? lastPartition;

    private static string Shared(ReadOnlySpan<char> text, ref string? last) =>
        last is not null && text.SequenceEqual(last) ? last : last = text.ToString();

    private RequestContext BuildAuditContext()
    {
        // The keys are gathered in the thread's list and kept as two exact arrays (see RequestContext.KeyList).
        var keys = scratchKeys ??= new RequestContext.KeyList();
        keys.Clear();

        // A damaged entry's ARN may be missing or invalid (the principal then cannot be judged): its keys stay unknown.
        var arnRead = true;
        try
        {
            PrincipalContextKeys.AddFromArn(Arn, keys, Name);
        }
        catch (ArgumentException) when (!CanBeJudged)
        {
            arnRead = false;
        }

        if (Type == PrincipalType.User)
        {
            // A user's principal tags are its tags; a role's can also come from session tags, so they stay unknown.
            foreach (var (key, value) in Source.Tags)
            {
                keys.Set(PrincipalContextKeys.PrincipalTag(key), PrincipalContextKeys.TagValue(value));
            }
        }

        var absent = keys.Contains(PrincipalContextKeys.UserName) || !arnRead ? Array.Empty<string>() : [PrincipalContextKeys.UserName];
        var context = RequestContext.Audit(keys, absent);
        keys.Clear();
        return context;
    }

    [ThreadStatic]
    private static RequestContext.KeyList? scratchKeys;
}
