using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Accounts;

/// <summary>
/// Reads the JSON of `aws iam get-account-authorization-details` (one page object, or an array of pages, which are
/// merged) as a stream: only one user, group, role or policy entry is in memory as JSON at a time, so a file of
/// hundreds of megabytes needs little more memory than the model it becomes. Policy documents may be JSON objects or
/// URL-encoded strings. The file is read completely or refused: a malformed entry is recorded as a problem and kept
/// with whatever identity it has, so that its principal is reported as "cannot be judged" rather than dropped; a
/// last page with "IsTruncated": true marks the snapshot <see cref="AuthorizationSnapshot.Incomplete"/>; a file that
/// is not JSON, not this shape, or has none of its lists throws <see cref="SnapshotFormatException"/>.
/// </summary>
public static class SnapshotLoader
{
    public static AuthorizationSnapshot Load(string path, IProgress<long>? bytesRead = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Load(stream, path, bytesRead);
    }

    /// <summary>Reads a snapshot from a stream. With <paramref name="isFile"/> false (an account read live), entries get no line numbers.</summary>
    public static AuthorizationSnapshot Load(Stream stream, string source, IProgress<long>? bytesRead = null, bool isFile = true) =>
        Load(stream, source, bytesRead, isFile, ReadsEntriesConcurrently(stream));

    /// <summary>
    /// Whether a stream's entries are read on a second thread (see <see cref="EntryPipeline"/>): with more than one core,
    /// for a file of <see cref="ConcurrentReadBytes"/> or more.
    /// <para>
    /// Measured on two cores, first audits in fresh processes (Test-MarketplaceLeastPrivilege, alternating, medians): the
    /// 21 MB (1×) account took 1.25 s on two threads against 1.52 s on one (8 pairs; its read 0.49 against 0.69 s, and no
    /// two-thread run above 1.43 s), the 5.6 MB (¼×) account read in 0.17 against 0.23 s (6 pairs). In a fresh process the
    /// reading thread runs the framework's JSON code unoptimized or instrumented for most of the read, so the second
    /// core, otherwise idle but for the runtime's background compiler, is worth more than the hand-over costs. (Before
    /// the engine stopped using System.IO.Hashing, whose hash then ran unoptimized on the entries' thread, two threads
    /// made the 1× first audit slower, so the size was 64 MB.) The 4× account loads 12–17 % faster on two threads, warm
    /// and cold.
    /// </para>
    /// <para>
    /// Below 1 MB stays on one thread: an organization's accounts, mostly files of a few hundred KB, are already read
    /// several at a time, one per core. An account read live is read from memory once downloaded, so the same size
    /// decides; a stream that cannot tell its length is read on one thread.
    /// </para>
    /// </summary>
    internal static bool ReadsEntriesConcurrently(Stream stream) =>
        Environment.ProcessorCount > 1 && stream.CanSeek && stream.Length >= ConcurrentReadBytes;

    internal const long ConcurrentReadBytes = 1 << 20;

    /// <summary>Reads a snapshot, its entries on a second thread or not (see <see cref="EntryPipeline"/>).</summary>
    internal static AuthorizationSnapshot Load(Stream stream, string source, IProgress<long>? bytesRead, bool isFile, bool concurrent)
    {
        var json = new StreamingJsonReader(stream, source, bytesRead);
        using var entries = new EntryPipeline(json, source, isFile, concurrent);
        return new SnapshotReader(json, entries, source).Read();
    }

    private sealed class SnapshotReader
    {
        private static readonly string[] Lists = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"];
        private static readonly string[] PageKeys = [.. Lists, "IsTruncated", "Marker", "NextToken"];

        // The fields of users, groups and roles in get-account-authorization-details (AWS CLI and IAM API reference).
        private static readonly HashSet<string> EntityKeys = new(StringComparer.Ordinal)
        {
            "UserName", "UserId", "GroupName", "GroupId", "RoleName", "RoleId", "Arn", "Path", "CreateDate",
            "UserPolicyList", "GroupPolicyList", "RolePolicyList", "GroupList", "AttachedManagedPolicies",
            "PermissionsBoundary", "Tags", "AssumeRolePolicyDocument", "InstanceProfileList", "RoleLastUsed",
            "Description", "MaxSessionDuration",
        };

        private readonly StreamingJsonReader json;
        private readonly EntryPipeline entries;
        private readonly string source;
        private readonly Dictionary<string, SnapshotEntity> users = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, SnapshotEntity> groups = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, SnapshotEntity> roles = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, SnapshotManagedPolicy> policies = new(StringComparer.Ordinal);
        // Each managed policy's content hash and JSON path by ARN (entities keep theirs: SnapshotEntity.Content).
        private readonly Dictionary<string, SnapshotEntryContent> policyContents = new(StringComparer.Ordinal);
        private readonly List<SnapshotUnreadablePolicy> unreadablePolicies = [];
        private readonly List<SnapshotProblem> problems = [];
        private readonly DocumentTexts documents = new();
        private readonly JsonStringPool shared = new(); // values that entries repeat: see SharedString
        private readonly Dictionary<(string Name, string Arn), SnapshotAttachedPolicy> attachments = [];

