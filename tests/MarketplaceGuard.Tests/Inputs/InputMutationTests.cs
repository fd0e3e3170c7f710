using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using CsCheck;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Tests.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Policies;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Tests.Inputs;

/// <summary>
/// Keeps issue 9 fixed: input files are read completely or refused. The bundled sample snapshot, its policies, the
/// suppression file and a service control policy are damaged at random (fields dropped, renamed, retyped or
/// duplicated, array entries duplicated, huge or deeply nested values injected, the text truncated), and every
/// outcome must be either one of the engine's designed errors (what the cmdlets turn into ErrorRecords) or an audit
/// in which every user and role entry of the damaged file is still reported: judged, or MG1007. Anything else (an
/// exception of another type, a principal that silently disappears) fails with the case to replay.
/// The budget is fixed and deterministic in CI (MG_FUZZ_ITERATIONS and MG_FUZZ_SEED run a longer one by hand).
/// </summary>
public sealed class InputMutationTests
{
    private static readonly string Examples = Path.Combine(AppContext.BaseDirectory, "Examples");
    private static readonly string SampleSnapshot = File.ReadAllText(Path.Combine(Examples, "sample-account.json"));
    private static readonly string SampleSuppressions = File.ReadAllText(Path.Combine(Examples, "suppressions.json"));
    private static readonly DateOnly Today = new(2026, 11, 27);
    private static readonly Lazy<Account> SampleAccount = new(() => Account.Build(SnapshotLoader.Load(Path.Combine(Examples, "sample-account.json"))));

    private const string ServiceControlPolicy = """
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
          {"Sid": "OnlyProcurementSubscribes", "Effect": "Deny", "Action": ["aws-marketplace:Subscribe", "aws-marketplace:Unsubscribe"], "Resource": "*",
           "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "procurement"}, "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
          {"Effect": "Deny", "NotAction": ["iam:*", "aws-marketplace:View*"], "NotResource": "arn:aws:s3:::${aws:username}/*",
           "Condition": {"ForAnyValue:StringLike": {"aws:CalledVia": ["cloudformation.*"]}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
        ]}
        """;

