using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.Engine.Accounts;

/// <summary>
/// What `aws iam get-account-authorization-details` reports about an account, as read from its JSON: users, groups,
/// roles and managed policies with their default documents. Documents stay text until the account is built, so each
/// distinct text is parsed once: JSON, a URL-encoded document (as IAM's API returns them) decoded to its JSON text.
/// </summary>
public sealed class AuthorizationSnapshot
{
    internal AuthorizationSnapshot(
        string source,
        IReadOnlyList<SnapshotEntity> users,
        IReadOnlyList<SnapshotEntity> groups,
        IReadOnlyList<SnapshotEntity> roles,
        IReadOnlyDictionary<string, SnapshotManagedPolicy> policies,
        IReadOnlyList<SnapshotProblem> problems,
        long bytes)
    {
        Source = source;
        Users = users;
        Groups = groups;
        Roles = roles;
        Policies = policies;
        Problems = problems;
        Bytes = bytes;
    }

    /// <summary>The file (or stream name) the snapshot was read from.</summary>
    public string Source { get; }

    public IReadOnlyList<SnapshotEntity> Users { get; }

    public IReadOnlyList<SnapshotEntity> Groups { get; }

    public IReadOnlyList<SnapshotEntity> Roles { get; }

    /// <summary>Managed policies by ARN (case-sensitive, as IAM reports them).</summary>
    public IReadOnlyDictionary<string, SnapshotManagedPolicy> Policies { get; }

    /// <summary>Entries that could not be read; the rest of the snapshot was.</summary>
    public IReadOnlyList<SnapshotProblem> Problems { get; }

    /// <summary>The size of the input in bytes.</summary>
    public long Bytes { get; }

    /// <summary>Every user, group and role: what principal values resolve against (see <see cref="Principals.PrincipalResolver"/>).</summary>
    public IReadOnlyList<Principals.PrincipalEntry> Directory => directory ??= Users.Select(u => Entry(Principals.PrincipalKind.User, u))
        .Concat(Groups.Select(g => Entry(Principals.PrincipalKind.Group, g)))
        .Concat(Roles.Select(r => Entry(Principals.PrincipalKind.Role, r)))
        .ToList();

    /// <summary>The account's id, read from its principals' ARNs; null for a snapshot without principals.</summary>
    public string? AccountId => Directory.Select(e => e.Arn.Split(':')).FirstOrDefault(parts => parts.Length >= 6 && parts[4].Length > 0)?[4];

    private IReadOnlyList<Principals.PrincipalEntry>? directory;

    private static Principals.PrincipalEntry Entry(Principals.PrincipalKind kind, SnapshotEntity entity) => new(kind, entity.Name, entity.Arn, entity.Path);

    /// <summary>
    /// True when the snapshot says it is not the whole account: its (last) page has "IsTruncated": true, so users,
    /// groups, roles or policies may be missing. An audit of it can find problems but can never pass.
    /// </summary>
    public bool Incomplete { get; init; }

    /// <summary>
    /// Managed policy entries that could not be read and have no ARN: a principal attached to a policy the snapshot
    /// does not describe might be attached to one of these, so it cannot be judged.
    /// </summary>
    public IReadOnlyList<SnapshotUnreadablePolicy> UnreadablePolicies { get; init; } = [];
}

/// <summary>A user, group or role as the snapshot describes it.</summary>
public sealed class SnapshotEntity
{
    internal SnapshotEntity(string name, string arn, string path, string jsonPath, int line)
    {
        Name = name;
        Arn = arn;
        Path = path;
        JsonPath = jsonPath;
        Line = line;
    }

    public string Name { get; }

    public string Arn { get; }

    /// <summary>The IAM path, e.g. "/" or "/aws-service-role/".</summary>
    public string Path { get; }

    /// <summary>Where the entry is in the file, e.g. $.UserDetailList[3].</summary>
    public string JsonPath { get; }

    /// <summary>The 1-based line of the file where the entry starts.</summary>
    public int Line { get; }

    // The collections are made when the loader first adds to them: most entries of a large account have no inline
    // policy, no problem and no tags, and an account model lives through the whole audit.
    private List<SnapshotInlinePolicy>? inlinePolicies;
    private List<SnapshotAttachedPolicy>? attachedPolicies;
    private List<string>? groupNames;
    private Dictionary<string, string>? tags;
    private List<SnapshotProblem>? problems;