        private bool sawList;
        private bool truncated;
        private bool continuationToken;

        public SnapshotReader(StreamingJsonReader json, EntryPipeline entries, string source)
        {
            this.json = json;
            this.entries = entries;
            this.source = source;
        }

        public AuthorizationSnapshot Read()
        {
            try
            {
                ReadFile();
            }
            catch
            {
                entries.Finish(); // an entry before the reader's error that failed on the entries' thread comes first
                throw;
            }

            entries.Finish();
            if (!sawList)
            {
                // {} , [] or a policy document: reading it as an account with no principals would pass every audit.
                throw new SnapshotFormatException(source, "$", 1, $"not an authorization details snapshot: the JSON has none of {string.Join(", ", Lists)} (export one with Export-MarketplaceAuthorizationSnapshot or aws iam get-account-authorization-details)")
                {
                    IsNotAuthorizationSnapshot = true,
                };
            }

            return new AuthorizationSnapshot(source, [.. users.Values], [.. groups.Values], [.. roles.Values], policies, problems, json.BytesRead)
            {
                Incomplete = truncated || continuationToken,
                UnreadablePolicies = unreadablePolicies,
            };
        }

        private void ReadFile()
        {
            var first = json.Next("$");
            if (first == JsonTokenType.StartObject)
            {
                ReadPage("$");
            }
            else if (first == JsonTokenType.StartArray)
            {
                for (var page = 0; json.PeekIsNot(JsonTokenType.EndArray, "$"); page++)
                {
                    var path = $"$[{page}]";
                    if (json.Next(path) != JsonTokenType.StartObject)
                    {
                        throw json.Error(path, "each page must be a JSON object as get-account-authorization-details writes it");
                    }

                    ReadPage(path);
                }

                json.Next("$");
            }
            else
            {
                throw json.Error("$", "the snapshot must be the JSON object that get-account-authorization-details writes, or an array of such pages");
            }

            if (json.Next("$") != JsonTokenType.None)
            {
                throw json.Error("$", "unexpected content after the snapshot");
            }
        }

        private void ReadPage(string pagePath)
        {
            truncated = false; // only the last page says whether more follow
            continuationToken = false;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                var token = json.Next(pagePath);
                if (token == JsonTokenType.EndObject)
                {
                    return;
                }

                var name = json.LastString!;
                var path = pagePath + "." + name;
                if ((name == "IsTruncated" || Lists.Contains(name)) && !seen.Add(name))
                {
                    throw json.Error(path, "appears twice in the page; which one is right is unknown");
                }

                EntryPipeline.EntryReader? readEntry = name switch
                {
                    "UserDetailList" => (e, p, l) => Add(users, ReadEntity(e, p, l, EntityKind.User)),
                    "GroupDetailList" => (e, p, l) => Add(groups, ReadEntity(e, p, l, EntityKind.Group)),
                    "RoleDetailList" => (e, p, l) => Add(roles, ReadEntity(e, p, l, EntityKind.Role)),
                    "Policies" => ReadManagedPolicy,
                    _ => null,
                };

                if (name == "IsTruncated")
                {
                    using var value = json.ReadValue(path, out _);
                    truncated = value.RootElement.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw json.Error(path, "must be true or false"), // whether more pages follow must be certain
                    };
                    continue;
                }

                if (name is "Marker" or "NextToken")
                {
                    // A continuation token: IAM's Marker, or the NextToken the AWS CLI writes when --max-items cut the
                    // listing short. Either means entries are missing, whatever IsTruncated says.
                    using var continuation = json.ReadValue(path, out var line);
                    if (JsonText.FindInvalidString(JsonMarshal.GetRawUtf8Value(continuation.RootElement)) is { } invalid)
                    {
                        throw new SnapshotFormatException(source, path, line, invalid); // damaged, as an entry's text would be
                    }

                    if (continuation.RootElement.ValueKind == JsonValueKind.String && continuation.RootElement.GetString()!.Length > 0)
                    {
                        continuationToken = true;
                    }

                    continue;
                }

                if (readEntry is null)
                {
                    // A key of the format spelled otherwise (userDetailList, Userdetaillist, GroupDetailLists) would hide
                    // a whole list: refused. Keys unlike any of the format's are newer fields, skipped.
                    if (ClosestNames.Find(name, PageKeys, 1) is [var meant])
                    {
                        throw json.Error(path, $"is not a key of the authorization-details format; did you mean {meant}?");
                    }

                    json.SkipValue(path);
                    continue;
                }