    /// <summary>The undamaged sample has one principal that cannot be judged (olga: a policy that is not in the snapshot).</summary>
    private const int BaselineUnjudged = 1;

    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("MG_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : 300;

    private static ulong Seed => ulong.TryParse(Environment.GetEnvironmentVariable("MG_FUZZ_SEED"), out var s) ? s : 20261130;

    private enum Damage
    {
        Drop,
        Rename,
        Retype,
        Duplicate,
        DuplicateDifferently,
        Huge,
        Deep,
        Truncate,
    }

    /// <summary>One damage: what, where (an index into the nodes, taken modulo their count), and a variant.</summary>
    private sealed record Mutation(Damage Damage, int Target, int Variant, bool NearTheTop)
    {
        public override string ToString() => $"{Damage}@{Target}/{Variant}{(NearTheTop ? " (near the top)" : string.Empty)}";
    }

    private static readonly Gen<Mutation[]> Mutations =
        Gen.Select(Gen.Enum<Damage>(), Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Bool, (d, t, v, top) => new Mutation(d, t, v, top)).Array[1, 3];

    [Fact]
    public void ADamagedSnapshotIsRefusedOrEveryEntryIsReported() =>
        Run(1, json => CheckSnapshot(Encoding.UTF8.GetBytes(Mutate(SampleSnapshot, json))));

    /// <summary>Damage below JSON: bytes overwritten with anything (invalid UTF-8, NUL, a byte order mark, quotes).</summary>
    [Fact]
    public void ASnapshotDamagedByteByByteIsRefusedOrEveryEntryIsReported()
    {
        var original = Encoding.UTF8.GetBytes(SampleSnapshot);
        Run(5, mutations =>
        {
            var bytes = (byte[])original.Clone();
            foreach (var mutation in mutations)
            {
                ReadOnlySpan<byte> replacement = (mutation.Variant % 6) switch
                {
                    0 => [0xEF, 0xBB, 0xBF],
                    1 => [0xFF, 0xFE],
                    2 => [0xC3],
                    3 => [0x00],
                    4 => "\""u8,
                    _ => [(byte)(mutation.Variant >> 8)],
                };
                var at = mutation.NearTheTop ? mutation.Target % 8 : mutation.Target % bytes.Length;
                replacement[..Math.Min(replacement.Length, bytes.Length - at)].CopyTo(bytes.AsSpan(at));
            }

            return CheckSnapshot(bytes);
        });
    }

    [Fact]
    public void ADamagedSuppressionFileIsRefusedOrApplied() =>
        Run(2, json => CheckSuppressions(Mutate(SampleSuppressions, json)));

    [Fact]
    public void ADamagedServiceControlPolicyIsRefusedBeforeTheAuditOrApplied() =>
        Run(3, json => CheckServiceControlPolicy(Mutate(ServiceControlPolicy, json)));

    [Fact]
    public void ADamagedPolicyIsRefusedOrEvaluated()
    {
        var documents = PolicyTemplateCatalog.All.Select(t => t.Document)
            .Concat(Account.Build(SnapshotLoader.Load(Path.Combine(Examples, "sample-account.json"))).Snapshot.Policies.Values.Select(p => PolicyParser.DecodeIfUrlEncoded(p.DefaultDocument!)))
            .ToArray();
        Run(4, (mutations, index) => CheckPolicy(Mutate(documents[index % documents.Length], mutations)));
    }

    /// <summary>The mutation itself must do something: most cases change the input (else the suite tests nothing).</summary>
    [Fact]
    public void MutationsChangeTheInputAndReachEveryOutcome()
    {
        Assert.Equal("audited", CheckSnapshot(Encoding.UTF8.GetBytes(SampleSnapshot)));
        var outcomes = new Dictionary<string, int>();
        var pcg = new PCG(1, Seed);
        for (var i = 0; i < 200; i++)
        {
            var mutations = Mutations.Generate(pcg, null, out _);
            var text = Mutate(SampleSnapshot, mutations);
            var outcome = text == SampleSnapshot ? "unchanged" : CheckSnapshot(Encoding.UTF8.GetBytes(text));
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.True(outcomes.GetValueOrDefault("unchanged") < 20, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault("refused") > 10, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault("audited") > 10, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault("audited, more principals cannot be judged") > 10, string.Join(", ", outcomes));
    }

    private static void Run(uint stream, Func<Mutation[], string> check) => Run(stream, (mutations, _) => check(mutations));

    /// <summary>Runs the budget with CsCheck's generator on a fixed seed, so that a failure names a case that replays.</summary>
    private static void Run(uint stream, Func<Mutation[], int, string> check)
    {
        var pcg = new PCG(stream, Seed);
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < Iterations; i++)
        {
            var mutations = Mutations.Generate(pcg, null, out _);
            string outcome;
            try
            {
                outcome = check(mutations, i);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException(
                    $"Case {i} (MG_FUZZ_SEED={Seed}, stream {stream}): {string.Join(", ", mutations.Select(m => m.ToString()))}: {e}");
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if ((i + 1) % 10_000 == 0)
            {
                Console.WriteLine($"stream {stream}: {i + 1} cases so far, no failure");
            }
        }

        Console.WriteLine($"{Iterations} cases, stream {stream}, seed {Seed}: {string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}");
    }

    // ---- Oracles -------------------------------------------------------------------------------------------------

    private static string CheckSnapshot(byte[] utf8)
    {
        AuthorizationSnapshot snapshot;
        try
        {
            snapshot = SnapshotReads.Load(utf8, "mutated.json"); // both ways of reading agree (see SnapshotReads)
        }
        catch (SnapshotFormatException)
        {
            return "refused";
        }

        // Test-MarketplaceLeastPrivilege refuses an incomplete snapshot unless -AllowIncomplete; audit it as that would.
        var account = Account.Build(snapshot);
        var procurement = account.Resolve(["Procurement"], out _);
        var viewers = account.Resolve(["Billing"], out _);
        var suppressions = SuppressionFile.Parse(SampleSuppressions, "suppressions.json");
        var run = new LeastPrivilegeAudit().Run(account, procurement, viewers, suppressions, Today);

        Assert.Equal(account.Principals.Count * Capabilities.All.Count, run.Matrix.Count);
        var unjudged = run.Findings.Where(f => f.RuleId == AuditRules.CannotBeJudged.Id).Select(f => f.Principal).ToHashSet();
        foreach (var principal in account.Principals)
        {
            Assert.True(principal.CanBeJudged || unjudged.Contains(principal.DisplayName), $"{principal.DisplayName} cannot be judged but has no MG1007");
        }

        // Every user and role entry of the file is a principal of the audit: at its own place, or (an exact
        // repetition) represented by an identical entry, or named by a principal that cannot be judged.
        using var document = JsonDocument.Parse(utf8.AsMemory(utf8.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0), new JsonDocumentOptions { MaxDepth = 64 });
        var byPath = account.Principals.Select(p => p.Source.JsonPath).ToHashSet(StringComparer.Ordinal);
        foreach (var (path, entry, type) in Entries(document.RootElement))
        {
            if (byPath.Contains(path))
            {
                continue;
            }

            var raw = entry.GetRawText();
            var represented = account.Principals.Any(p => p.Type == type && (
                Raw(document.RootElement, p.Source.JsonPath) == raw
                || (!p.CanBeJudged && p.Problems.Any(problem => problem.Contains(path + ",", StringComparison.Ordinal) || problem.Contains(path + ")", StringComparison.Ordinal)))));
            Assert.True(represented, $"the entry at {path} is not reported: {Shorten(raw)}");
        }

        return unjudged.Count > BaselineUnjudged ? "audited, more principals cannot be judged" : "audited";
    }

    private static string CheckSuppressions(string text)
    {
        IReadOnlyList<Suppression> suppressions;
        try
        {
            suppressions = SuppressionFile.Parse(text, "suppressions.json");
        }
        catch (SuppressionFileException)
        {
            return "refused";
        }

        var account = SampleAccount.Value;
        var run = new LeastPrivilegeAudit().Run(account, account.Resolve(["Procurement"], out _), account.Resolve(["Billing"], out _), suppressions, Today);
        Assert.NotEmpty(run.Findings);
        return "applied";
    }

    private static string CheckServiceControlPolicy(string text)
    {
        // The cmdlet validates each -ServiceControlPolicyPath file with the parser before it reads the account.
        var valid = PolicyParser.TryParse(text, PolicyParseOptions.Default.WithSource("scp.json"), out _, out var errors);
        var snapshot = SampleAccount.Value.Snapshot;
        if (!valid)
        {
            Assert.NotEmpty(errors);
            Assert.Throws<PolicyValidationException>(() => Account.Build(snapshot, [("scp", text)]));
            return "refused";
        }

        var account = Account.Build(snapshot, [("scp", text)]);
        var run = new LeastPrivilegeAudit().Run(account, account.Resolve(["Procurement"], out _), account.Resolve(["Billing"], out _), [], Today);
        Assert.Equal(account.Principals.Count * Capabilities.All.Count, run.Matrix.Count);
        Assert.All(account.Principals.Where(p => p.CanBeJudged), p => Assert.Empty(p.Problems));
        return "applied";
    }

    private static string CheckPolicy(string text)
    {
        PolicyDocument document;
        try
        {
            document = PolicyParser.Parse(text, PolicyParseOptions.Default.WithSource("policy.json"));
        }
        catch (PolicyValidationException e)
        {
            Assert.NotEmpty(e.Errors);
            return "refused";
        }

        var policies = new PolicySet([new NamedPolicy("policy", PolicyCompiler.Compile(document))]);
        var context = RequestContext.Audit(PrincipalContextKeys.FromArn("arn:aws:iam::111122223333:user/alice"));
        foreach (var action in new[] { "aws-marketplace:Subscribe", "aws-marketplace:ViewSubscriptions", "ec2:RunInstances", "s3:GetObject" })
        {
            PolicyEvaluator.Default.Explain(policies, action, "*", RequestContext.Empty);
            PolicyEvaluator.Default.Audit(policies, action, "*", context);
        }

        return "evaluated";
    }

    private static IEnumerable<(string Path, JsonElement Entry, PrincipalType Type)> Entries(JsonElement root)
    {
        var pages = root.ValueKind == JsonValueKind.Array
            ? root.EnumerateArray().Select((page, i) => (Page: page, Path: $"$[{i}]"))
            : [(root, "$")];
        foreach (var (page, pagePath) in pages)
        {
            foreach (var (list, type) in new[] { ("UserDetailList", PrincipalType.User), ("RoleDetailList", PrincipalType.Role) })
            {
                // A page may name a list twice; the reader reads both, in order.
                var occurrences = page.ValueKind == JsonValueKind.Object ? page.EnumerateObject().Where(p => p.Name == list && p.Value.ValueKind == JsonValueKind.Array) : [];
                foreach (var occurrence in occurrences)
                {
                    var i = 0;
                    foreach (var entry in occurrence.Value.EnumerateArray())
                    {
                        yield return ($"{pagePath}.{list}[{i++}]", entry, type);
                    }
                }
            }
        }
    }

    /// <summary>The raw JSON at a path such as $[1].UserDetailList[3] (the first property of that name), or null.</summary>
    private static string? Raw(JsonElement root, string path)
    {
        var current = root;
        foreach (var part in path[1..].Split('.', StringSplitOptions.RemoveEmptyEntries).SelectMany(Steps))
        {
            if (part.StartsWith('['))
            {
                var index = int.Parse(part[1..^1], CultureInfo.InvariantCulture);
                if (current.ValueKind != JsonValueKind.Array || index >= current.GetArrayLength())
                {
                    return null;
                }

                current = current[index];
            }
            else if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
            {
                return null;
            }
        }

        return current.GetRawText();

        static IEnumerable<string> Steps(string segment)
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            if (bracket != 0)
            {
                yield return bracket < 0 ? segment : segment[..bracket];
            }

            for (var i = bracket; i >= 0; i = segment.IndexOf('[', i + 1))
            {
                yield return segment[i..(segment.IndexOf(']', i) + 1)];
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    // ---- Mutation ------------------------------------------------------------------------------------------------

    /// <summary>Applies the mutations to a JSON text, writing the tree again (so that duplicate properties can exist).</summary>
    private static string Mutate(string json, Mutation[] mutations)
    {
        using var original = JsonDocument.Parse(json);
        var tree = Node.From(original.RootElement, 0);
        var truncate = -1;
        foreach (var mutation in mutations)
        {
            if (mutation.Damage == Damage.Truncate)
            {
                truncate = mutation.Variant;
                continue;
            }

            var nodes = tree.All().Where(n => !mutation.NearTheTop || n.Depth <= 4).ToList();
            Apply(tree, nodes[mutation.Target % nodes.Count], mutation);
        }

        var text = tree.ToJson();
        return truncate < 0 ? text : text[..(truncate % (text.Length + 1))];
    }

    private static void Apply(Node root, Node node, Mutation mutation)
    {
        var variant = mutation.Variant;
        switch (mutation.Damage)
        {
            case Damage.Drop when node.Parent is { } parent:
                parent.Children.Remove(node);
                break;
            case Damage.Rename when node.Name is not null:
                node.Name = (variant % 4) switch
                {
                    0 => node.Name.ToLowerInvariant(),
                    1 => node.Name + "s",
                    2 => node.Name + "\ud800", // written as the escape \ud800: not valid Unicode
                    _ => string.Empty,
                };
                break;
            case Damage.Retype:
                node.Replace(OtherKind(node, variant));
                break;
            case Damage.Duplicate when node.Parent is { } parent:
                parent.Children.Insert(parent.Children.IndexOf(node) + 1, node.Clone(parent));
                break;
            case Damage.DuplicateDifferently when node.Parent is { } parent:
                var copy = node.Clone(parent);
                copy.Replace(OtherKind(node, variant));
                parent.Children.Insert(parent.Children.IndexOf(node) + 1 - (variant % 2), copy);
                break;
            case Damage.Huge:
                node.Replace((variant % 4) switch
                {
                    0 => Node.Scalar("\"" + new string('A', 1 << (10 + (variant % 11))) + "\""),
                    1 => Node.Scalar((variant % 2 == 0 ? "-" : string.Empty) + "1e400"),
                    2 => Node.Scalar("\"" + string.Concat(Enumerable.Repeat("\\u00e9\\ud83d\\ude00", 1 << (variant % 13))) + "\""),
                    // Many copies, a few megabytes at most (copies of copies would grow without bound).
                    _ => Node.Array(Enumerable.Range(0, Math.Min(1 << (variant % 14), Math.Max(1, (4 << 20) / (node.ToJson().Length + 1)))).Select(_ => node.Clone(null)).ToList()),
                });
                break;
            case Damage.Deep:
                var depth = 60 + (variant % 80);
                node.Replace(Node.Scalar(new string('[', depth) + "1" + new string(']', depth)));
                break;
            default:
                // Nothing to drop or rename at the root: damage it by retyping instead.
                root.Replace(OtherKind(root, variant));
                break;
        }
    }

    private static Node OtherKind(Node node, int variant)
    {
        string[] values = ["null", "0", "-1", "1.5", "\"\"", "\"text\"", "true", "false", "{}", "[]", "[null]", "{\"\":null}", "\"\\udc00 lone surrogate\""];
        var candidates = values.Where(v => v != node.Json).ToArray();
        var value = candidates[variant % candidates.Length];
        return value switch
        {
            "{}" => Node.Object([]),
            "[]" => Node.Array([]),
            _ => Node.Scalar(value),
        };
    }

    /// <summary>A mutable JSON tree that may hold duplicate property names.</summary>
    private sealed class Node
    {
        private Node(JsonValueKind kind, string? json, List<Node> children)
        {
            Kind = kind;
            Json = json;
            Children = children;
        }

        public JsonValueKind Kind { get; private set; }

        /// <summary>The raw JSON of a scalar.</summary>
        public string? Json { get; private set; }

        public List<Node> Children { get; private set; }

        public Node? Parent { get; private set; }

        /// <summary>The property name, when the parent is an object.</summary>
        public string? Name { get; set; }

        public int Depth { get; private set; }

        public static Node Scalar(string json) => new(JsonValueKind.String, json, []);

        public static Node Object(List<Node> children) => new(JsonValueKind.Object, null, children);

        public static Node Array(List<Node> children) => new(JsonValueKind.Array, null, children);

        public static Node From(JsonElement e, int depth)
        {
            var node = e.ValueKind switch
            {
                JsonValueKind.Object => Object(e.EnumerateObject().Select(p => Named(From(p.Value, depth + 1), p.Name)).ToList()),
                JsonValueKind.Array => Array(e.EnumerateArray().Select(item => From(item, depth + 1)).ToList()),
                _ => Scalar(e.GetRawText()),
            };
            node.Depth = depth;
            foreach (var child in node.Children)
            {
                child.Parent = node;
            }

            return node;
        }

        public IEnumerable<Node> All() => new[] { this }.Concat(Children.SelectMany(c => c.All()));

        /// <summary>Takes the other node's content in place (keeping this node's name and parent).</summary>
        public void Replace(Node other)
        {
            Kind = other.Kind;
            Json = other.Json;
            Children = other.Children;
            foreach (var child in Children)
            {
                child.Parent = this;
                if (Kind == JsonValueKind.Array)
                {
                    child.Name = null;
                }
            }
        }

        public Node Clone(Node? parent)
        {
            var clone = new Node(Kind, Json, []) { Name = Name, Parent = parent, Depth = Depth };
            clone.Children = Children.Select(c => c.Clone(clone)).ToList();
            return clone;
        }

        public string ToJson()
        {
            var text = new StringBuilder();
            Write(text);
            return text.ToString();
        }

        private static Node Named(Node node, string name)
        {
            node.Name = name;
            return node;
        }

        private void Write(StringBuilder text)
        {
            switch (Kind)
            {
                case JsonValueKind.Object:
                    text.Append('{');
                    for (var i = 0; i < Children.Count; i++)
                    {
                        text.Append(i == 0 ? "\n" : ",\n").Append(JsonSerializer.Serialize(Children[i].Name ?? string.Empty)).Append(": ");
                        Children[i].Write(text);
                    }

                    text.Append('}');
                    break;
                case JsonValueKind.Array:
                    text.Append('[');
                    for (var i = 0; i < Children.Count; i++)
                    {
                        text.Append(i == 0 ? "\n" : ",\n");
                        Children[i].Write(text);
                    }

                    text.Append(']');
                    break;
                default:
                    text.Append(Json);
                    break;
            }
        }
    }
}
