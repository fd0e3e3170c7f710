using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace MarketplaceGuard.Engine.Accounts;

/// <summary>
/// Reads the JSON of `aws iam get-account-authorization-details` (one page object, or an array of pages, which are
/// merged) as a stream: only one user, group, role or policy entry is in memory as JSON at a time, so a file of
/// hundreds of megabytes needs little more memory than the model it becomes. Policy documents may be JSON objects or
/// URL-encoded strings. A malformed entry is recorded as a problem and the rest is read; only a file that is not
/// JSON, or not this shape, stops the load.
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
        new SnapshotReader(new StreamingJsonReader(stream, source, bytesRead), source, isFile).Read();

    private sealed class SnapshotReader
    {
        private readonly StreamingJsonReader json;
        private readonly string source;
        private readonly Dictionary<string, SnapshotEntity> users = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, SnapshotEntity> groups = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, SnapshotEntity> roles = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, SnapshotManagedPolicy> policies = new(StringComparer.Ordinal);
        private readonly List<SnapshotProblem> problems = [];

        private readonly bool isFile;

        public SnapshotReader(StreamingJsonReader json, string source, bool isFile)
        {
            this.json = json;
            this.source = source;
            this.isFile = isFile;
        }

        public AuthorizationSnapshot Read()
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

            return new AuthorizationSnapshot(source, [.. users.Values], [.. groups.Values], [.. roles.Values], policies, problems, json.BytesRead);
        }

        private void ReadPage(string pagePath)
        {
            while (true)
            {
                var token = json.Next(pagePath);
                if (token == JsonTokenType.EndObject)
                {
                    return;
                }

                var name = json.LastString!;
                var path = pagePath + "." + name;
                Action<JsonElement, string, int>? readEntry = name switch
                {
                    "UserDetailList" => (e, p, l) => Add(users, ReadEntity(e, p, l, "UserName", "UserPolicyList")),
                    "GroupDetailList" => (e, p, l) => Add(groups, ReadEntity(e, p, l, "GroupName", "GroupPolicyList")),
                    "RoleDetailList" => (e, p, l) => Add(roles, ReadEntity(e, p, l, "RoleName", "RolePolicyList")),
                    "Policies" => ReadManagedPolicy,
                    _ => null,
                };

                if (readEntry is null)
                {
                    json.SkipValue(path); // IsTruncated, Marker and anything newer
                    continue;
                }

                if (json.Next(path) != JsonTokenType.StartArray)
                {
                    throw json.Error(path, "must be an array");
                }

                for (var i = 0; json.PeekIsNot(JsonTokenType.EndArray, path); i++)
                {
                    var entryPath = $"{path}[{i}]";
                    using var entry = json.ReadValue(entryPath, out var fileLine);
                    var line = isFile ? fileLine : 0;
                    if (entry.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        problems.Add(new SnapshotProblem(source, entryPath, line, "must be a JSON object"));
                        continue;
                    }

                    readEntry(entry.RootElement, entryPath, line);
                }

                json.Next(path);
            }
        }

        private static void Add(Dictionary<string, SnapshotEntity> into, SnapshotEntity? entity)
        {
            if (entity is not null)
            {
                into[entity.Name] = entity; // a later page repeating an entity replaces it
            }
        }

        private SnapshotEntity? ReadEntity(JsonElement e, string path, int line, string nameField, string inlineField)
        {
            var name = String(e, nameField);
            var arn = String(e, "Arn");
            if (name is null || arn is null)
            {
                problems.Add(new SnapshotProblem(source, path, line, $"the entry has no {(name is null ? nameField : "Arn")}; it cannot be audited"));
                return null;
            }

            var entity = new SnapshotEntity(name, arn, String(e, "Path") ?? "/", path, line);
            void Problem(string where, string message) => entity.Problems.Add(new SnapshotProblem(source, $"{path}.{where}", line, message));

            foreach (var (item, i) in Array(e, inlineField, Problem))
            {
                var policyName = String(item, "PolicyName");
                var document = Document(item, "PolicyDocument");
                if (policyName is null || document is null)
                {
                    Problem($"{inlineField}[{i}]", "an inline policy needs PolicyName and PolicyDocument (a JSON object or a URL-encoded string)");
                    continue;
                }

                entity.InlinePolicies.Add(new SnapshotInlinePolicy(policyName, document, $"{path}.{inlineField}[{i}].PolicyDocument"));
            }

            foreach (var (item, i) in Array(e, "AttachedManagedPolicies", Problem))
            {
                var policyArn = String(item, "PolicyArn");
                if (policyArn is null)
                {
                    Problem($"AttachedManagedPolicies[{i}]", "an attached policy needs PolicyArn");
                    continue;
                }

                entity.AttachedPolicies.Add(new SnapshotAttachedPolicy(String(item, "PolicyName") ?? policyArn[(policyArn.LastIndexOf('/') + 1)..], policyArn));
            }

            foreach (var (item, i) in Array(e, "GroupList", Problem))
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    entity.GroupNames.Add(item.GetString()!);
                }
                else
                {
                    Problem($"GroupList[{i}]", "a group name must be a string");
                }
            }

            foreach (var (item, _) in Array(e, "Tags", Problem))
            {
                if (String(item, "Key") is { } key)
                {
                    entity.Tags[key] = String(item, "Value") ?? string.Empty;
                }
            }

            if (e.TryGetProperty("PermissionsBoundary", out var boundary) && boundary.ValueKind == JsonValueKind.Object)
            {
                entity.PermissionsBoundaryArn = String(boundary, "PermissionsBoundaryArn");
                if (entity.PermissionsBoundaryArn is null)
                {
                    Problem("PermissionsBoundary", "a permissions boundary needs PermissionsBoundaryArn");
                }
            }

            return entity;
        }

        private void ReadManagedPolicy(JsonElement e, string path, int line)
        {
            var arn = String(e, "Arn");
            if (arn is null)
            {
                problems.Add(new SnapshotProblem(source, path, line, "the policy has no Arn; principals attached to it cannot be judged"));
                return;
            }

            var name = String(e, "PolicyName") ?? arn[(arn.LastIndexOf('/') + 1)..];
            var defaultVersion = String(e, "DefaultVersionId");
            string? document = null;
            SnapshotProblem? problem = null;
            var versions = 0;
            if (e.TryGetProperty("PolicyVersionList", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var version in list.EnumerateArray())
                {
                    versions++;
                    var isDefault = version.ValueKind == JsonValueKind.Object
                        && ((version.TryGetProperty("IsDefaultVersion", out var flag) && flag.ValueKind == JsonValueKind.True)
                            || (defaultVersion is not null && String(version, "VersionId") == defaultVersion));
                    if (isDefault)
                    {
                        document = Document(version, "Document");
                        if (document is null)
                        {
                            problem = new SnapshotProblem(source, $"{path}.PolicyVersionList[{i}].Document", line, "the default version's document must be a JSON object or a URL-encoded string");
                        }

                        break;
                    }

                    i++;
                }
            }

            if (document is null && problem is null && versions > 0)
            {
                problem = new SnapshotProblem(source, $"{path}.PolicyVersionList", line, "no version is marked as the default");
            }

            policies[arn] = new SnapshotManagedPolicy(name, arn, String(e, "Path") ?? "/", document, path, line) { Problem = problem };
        }

        private static string? String(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static string? Document(JsonElement e, string name)
        {
            if (!e.TryGetProperty(name, out var value))
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.Object => value.GetRawText(),
                JsonValueKind.String => value.GetString(),
                _ => null,
            };
        }

        private static IEnumerable<(JsonElement Item, int Index)> Array(JsonElement e, string name, Action<string, string> problem)
        {
            if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                yield break;
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                problem(name, "must be an array");
                yield break;
            }

            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                yield return (item, i++);
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
    private byte[] buffer = new byte[64 * 1024];
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
                    LastString = type is JsonTokenType.PropertyName or JsonTokenType.String ? reader.GetString() : null;
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

    /// <summary>Reads the next whole value into a document (the caller disposes it).</summary>
    public JsonDocument ReadValue(string path, out int valueLine)
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
                        valueLine = (int)(line + buffer.AsSpan(start, (int)reader.TokenStartIndex).Count((byte)'\n'));
                        var document = JsonDocument.ParseValue(ref reader);
                        Advance((int)reader.BytesConsumed, reader.CurrentState);
                        return document;
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
        return new SnapshotFormatException(source, path, line + (e.LineNumber ?? 0), "not valid JSON: " + (cut > 0 ? message[..cut] : message), e);
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

        end += read;
        BytesRead += read;
        if (progress is not null && BytesRead - lastReported >= 1 << 20)
        {
            lastReported = BytesRead;
            progress.Report(BytesRead);
        }
    }
}