                sawList = true;
                if (json.Next(path) != JsonTokenType.StartArray)
                {
                    throw json.Error(path, "must be an array");
                }

                for (var i = 0; json.PeekIsNot(JsonTokenType.EndArray, path); i++)
                {
                    entries.Add($"{path}[{i}]", readEntry);
                }

                json.Next(path);
            }
        }

        /// <summary>
        /// Adds an entity by name. A later page repeating an entity with the same content changes nothing; when the
        /// entries differ, which one is right is unknown, so the later one is kept and cannot be judged.
        /// </summary>
        private void Add(Dictionary<string, SnapshotEntity> into, SnapshotEntity? entity)
        {
            if (entity is null)
            {
                return;
            }

            if (into.TryGetValue(entity.Name, out var earlier))
            {
                if (Repeats(ref earlier.Content, ref entity.Content, entity.Line) is not { } problem)
                {
                    return;
                }

                entity.Add(problem);
            }

            into[entity.Name] = entity;
        }

        /// <summary>Null when <paramref name="later"/> repeats <paramref name="earlier"/> exactly (the earlier stands for both); else the problem.</summary>
        private SnapshotProblem? Repeats(ref SnapshotEntryContent earlier, ref SnapshotEntryContent later, int line)
        {
            var paths = PathList(earlier.JsonPaths);
            paths.AddRange(PathList(later.JsonPaths));
            if (earlier.SameContent(later))
            {
                earlier.JsonPaths = paths;
                return null;
            }

            later.JsonPaths = paths;
            return new SnapshotProblem(source, paths[^1], line,
                $"the snapshot describes it {paths.Count} times, differently ({string.Join(", ", paths)}); which entry is right is unknown");
        }

        private static List<string> PathList(object paths) => paths is string one ? [one] : [.. (List<string>)paths];

        // Only ever compares two entries of the same snapshot, whose author could write either anyway: a 128-bit
        // non-cryptographic hash is as good as SHA-256 here, at a fraction of the cost (every entry is hashed).
        private static SnapshotEntryContent ContentOf(JsonElement e, string path)
        {
            var (high, low) = ContentHash.Of(JsonMarshal.GetRawUtf8Value(e));
            return new(high, low, path);
        }

        private enum EntityKind
        {
            User,
            Group,
            Role,
        }

        private static bool IsIamName(string name, int maxLength)
        {
            if (name.Length is 0 || name.Length > maxLength)
            {
                return false;
            }

            foreach (var c in name)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '=' or ',' or '.' or '@' or '_' or '-'))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Reads a user, group or role. An entry that cannot be read completely is kept with whatever identity it has
        /// (its name, the name in its ARN, or its place in the file) and its problems, so that it is reported as
        /// "cannot be judged" instead of disappearing from the audit. Only a group with no identity at all is left
        /// out: no user can name it, and users who name a missing group cannot be judged either.
        /// </summary>
        // An entity is read in parts, each its own method: one method for all of it was so large that the JIT spent a
        // third of a second recompiling it (with profiling probes) in the background of a process's first audit.
        private SnapshotEntity? ReadEntity(JsonElement e, string path, int line, EntityKind kind)
        {
            var (nameField, inlineField, arnType) = kind switch
            {
                EntityKind.User => ("UserName", "UserPolicyList", "user"),
                EntityKind.Group => ("GroupName", "GroupPolicyList", "group"),
                _ => ("RoleName", "RolePolicyList", "role"),
            };

            var entryProblems = new EntryProblems(source, path, line);
            if (e.ValueKind != JsonValueKind.Object)
            {
                var problem = new SnapshotProblem(source, path, line, "must be a JSON object");
                problems.Add(problem);
                if (kind == EntityKind.Group)
                {
                    return null;
                }

                var unreadable = new SnapshotEntity(path, string.Empty, "/", path, line);
                unreadable.Add(problem);
                unreadable.Content = ContentOf(e, path);
                return unreadable;
            }

            if (ReadIdentity(e, path, line, kind, nameField, arnType, entryProblems) is not { } entity)
            {
                return null;
            }

            entity.Content = ContentOf(e, path);
            FindRepeatedProperties(e, string.Empty, entryProblems.Add);

            CheckFieldNames(e, entryProblems);
            ReadInlinePolicies(e, path, inlineField, entity, entryProblems);
            ReadAttachedPolicies(e, entity, entryProblems);
            if (kind == EntityKind.User)
            {
                ReadGroups(e, entity, entryProblems);
            }

            ReadTags(e, entity, entryProblems);
            if (kind == EntityKind.Role)
            {
                entity.Trust = RoleTrust.Read(Document(e, "AssumeRolePolicyDocument"));
            }

            ReadBoundary(e, entity, entryProblems);
            entryProblems.AddTo(entity);
            return entity;
        }

        /// <summary>The entity with its name, ARN and path checked against each other; null for a group that names nothing.</summary>
        private SnapshotEntity? ReadIdentity(JsonElement e, string path, int line, EntityKind kind, string nameField, string arnType, EntryProblems entryProblems)
        {
            var name = String(e, nameField);
            var arn = String(e, "Arn");
            var (arnName, arnPath, arnProblem) = ParseArn(arn, arnType);
            if (name is null || arn is null)
            {
                var missing = $"the entry has no {(name is null ? nameField : "Arn")}";
                problems.Add(new SnapshotProblem(source, path, line, missing)); // also a warning: the file is damaged
                entryProblems.Add(string.Empty, missing);
                if (name is null && arnName is null && kind == EntityKind.Group)
                {
                    return null;
                }
            }
            else if (arnProblem is not null)
            {
                entryProblems.Add("Arn", arnProblem);
            }
            else if (!string.Equals(arnName, name, StringComparison.Ordinal))
            {
                entryProblems.Add("Arn", $"the Arn names {arnName}, not {name}");
            }

            // IAM's names: letters, digits and +=,.@_- only, at most 64 characters for users and roles and 128 for groups.
            // Anything else did not come from IAM; a name too long to be one is not repeated into every report.
            var maxLength = kind == EntityKind.Group ? 128 : 64;
            if (name is not null && !IsIamName(name, maxLength))
            {
                entryProblems.Add(nameField, $"is not an IAM {arnType} name (1 to {maxLength} letters, digits and +=,.@_-)");
                if (name.Length > maxLength)
                {
                    name = null;
                    arnName = arnName is { Length: > 128 } ? null : arnName;
                }
            }

            var iamPath = arnPath ?? "/";
            if (e.TryGetProperty("Path", out var pathValue))
            {
                if (pathValue.ValueKind != JsonValueKind.String)
                {
                    entryProblems.Add("Path", "must be a string");
                }
                else
                {
                    iamPath = shared.Get(pathValue);
                    if (arnPath is not null && !string.Equals(iamPath, arnPath, StringComparison.Ordinal))
                    {
                        entryProblems.Add("Path", $"'{iamPath}' is not the path in the Arn ('{arnPath}')");
                    }
                }
            }

            return new SnapshotEntity(name ?? arnName ?? path, arn ?? string.Empty, iamPath, path, line);
        }

        private static void CheckFieldNames(JsonElement e, EntryProblems entryProblems)
        {
            foreach (var property in e.EnumerateObject())
            {
                // A field of the format spelled otherwise (attachedManagedPolicies, GroupLists) would hide what it holds.
                if (!IsEntityKey(property) && ClosestNames.Find(property.Name, EntityKeys, 1) is [var meant])
                {
                    entryProblems.Add(property.Name, $"is not a field of the authorization-details format; did you mean {meant}?");
                }
            }
        }

        private void ReadInlinePolicies(JsonElement e, string path, string inlineField, SnapshotEntity entity, EntryProblems entryProblems)
        {
            foreach (var (item, i) in Array(e, inlineField, entryProblems))
            {
                var policyName = String(item, "PolicyName");
                var document = Document(item, "PolicyDocument");
                if (policyName is null || document is null)
                {
                    entryProblems.Add($"{inlineField}[{i}]", "an inline policy needs PolicyName and PolicyDocument (a JSON object or a URL-encoded string)");
                    continue;
                }

                entity.Add(new SnapshotInlinePolicy(policyName, document, $"{path}.{inlineField}[{i}].PolicyDocument"));
            }
        }

        private void ReadAttachedPolicies(JsonElement e, SnapshotEntity entity, EntryProblems entryProblems)
        {
            foreach (var (item, i) in Array(e, "AttachedManagedPolicies", entryProblems))
            {
                var policyArn = SharedString(item, "PolicyArn");
                if (policyArn is null)
                {
                    entryProblems.Add($"AttachedManagedPolicies[{i}]", "an attached policy needs PolicyArn");
                    continue;
                }

                entity.Add(Attachment(SharedString(item, "PolicyName") ?? policyArn[(policyArn.LastIndexOf('/') + 1)..], policyArn));
            }
        }

        private void ReadGroups(JsonElement e, SnapshotEntity entity, EntryProblems entryProblems)
        {
            foreach (var (item, i) in Array(e, "GroupList", entryProblems))
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    entity.AddGroup(shared.Get(item));
                }
                else
                {
                    entryProblems.Add($"GroupList[{i}]", "a group name must be a string");
                }
            }
        }

        private void ReadTags(JsonElement e, SnapshotEntity entity, EntryProblems entryProblems)
        {
            foreach (var (item, i) in Array(e, "Tags", entryProblems))
            {
                // Tags are principal tags in conditions: a tag that cannot be read could decide a condition.
                if (SharedString(item, "Key") is { } key && SharedString(item, "Value") is { } value)
                {
                    entity.SetTag(key, value);
                }
                else
                {
                    entryProblems.Add($"Tags[{i}]", "a tag needs a string Key and Value");
                }
            }
        }

        private void ReadBoundary(JsonElement e, SnapshotEntity entity, EntryProblems entryProblems)
        {
            if (e.TryGetProperty("PermissionsBoundary", out var boundary) && boundary.ValueKind != JsonValueKind.Null)
            {
                entity.PermissionsBoundaryArn = SharedString(boundary, "PermissionsBoundaryArn");
                if (entity.PermissionsBoundaryArn is null)
                {
                    entryProblems.Add("PermissionsBoundary", "a permissions boundary needs PermissionsBoundaryArn");
                }
            }
        }

        /// <summary>
        /// The problems of one entry, at its JSON path and line; the list is made for the first (most entries have none).
        /// </summary>
        private sealed class EntryProblems(string source, string path, int line)
        {
            private List<SnapshotProblem>? found;

            /// <summary>A problem at a field of the entry ("" for the entry itself).</summary>
            public void Add(string where, string message) =>
                (found ??= []).Add(new SnapshotProblem(source, where.Length == 0 ? path : $"{path}.{where}", line, message));

            public void AddTo(SnapshotEntity entity)
            {
                foreach (var problem in found ?? [])
                {
                    entity.Add(problem);
                }
            }
        }

        /// <summary>
        /// A property named twice in one object: JSON readers disagree on which value wins, so the entry is ambiguous.
        /// Policy documents are left to the policy parser, which reports the same.
        /// </summary>
        private static void FindRepeatedProperties(JsonElement e, string path, Action<string, string> problem)
        {
            // Almost no entry repeats a property. A check that allocates nothing clears those; only an entry it cannot
            // clear is walked again with property names as strings and JSON paths, to report each repetition.
            if (MayRepeatProperties(e))
            {
                ReportRepeatedProperties(e, path, problem);
            }
        }

        /// <summary>
        /// False when no object that <see cref="ReportRepeatedProperties"/> visits names a property twice. Names are
        /// compared as the UTF-8 of the file, without making strings: each name's hash with the earlier names' hashes,
        /// and the bytes only when two hashes are equal. An escaped name (compared only after unescaping) or an object too
        /// large to compare pairwise answers true, leaving the decision to the exact walk.
        /// </summary>
        private static bool MayRepeatProperties(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                Span<int> hashes = stackalloc int[MaxPropertiesComparedPairwise];
                var count = 0;
                foreach (var property in e.EnumerateObject())
                {
                    if (count == MaxPropertiesComparedPairwise)
                    {
                        return true;
                    }

                    var name = JsonMarshal.GetRawUtf8PropertyName(property);
                    if (name.Contains((byte)'\\'))
                    {
                        return true;
                    }

                    var hash = HashOf(name);
                    for (var earlier = 0; earlier < count; earlier++)
                    {
                        if (hashes[earlier] == hash && NameAt(e, earlier).SequenceEqual(name))
                        {
                            return true;
                        }
                    }

                    hashes[count++] = hash;
                    if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array
                        && !property.NameEquals("PolicyDocument"u8) && !property.NameEquals("Document"u8)
                        && MayRepeatProperties(property.Value))
                    {
                        return true;
                    }
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array && MayRepeatProperties(item))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static int HashOf(ReadOnlySpan<byte> name)
        {
            var hash = new HashCode();
            hash.AddBytes(name);
            return hash.ToHashCode();
        }

        /// <summary>The raw name of the object's property at <paramref name="index"/> (one the caller enumerated already).</summary>
        private static ReadOnlySpan<byte> NameAt(JsonElement e, int index)
        {
            var i = 0;
            foreach (var property in e.EnumerateObject())
            {
                if (i++ == index)
                {
                    return JsonMarshal.GetRawUtf8PropertyName(property);
                }
            }

            throw new ArgumentOutOfRangeException(nameof(index));
        }

        // Entries' objects have a few dozen properties at most; comparing each name with the earlier ones stays cheap.
        private const int MaxPropertiesComparedPairwise = 64;

        private static void ReportRepeatedProperties(JsonElement e, string path, Action<string, string> problem)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                HashSet<string>? seen = null;
                foreach (var property in e.EnumerateObject())
                {
                    seen ??= new HashSet<string>(StringComparer.Ordinal);
                    if (!seen.Add(property.Name))
                    {
                        problem(path.Length == 0 ? property.Name : $"{path}.{property.Name}", "appears twice; which value is right is unknown");
                    }
                    else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && property.Name is not ("PolicyDocument" or "Document"))
                    {
                        ReportRepeatedProperties(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", problem);
                    }
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        ReportRepeatedProperties(item, $"{path}[{i}]", problem);
                    }

                    i++;
                }
            }
        }

        /// <summary>The name and path an IAM ARN gives (arn:aws:iam::111122223333:user/path/name), or why it gives none.</summary>
        private static (string? Name, string? Path, string? Problem) ParseArn(string? arn, string type)
        {
            if (arn is null)
            {
                return (null, null, null);
            }

            // The parts of arn.Split(':', 6), as spans (the sixth keeps any further colons): only the name and path
            // become strings.
            var text = arn.AsSpan();
            Span<Range> parts = stackalloc Range[6];
            if (text.Split(parts, ':') < 6)
            {
                return NotAnArn();
            }

            var resource = text[parts[5]];
            if (!text[parts[0]].SequenceEqual("arn") || text[parts[1]].IsEmpty || !text[parts[2]].SequenceEqual("iam") || text[parts[4]].IsEmpty
                || !(resource.StartsWith(type, StringComparison.Ordinal) && resource.Length > type.Length && resource[type.Length] == '/') || resource.EndsWith('/'))
            {
                return NotAnArn();
            }

            resource = resource[(type.Length + 1)..];
            var slash = resource.LastIndexOf('/');
            return (resource[(slash + 1)..].ToString(), slash < 0 ? "/" : string.Concat("/", resource[..(slash + 1)]), null);

            (string?, string?, string?) NotAnArn() => (null, null, $"{Quote(arn)} is not the ARN of an IAM {type} (arn:aws:iam::111122223333:{type}/name)");
        }

        private static string Quote(string value) => value.Length <= 200 ? $"'{value}'" : $"'{value[..200]}…' ({value.Length:N0} characters)";

        private void ReadManagedPolicy(JsonElement e, string path, int line)
        {
            var arn = String(e, "Arn");
            if (arn is null)
            {
                var name = String(e, "PolicyName");
                var problem = new SnapshotProblem(source, path, line,
                    e.ValueKind == JsonValueKind.Object
                        ? $"the policy{(name is null ? string.Empty : " " + name)} has no Arn"
                        : "must be a JSON object");
                problems.Add(problem);
                unreadablePolicies.Add(new SnapshotUnreadablePolicy(name, problem));
                return;
            }

            string? document = null;
            SnapshotProblem? versionProblem = null;
            var defaultVersion = String(e, "DefaultVersionId");
            if (!e.TryGetProperty("PolicyVersionList", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                versionProblem = new SnapshotProblem(source, $"{path}.PolicyVersionList", line, "must be an array of the policy's versions");
            }
            else
            {
                var i = 0;
                foreach (var version in list.EnumerateArray())
                {
                    var isDefault = version.ValueKind == JsonValueKind.Object
                        && ((version.TryGetProperty("IsDefaultVersion", out var flag) && flag.ValueKind == JsonValueKind.True)
                            || (defaultVersion is not null && String(version, "VersionId") == defaultVersion));
                    if (isDefault)
                    {
                        if (document is not null || versionProblem is not null)
                        {
                            // Two default versions: which document IAM enforces is unknown.
                            versionProblem = new SnapshotProblem(source, $"{path}.PolicyVersionList[{i}]", line, "more than one version is marked as the default");
                            break;
                        }

                        document = Document(version, "Document");
                        if (document is null)
                        {
                            versionProblem = new SnapshotProblem(source, $"{path}.PolicyVersionList[{i}].Document", line, "the default version's document must be a JSON object or a URL-encoded string");
                        }
                    }

                    i++;
                }

                if (document is null && versionProblem is null)
                {
                    versionProblem = new SnapshotProblem(source, $"{path}.PolicyVersionList", line, "no version is marked as the default");
                }
            }

            FindRepeatedProperties(e, string.Empty, (where, message) => versionProblem ??= new SnapshotProblem(source, $"{path}.{where}", line, message));
            if (versionProblem is not null)
            {
                document = null;
            }

            var policy = new SnapshotManagedPolicy(String(e, "PolicyName") ?? arn[(arn.LastIndexOf('/') + 1)..], arn, SharedString(e, "Path") ?? "/", document, path, line)
            {
                Problem = versionProblem,
            };
            var content = ContentOf(e, path);
            if (policies.ContainsKey(arn))
            {
                if (Repeats(ref CollectionsMarshal.GetValueRefOrNullRef(policyContents, arn), ref content, line) is not { } repeated)
                {
                    return;
                }

                policy = policy with { DefaultDocument = null, Problem = repeated };
            }

            policies[arn] = policy;
            policyContents[arn] = content;
        }

        /// <summary>Whether the property is a field of the format, decided on its UTF-8 name (every property of every entry comes here).</summary>
        private static bool IsEntityKey(JsonProperty property)
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(property);
            if (name.Length > 64 || name.Contains((byte)'\\') || !System.Text.Ascii.IsValid(name))
            {
                return EntityKeys.Contains(property.Name); // escaped or not ASCII: no field of the format looks like that, but read it exactly
            }

            Span<char> characters = stackalloc char[name.Length];
            System.Text.Ascii.ToUtf16(name, characters, out _);
            return EntityKeysByCharacters.Find(characters) is not null;
        }

        private static readonly StringTable EntityKeysByCharacters = TableOf(EntityKeys);

        private static StringTable TableOf(IEnumerable<string> names)
        {
            var table = new StringTable();
            foreach (var name in names)
            {
                table.Intern(name);
            }

            return table;
        }

        private static string? String(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        /// <summary>
        /// As <see cref="String(JsonElement, string)"/>, for a value that entries repeat (paths, group names, attached
        /// policies, tag keys and values): one string per distinct value. The 1x synthetic account's 6,000 principals have
        /// 30 distinct paths, and strings kept once are objects the garbage collector does not trace and copy thousands of
        /// times.
        /// </summary>
        private string? SharedString(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? shared.Get(value) : null;

        /// <summary>One attachment record per distinct policy name and ARN (thousands of users attach the same few policies).</summary>
        private SnapshotAttachedPolicy Attachment(string name, string arn)
        {
            if (!attachments.TryGetValue((name, arn), out var attachment))
            {
                attachments.Add((name, arn), attachment = new SnapshotAttachedPolicy(name, arn));
            }

            return attachment;
        }

        private string? Document(JsonElement e, string name)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var value))
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.Object => documents.RawText(value),
                JsonValueKind.String => documents.StringText(value),
                _ => null,
            };
        }

        /// <summary>The items of an array field with their indexes: none when it is absent or null, none and a problem when it is not an array.</summary>
        private static IndexedItems Array(JsonElement e, string name, EntryProblems problem)
        {
            if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return default;
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                problem.Add(name, "must be an array");
                return default;
            }

            return new IndexedItems(value.EnumerateArray());
        }

        /// <summary>
        /// The items of a JSON array with their indexes, for foreach. A struct rather than an iterator method, which
        /// allocated for four fields of every entity; default enumerates nothing.
        /// </summary>
        private struct IndexedItems
        {
            private readonly bool any;
            private JsonElement.ArrayEnumerator items;
            private int index;

            public IndexedItems(JsonElement.ArrayEnumerator items)
            {
                this.items = items;
                any = true;
                index = -1;
            }

            public readonly (JsonElement Item, int Index) Current => (items.Current, index);

            public readonly IndexedItems GetEnumerator() => this;

            public bool MoveNext()
            {
                if (!any || !items.MoveNext())
                {
                    return false;
                }

                index++;
                return true;
            }
        }
    }
}

