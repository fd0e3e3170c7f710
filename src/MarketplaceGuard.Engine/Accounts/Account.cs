using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.Policies;
using MarketplaceGuard.Engine.Principals;

namespace MarketplaceGuard.Engine.Accounts;

/// <summary>
/// An account ready to audit: every user and role with the compiled policies that govern it. Each distinct policy
/// text is compiled once and shared; a group's policies are resolved once for all its members. A policy that
/// cannot be read (invalid document, a managed policy the snapshot lacks and the module does not ship) is left out
/// of the principal's policies and named in its <see cref="AccountPrincipal.Problems"/>: such a principal "cannot be
/// judged", it is never treated as if the policy granted nothing. Service control policies are input of the caller:
/// one that cannot be read throws <see cref="PolicyValidationException"/>.
/// </summary>
public sealed class Account
{
    private readonly Dictionary<string, AccountPrincipal> byArn;
    private readonly Dictionary<string, List<AccountPrincipal>> membersByGroup;
    private readonly Dictionary<string, SnapshotEntity> groups;

    private Account(AuthorizationSnapshot snapshot, List<AccountPrincipal> principals, Dictionary<string, SnapshotEntity> groups, int distinctDocuments)
    {
        Snapshot = snapshot;
        Principals = principals;
        this.groups = groups;
        DistinctDocuments = distinctDocuments;
        byArn = new Dictionary<string, AccountPrincipal>(principals.Count, StringComparer.Ordinal);
        foreach (var principal in principals)
        {
            byArn.TryAdd(principal.Arn, principal); // the first of a repeated ARN, as before
        }

        membersByGroup = new Dictionary<string, List<AccountPrincipal>>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in groups.Values)
        {
            membersByGroup[group.Name] = [];
        }