    /// <summary>What the loader compares when the snapshot repeats the entity (see <see cref="SnapshotEntryContent"/>).</summary>
    internal SnapshotEntryContent Content;

    private static readonly IReadOnlyDictionary<string, string> NoTags = new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(new Dictionary<string, string>());

    public IReadOnlyList<SnapshotInlinePolicy> InlinePolicies => (IReadOnlyList<SnapshotInlinePolicy>?)inlinePolicies ?? [];

    public IReadOnlyList<SnapshotAttachedPolicy> AttachedPolicies => (IReadOnlyList<SnapshotAttachedPolicy>?)attachedPolicies ?? [];

    /// <summary>For users: the names of the groups they belong to.</summary>
    public IReadOnlyList<string> GroupNames => (IReadOnlyList<string>?)groupNames ?? [];

    public IReadOnlyDictionary<string, string> Tags => (IReadOnlyDictionary<string, string>?)tags ?? NoTags;

    public string? PermissionsBoundaryArn { get; internal set; }

    /// <summary>For roles: the services its trust policy lets assume it.</summary>
    public RoleTrust Trust { get; internal set; } = RoleTrust.Unknown;

    /// <summary>Parts of the entry that could not be read: the entity cannot be judged with confidence.</summary>
    public IReadOnlyList<SnapshotProblem> Problems => (IReadOnlyList<SnapshotProblem>?)problems ?? [];

    internal void Add(SnapshotInlinePolicy policy) => (inlinePolicies ??= []).Add(policy);

    internal void Add(SnapshotAttachedPolicy policy) => (attachedPolicies ??= []).Add(policy);

    internal void AddGroup(string group) => (groupNames ??= []).Add(group);

    internal void SetTag(string key, string value) => (tags ??= new Dictionary<string, string>(System.StringComparer.Ordinal))[key] = value;

    internal void Add(SnapshotProblem problem) => (problems ??= []).Add(problem);

    public override string ToString() => Arn;
}

/// <summary>An inline policy: its name and document text.</summary>
public sealed record SnapshotInlinePolicy(string Name, string Document, string JsonPath);

/// <summary>A managed policy attached to a user, group or role.</summary>
public sealed record SnapshotAttachedPolicy(string Name, string Arn);

/// <summary>A managed policy and its default version's document (null when the snapshot lacks it).</summary>
public sealed record SnapshotManagedPolicy(string Name, string Arn, string Path, string? DefaultDocument, string JsonPath, int Line)
{
    /// <summary>Why the default document could not be read, when it could not.</summary>
    public SnapshotProblem? Problem { get; init; }
}

/// <summary>A managed policy entry without an ARN: its name when it has one, and why it could not be read.</summary>
public sealed record SnapshotUnreadablePolicy(string? Name, SnapshotProblem Problem);

/// <summary>
/// An entry's content hash and JSON path (a list of paths once the snapshot repeats the entry): kept on the entity
/// itself, and for managed policies by ARN while loading, rather than in a table of every entry by reference, which
/// grew through the large-object heap with each doubling and brought a full collection into the read.
/// </summary>
// The 128-bit hash is kept as two 64-bit halves, never as a UInt128: a struct type from outside the module, in a field
// or a local, is a layout the ahead-of-time compiler (ReadyToRun) cannot fix, so it leaves every method that touches
// it to the JIT (measured: with a UInt128 field on SnapshotEntity, the loader's and the account builder's methods ran
// unoptimized through the first audit of a process).
internal struct SnapshotEntryContent(ulong hashHigh, ulong hashLow, object jsonPaths)
{
    private readonly ulong hashHigh = hashHigh;
    private readonly ulong hashLow = hashLow;

    public object JsonPaths = jsonPaths; // string, or List<string> for a repeated entry

    public readonly bool SameContent(SnapshotEntryContent other) => hashHigh == other.hashHigh && hashLow == other.hashLow;

    /// <summary>The hash and the path(s), for a debugger and a test's comparison.</summary>
    public override readonly string ToString() =>
        $"{hashHigh:x16}{hashLow:x16} {(JsonPaths is string one ? one : string.Join(", ", (System.Collections.Generic.List<string>)JsonPaths))}";
}

/// <summary>An entry of the snapshot that could not be read: which file, where, what.</summary>
public sealed record SnapshotProblem(string Source, string JsonPath, int Line, string Message)
{
    public override string ToString() => $"{Source}:{Line}: {JsonPath}: {Message}";
}