/// <summary>
/// A forward-only JSON reader over a stream that never holds more than the current value in memory. Utf8JsonReader
/// is a ref struct, so it is rebuilt on the buffer for every call from the saved reader state.
/// </summary>
internal sealed class StreamingJsonReader
{
    private readonly Stream stream;
    private readonly string source;
    private readonly IProgress<long>? progress;
    private readonly JsonReaderOptions options = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };
    /// <summary>How a value read whole is parsed (the reader's own limits).</summary>
    public static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };
    private byte[] buffer = new byte[64 * 1024];
    private byte[] compact = new byte[64 * 1024]; // the last value ReadValue read, without whitespace (see CopyValue)
    private JsonWhitespaceFilter whitespace;
    private int start;
    private int end;
    private bool final;
    private JsonReaderState state;
    private long line = 1; // line of buffer[start]
    private long lastReported;

    public StreamingJsonReader(Stream stream, string source, IProgress<long>? progress)
    {
        this.stream = stream;
        this.source = source;
        this.progress = progress;
        state = new JsonReaderState(options);
    }

    public long BytesRead { get; private set; }

    /// <summary>The value of the last property name or string token read by <see cref="Next"/>.</summary>
    public string? LastString { get; private set; }

    /// <summary>Reads the next token; <see cref="JsonTokenType.None"/> at the end of the input.</summary>
    public JsonTokenType Next(string path)
    {
        while (true)
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), final, state);
            try
            {
                if (reader.Read())
                {
                    var type = reader.TokenType;
                    try
                    {
                        LastString = type is JsonTokenType.PropertyName or JsonTokenType.String ? reader.GetString() : null;
                    }
                    catch (InvalidOperationException e)
                    {
                        throw new SnapshotFormatException(source, path, line + buffer.AsSpan(start, (int)reader.TokenStartIndex).Count((byte)'\n'), "a string is not valid UTF-8 or Unicode text: " + e.Message, e);
                    }

                    Advance((int)reader.BytesConsumed, reader.CurrentState);
                    return type;
                }
            }
            catch (JsonException e)
            {
                throw NotJson(path, e);
            }

            if (final)
            {
                return JsonTokenType.None;
            }

            Fill();
        }
    }

    /// <summary>True when the next token is not <paramref name="type"/> (it is not consumed).</summary>
    public bool PeekIsNot(JsonTokenType type, string path)
    {
        while (true)
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), final, state);
            try
            {
                if (reader.Read())
                {
                    return reader.TokenType != type;
                }
            }
            catch (JsonException e)
            {
                throw NotJson(path, e);
            }

            if (final)
            {
                throw Error(path, "the file ends in the middle of the snapshot");
            }

            Fill();
        }
    }

    /// <summary>Reads the next whole value into a document, which the caller disposes before reading on.</summary>
    public JsonDocument ReadValue(string path, out int valueLine)
    {
        // The copy is kept in a buffer kept for the purpose: the caller disposes the document before reading on.
        var length = CopyValue(path, ref compact, 0, out valueLine);
        try
        {
            return JsonDocument.Parse(compact.AsMemory(0, length), DocumentOptions);
        }
        catch (JsonException e)
        {
            throw NotJson(path, e);
        }
    }

    /// <summary>
    /// Reads the next whole value and copies it without whitespace into <paramref name="destination"/> from
    /// <paramref name="offset"/> (the array grows, keeping what it holds, when the value does not fit); returns its length.
    /// </summary>
    public int CopyValue(string path, ref byte[] destination, int offset, out int valueLine)
    {
        while (true)
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), final, state);
            try
            {
                if (reader.Read())
                {
                    var probe = reader;
                    if (probe.TrySkip())
                    {
                        // The value is whole in the buffer, which Fill already rid of the spaces between tokens: the copy
                        // leaves out the line feeds too. The entry's content hash and its parse then do not depend on how
                        // the file breaks it into lines, and a document's token table, sized by the bytes it is given, is
                        // not oversized. The value was read whole just above, so it is valid JSON: without whitespace it is
                        // the same value.
                        var valueStart = (int)reader.TokenStartIndex;
                        valueLine = (int)(line + buffer.AsSpan(start, valueStart).Count((byte)'\n'));
                        var value = buffer.AsSpan(start + valueStart, (int)probe.BytesConsumed - valueStart);
                        if (destination.Length - offset < value.Length)
                        {
                            System.Array.Resize(ref destination, Math.Max(offset + value.Length, destination.Length * 2));
                        }

                        var length = DocumentTexts.WithoutWhitespace(value, destination.AsSpan(offset));
                        Advance((int)probe.BytesConsumed, probe.CurrentState);
                        return length;
                    }
                }
            }
            catch (JsonException e)
            {
                throw NotJson(path, e);
            }

            if (final)
            {
                throw Error(path, "the file ends in the middle of a value");
            }

            Fill();
        }
    }

    public void SkipValue(string path) => ReadValue(path, out _).Dispose();

    public SnapshotFormatException Error(string path, string problem) => new(source, path, line, problem);

    private SnapshotFormatException NotJson(string path, JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        // The reader state carries the line count from the start of the stream across buffer refills, so the
        // exception's (0-based) line is already the file's; adding this reader's own count would count twice.
        return new SnapshotFormatException(source, path, e.LineNumber is { } fileLine ? fileLine + 1 : line, "not valid JSON: " + (cut > 0 ? message[..cut] : message), e);
    }

    /// <summary>
    /// A UTF-8 byte order mark (Windows PowerShell's Set-Content -Encoding UTF8 writes one) is not JSON but says
    /// nothing either: skip it. UTF-16, which Windows PowerShell's `>` writes, is refused with the way out.
    /// </summary>
    private void SkipByteOrderMark()
    {
        var head = buffer.AsSpan(start, end - start);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            start += 3;
        }
        else if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            throw Error("$", "the file is UTF-16 text (as Windows PowerShell's > writes it); JSON snapshots must be UTF-8: convert it with Get-Content <file> | Set-Content -Encoding utf8 <new file>");
        }
    }

    private void Advance(int consumed, JsonReaderState newState)
    {
        line += buffer.AsSpan(start, consumed).Count((byte)'\n');
        start += consumed;
        state = newState;
    }

    private void Fill()
    {
        if (start > 0)
        {
            System.Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        if (end == buffer.Length)
        {
            System.Array.Resize(ref buffer, buffer.Length * 2); // one value larger than the buffer
        }

        var read = stream.Read(buffer, end, buffer.Length - end);
        if (read == 0)
        {
            final = true;
            return;
        }

        var from = end;
        end += read;
        if (BytesRead == 0)
        {
            SkipByteOrderMark();
            from = start;
        }

        // The reader and the parser see the snapshot without the whitespace between tokens (see JsonWhitespaceFilter):
        // exported snapshots are indented, two thirds spaces, which the JSON reader would otherwise step over twice,
        // once to find where each entry ends and once to parse it.
        end = from + whitespace.Filter(buffer.AsSpan(from, end - from));
        BytesRead += read;
        if (progress is not null && BytesRead - lastReported >= 1 << 20)
        {
            lastReported = BytesRead;
            progress.Report(BytesRead);
        }
    }
}