        foreach (var user in principals.Where(p => p.Type == PrincipalType.User))
        {
            foreach (var group in user.Groups)
            {
                if (membersByGroup.TryGetValue(group, out var members))
                {
                    members.Add(user);
                }
            }
        }
    }

    public AuthorizationSnapshot Snapshot { get; }

    /// <summary>Users then roles, in snapshot order.</summary>
    public IReadOnlyList<AccountPrincipal> Principals { get; }

    /// <summary>The group names of the account.</summary>
    public IEnumerable<string> GroupNames => groups.Keys;

    /// <summary>How many distinct policy texts were parsed and compiled.</summary>
    public int DistinctDocuments { get; }

    /// <summary>The users in a group (none for an unknown group).</summary>
    public IReadOnlyList<AccountPrincipal> MembersOf(string group) =>
        membersByGroup.TryGetValue(group, out var members) ? members : [];

    /// <summary>
    /// Builds the account. <paramref name="serviceControlPolicies"/> are documents (name, JSON) of one organization
    /// level that apply to every principal but service-linked roles.
    /// </summary>
    public static Account Build(
        AuthorizationSnapshot snapshot,
        IEnumerable<(string Name, string Document)>? serviceControlPolicies = null,
        AwsManagedPolicyLibrary? library = null,
        PolicyCompiler? compiler = null)
    {
        var documents = (serviceControlPolicies ?? []).ToList();
        IReadOnlyList<ServiceControlPolicyLevelInput> levels = documents.Count == 0 ? [] : [new ServiceControlPolicyLevelInput(null, documents)];
        return BuildWithLevels(snapshot, levels, library, compiler);
    }

    /// <summary>
    /// Builds the account of an organization: <paramref name="levels"/> are the SCP levels from the root down to the
    /// account (each must allow), named after the node they are attached to; service-linked roles are exempt. A
    /// compiler shared by the accounts of one organization compiles each distinct document once.
    /// </summary>
    public static Account BuildWithLevels(
        AuthorizationSnapshot snapshot,
        IReadOnlyList<ServiceControlPolicyLevelInput> levels,
        AwsManagedPolicyLibrary? library = null,
        PolicyCompiler? compiler = null)
    {
        var builder = new Builder(snapshot, library ?? AwsManagedPolicyLibrary.Default, compiler ?? new PolicyCompiler());
        return builder.Build(levels);
    }

    /// <summary>Every user, group and role of the account: what principal values resolve against.</summary>
    public IReadOnlyList<PrincipalEntry> Directory => Snapshot.Directory;

    /// <summary>
    /// The users and roles that principal values name (see <see cref="PrincipalResolver"/>): a group stands for its
    /// members. <paramref name="resolution"/> says which values named nothing or could not name a principal.
    /// </summary>
    public IReadOnlyList<AccountPrincipal> Resolve(IEnumerable<string?> values, out PrincipalResolution resolution)
    {
        resolution = PrincipalResolver.Resolve(Directory, values, Snapshot.AccountId);
        return PrincipalsOf(resolution.Matches);
    }

    /// <summary>The users and roles that entries stand for, once each: a group's members, a user or role itself.</summary>
    public IReadOnlyList<AccountPrincipal> PrincipalsOf(IEnumerable<PrincipalEntry> entries)
    {
        var found = new List<AccountPrincipal>();
        var seen = new HashSet<AccountPrincipal>();
        foreach (var entry in entries)
        {
            var principals = entry.Kind == PrincipalKind.Group
                ? MembersOf(entry.Name)
                : byArn.TryGetValue(entry.Arn, out var principal) ? [principal] : [];
            found.AddRange(principals.Where(seen.Add));
        }

        return found;
    }

    /// <summary>The principal with this ARN, or null.</summary>
    public AccountPrincipal? Find(string arn) => byArn.GetValueOrDefault(arn);

    private sealed class Builder
    {
        private readonly AuthorizationSnapshot snapshot;
        private readonly AwsManagedPolicyLibrary library;
        private readonly PolicyCompiler compiler;
        private readonly Dictionary<string, SnapshotEntity> groups;
        private readonly Dictionary<string, (List<NamedPolicy> Policies, List<string> Problems)> groupPolicies = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, (CompiledPolicy? Policy, string? Problem)> managed = new(StringComparer.Ordinal);

        // The account's documents by reference: the snapshot reader keeps one string per distinct text, so a document
        // met again (an inline policy of a group, for each member; a managed policy, for each attachment) is found
        // without hashing and comparing its few kilobytes of text again, as the compiler's table by text would (the 1x
        // synthetic account: about 30,000 such lookups per build). A text given as another string of the same
        // characters misses here and is found by the compiler by its text: one more entry, the same compiled policy.
        private readonly Dictionary<string, CompiledDocument> byReference = new(ReferenceEqualityComparer.Instance);

        public Builder(AuthorizationSnapshot snapshot, AwsManagedPolicyLibrary library, PolicyCompiler compiler)
        {
            this.snapshot = snapshot;
            this.library = library;
            this.compiler = compiler;
            groups = snapshot.Groups.ToDictionary(g => g.Name, StringComparer.OrdinalIgnoreCase);
        }

        public Account Build(IReadOnlyList<ServiceControlPolicyLevelInput> scpLevels)
        {
            // Parse and compile every distinct document some principal or group uses, on every core first; the loops
            // below then find them compiled. A managed policy attached to nobody decides nothing (the 1x synthetic
            // account has 226 of 1,502), so it is not compiled.
            var distinct = new HashSet<string>(ReferenceEqualityComparer.Instance);
            foreach (var entities in (IReadOnlyList<SnapshotEntity>[])[snapshot.Users, snapshot.Groups, snapshot.Roles])
            {
                foreach (var entity in entities)
                {
                    foreach (var attached in entity.AttachedPolicies)
                    {
                        AddDefaultDocument(attached.Arn, distinct);
                    }

                    AddDefaultDocument(entity.PermissionsBoundaryArn, distinct);
                    foreach (var inline in entity.InlinePolicies)
                    {
                        if (inline.Document is { } document)
                        {
                            distinct.Add(document);
                        }
                    }
                }
            }

            var documents = distinct.ToArray();
            var compiled = new CompiledDocument[documents.Length];
            Parallel.For(0, documents.Length, i => compiled[i] = CompiledDocument.Of(compiler, documents[i]));
            for (var i = 0; i < documents.Length; i++)
            {
                byReference.Add(documents[i], compiled[i]);
            }

            // Service control policies are the caller's input, not the account's: one that cannot be read is an
            // error, never a reason to leave every principal unjudged.
            var compiledLevels = new List<NamedPolicy[]>(scpLevels.Count);
            foreach (var level in scpLevels)
            {
                var scps = new List<NamedPolicy>();
                foreach (var (name, document) in level.Policies)
                {
                    try
                    {
                        scps.Add(new NamedPolicy(name, compiler.Compile(document), level.AttachedTo));
                    }
                    catch (PolicyValidationException e)
                    {
                        throw new PolicyValidationException(level.AttachedTo is null ? name : $"SCP {name} attached to {level.AttachedTo}", e.Errors);
                    }
                }

                compiledLevels.Add(scps.ToArray());
            }

            // The levels as arrays, shared by every principal's policy set; one scratch list for each principal's
            // policies and problems in turn (the policy set and the principal keep exact copies, none when empty).
            NamedPolicy[][]? levels = compiledLevels.Count > 0 ? compiledLevels.ToArray() : null;
            var principals = new List<AccountPrincipal>(snapshot.Users.Count + snapshot.Roles.Count);
            var policies = new List<NamedPolicy>();
            var problems = new List<string>();
            foreach (var user in snapshot.Users)
            {
                policies.Clear();
                problems.Clear();
                AddEntryProblems(user, problems);
                AddOwn(user, policies, problems);
                foreach (var groupName in user.GroupNames)
                {
                    var (groupPoliciesOf, groupProblems) = GroupPolicies(groupName);
                    policies.AddRange(groupPoliciesOf);
                    problems.AddRange(groupProblems);
                }

                var boundary = Boundary(user, problems);
                principals.Add(new AccountPrincipal(PrincipalType.User, user, user.GroupNames, new PolicySet(policies, boundary, levels), Kept(problems)));
            }

            foreach (var role in snapshot.Roles)
            {
                policies.Clear();
                problems.Clear();
                AddEntryProblems(role, problems);
                AddOwn(role, policies, problems);
                var boundary = Boundary(role, problems);
                var isServiceLinked = role.Path.StartsWith("/aws-service-role/", StringComparison.Ordinal);

                principals.Add(new AccountPrincipal(PrincipalType.Role, role, [], new PolicySet(policies, boundary, isServiceLinked ? null : levels), Kept(problems)));
            }

            return new Account(snapshot, principals, groups, compiler.DistinctDocuments);
        }

        private void AddDefaultDocument(string? arn, HashSet<string> documents)
        {
            if (arn is not null && snapshot.Policies.TryGetValue(arn, out var policy) && policy.DefaultDocument is { } document)
            {
                documents.Add(document);
            }
        }

        private (List<NamedPolicy> Policies, List<string> Problems) GroupPolicies(string groupName)
        {
            if (groupPolicies.TryGetValue(groupName, out var known))
            {
                return known;
            }

            var policies = new List<NamedPolicy>();
            var problems = new List<string>();
            if (groups.TryGetValue(groupName, out var group))
            {
                AddEntryProblems(group, problems);
                AddOwn(group, policies, problems, via: "group " + group.Name);
            }
            else
            {
                problems.Add($"group {groupName} is not in the snapshot, so its policies are unknown");
            }

            groupPolicies[groupName] = (policies, problems);
            return (policies, problems);
        }

        private static void AddEntryProblems(SnapshotEntity entity, List<string> problems)
        {
            foreach (var problem in entity.Problems)
            {
                problems.Add($"{problem.JsonPath}: {problem.Message}");
            }
        }

        /// <summary>The problems as the principal keeps them: an exact copy, or the shared empty list.</summary>
        private static string[] Kept(List<string> problems) => problems.Count == 0 ? [] : problems.ToArray();

        private void AddOwn(SnapshotEntity entity, List<NamedPolicy> policies, List<string> problems, string? via = null)
        {
            var suffix = via is null ? string.Empty : $" (via {via})";
            foreach (var inline in entity.InlinePolicies)
            {
                if (Compile(inline.Document, "inline policy ", inline.Name, suffix, problems) is { } policy)
                {
                    policies.Add(new NamedPolicy(inline.Name, policy, via));
                }
            }

            foreach (var attached in entity.AttachedPolicies)
            {
                var (policy, problem) = Managed(attached.Arn);
                if (policy is not null)
                {
                    policies.Add(new NamedPolicy(attached.Name, policy, via));
                }
                else
                {
                    problems.Add(problem! + suffix);
                }
            }
        }

        private NamedPolicy? Boundary(SnapshotEntity entity, List<string> problems)
        {
            if (entity.PermissionsBoundaryArn is not { } arn)
            {
                return null;
            }

            var (policy, problem) = Managed(arn);
            if (policy is null)
            {
                problems.Add($"permissions boundary: {problem}");
                return null;
            }

            return new NamedPolicy(arn[(arn.LastIndexOf('/') + 1)..], policy);
        }

        private (CompiledPolicy? Policy, string? Problem) Managed(string arn)
        {
            if (managed.TryGetValue(arn, out var known))
            {
                return known;
            }

            var problems = new List<string>();
            (CompiledPolicy?, string?) result;
            if (snapshot.Policies.TryGetValue(arn, out var record) && record.DefaultDocument is { } document)
            {
                var policy = Compile(document, "managed policy ", arn, string.Empty, problems);
                result = (policy, policy is null ? problems[0] : null);
            }
            else if (record is not null)
            {
                // The snapshot's own entry wins over a shipped copy: when it cannot be read, the policy is unknown.
                var unreadable = record.Problem;
                result = (null, unreadable is null
                    ? $"managed policy {arn}: {record.JsonPath}: the default version's document is missing"
                    : $"managed policy {arn}: {unreadable.JsonPath}: {unreadable.Message}");
            }
            else if (UnreadableEntryFor(arn) is { } damaged)
            {
                result = (null, $"managed policy {arn} may be the entry at {damaged.JsonPath} that cannot be read ({damaged.Message}), so what it grants is unknown");
            }
            else if (library.Find(arn) is { } shipped)
            {
                var policy = Compile(shipped, "managed policy ", arn, string.Empty, problems);
                result = (policy, policy is null ? problems[0] : null);
            }
            else
            {
                result = (null, AwsManagedPolicyLibrary.IsAwsManaged(arn)
                    ? $"AWS managed policy {arn} is not in the snapshot and not among the documents shipped with the module, so what it grants is unknown"
                    : $"managed policy {arn} is not in the snapshot (export it with its policies), so what it grants is unknown");
            }

            managed[arn] = result;
            return result;
        }

        /// <summary>A damaged policy entry that may be the policy with this ARN: one with its name, or one with no name at all.</summary>
        private SnapshotProblem? UnreadableEntryFor(string arn)
        {
            var name = arn[(arn.LastIndexOf('/') + 1)..];
            return snapshot.UnreadablePolicies
                .FirstOrDefault(p => p.Name is null || string.Equals(p.Name, name, StringComparison.Ordinal))?.Problem;
        }

        /// <summary>The compiled document, or null and a problem naming it ("inline policy " + name + suffix): the name is put together only then.</summary>
        private CompiledPolicy? Compile(string document, string kind, string name, string suffix, List<string> problems)
        {
            if (!byReference.TryGetValue(document, out var compiled))
            {
                byReference.Add(document, compiled = CompiledDocument.Of(compiler, document));
            }

            if (compiled.Error is { } error)
            {
                problems.Add($"{kind}{name}{suffix} is not a valid policy: " + string.Join("; ", error.Errors));
            }

            return compiled.Policy;
        }
    }

    /// <summary>A document compiled, or why it is not a valid policy (the compiler remembers either).</summary>
    private readonly record struct CompiledDocument(CompiledPolicy? Policy, PolicyValidationException? Error)
    {
        public static CompiledDocument Of(PolicyCompiler compiler, string document)
        {
            try
            {
                return new CompiledDocument(compiler.Compile(document), null);
            }
            catch (PolicyValidationException e)
            {
                return new CompiledDocument(null, e);
            }
        }
    }
}

/// <summary>
/// One level of service control policies for <see cref="Account.BuildWithLevels"/>: the node they are attached to
/// ("OU Sandbox (ou-a1b2-c3d4e5f6)", null for documents given without an organization) and their documents.
/// </summary>
public sealed record ServiceControlPolicyLevelInput(string? AttachedTo, IReadOnlyList<(string Name, string Document)> Policies);
