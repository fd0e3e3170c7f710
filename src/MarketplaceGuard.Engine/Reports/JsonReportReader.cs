using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Organizations;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Reports;

/// <summary>
/// Reads MarketplaceGuard's JSON reports (<see cref="ReportFormat.Json"/>) back into audit runs with their findings
/// and organization scope, so that audits made by separate jobs or machines (shards of one organization) are joined
/// into one report (<see cref="Combine"/>). A run read back is like one restored from PowerShell serialization: its
/// summary and findings, no account model and no who-can matrix.
/// </summary>
/// <remarks>
/// Reading is strict about what it uses and fails closed: a member missing or of the wrong type, a finding whose rule id
/// this module does not know, a count that disagrees with the findings listed (a finding cut out of the file) are a
/// <see cref="ReportFileException"/> naming the file and JSON path, so a damaged report never reads as an audit with
/// fewer findings. What a report derives from its findings (the summaries, fix plan and matrix) is not read: the
/// writers compute it again.
/// </remarks>
public static class JsonReportReader
{
    /// <summary>Reads one report file. Throws <see cref="ReportFileException"/> for a file that is not a readable report, and I/O exceptions.</summary>
    public static ReportFile Read(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Reads a report from its UTF-8 bytes; <paramref name="source"/> names it in errors and in the result.</summary>
    public static ReportFile Parse(ReadOnlySpan<byte> utf8, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var content = (utf8.StartsWith("\uFEFF"u8) ? utf8[3..] : utf8).Trim(" \t\r\n"u8);
        if (content.IsEmpty)
        {
            throw new ReportFileException(source, "$", "the file is empty", ReportFileProblem.Invalid);
        }

        // Text first: the parser's check for repeated names reads every name as text, and a name that is not (an escaped
        // half of a surrogate pair) would fail it with an error that names neither the file nor the problem. JSON that
        // does not parse is left to the parser, which says where.
        if (JsonText.FindInvalidString(content) is { } invalid)
        {
            throw new ReportFileException(source, "$", invalid, ReportFileProblem.Invalid);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content.ToArray(), new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new ReportFileException(source, e.Path ?? "$", NotJson(e, content), ReportFileProblem.Invalid, e);
        }

        using (document)
        {
            return new Reader(source).Report(document.RootElement);
        }
    }

    /// <summary>
    /// The audits of several report files as one: a run given twice (the same run id: the same file twice, or a whole
    /// report with one of its shards) is taken once, from the first file that holds it; the scopes of one organization
    /// id are merged (<see cref="OrganizationScope.Merge"/>) and every run of them refers to the merged scope, so that a
    /// report of their findings covers every account of every shard. Scopes whose organization was not read (no
    /// organization id) cannot be told apart from other organizations': they are merged only when they share a run.
    /// </summary>
    public static CombinedReports Combine(IReadOnlyList<ReportFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var groups = new List<List<OrganizationScope>>();
        foreach (var scope in files.Select(f => f.Organization).OfType<OrganizationScope>())
        {
            var runIds = scope.Runs.Select(r => r.Id).ToHashSet();
            var same = groups.FirstOrDefault(g => scope.OrganizationId is not null
                ? g[0].OrganizationId == scope.OrganizationId
                : g[0].OrganizationId is null && g.Any(s => s.Runs.Any(r => runIds.Contains(r.Id))));
            if (same is null)
            {
                groups.Add([scope]);
            }
            else
            {
                same.Add(scope);
            }
        }

        var organizations = new List<OrganizationScope>();
        foreach (var group in groups)
        {
            var merged = group.Count == 1 ? group[0] : OrganizationScope.Merge(group);
            foreach (var run in merged.Runs)
            {
                run.SetOrganizationContext(run.AccountName, run.OrganizationPath, merged, run.ServiceControlPolicies);
            }

            organizations.Add(merged);
        }

        // The runs of the organizations first: a run read in a scope and outside one is the scope's.
        var runs = new Dictionary<Guid, AuditRun>();
        foreach (var run in organizations.SelectMany(o => o.Runs).Concat(files.SelectMany(f => f.Runs).Where(r => r.Organization is null)))
        {
            runs.TryAdd(run.Id, run);
        }

        var position = files.SelectMany(f => f.Runs).Select((r, i) => (r.Id, i)).GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.Min(p => p.i));
        return new CombinedReports(
            organizations,
            runs.Values.OrderBy(r => r.AccountId ?? string.Empty, StringComparer.Ordinal).ThenBy(r => position[r.Id]).ToList());
    }

    /// <summary>What the JSON parser's complaint means for a report file; a file that stops mid-way is said to be truncated.</summary>
    private static string NotJson(JsonException e, ReadOnlySpan<byte> content)
    {
        var line = (e.LineNumber ?? 0) + 1;
        return IsBeginningOfJson(content)
            ? string.Create(CultureInfo.InvariantCulture, $"the file ends before its JSON does (line {line}): it is truncated, perhaps by an interrupted copy or write; write or copy it again")
            : string.Create(CultureInfo.InvariantCulture, $"not valid JSON (line {line}): {e.Message}");
    }

    /// <summary>
    /// True when nothing is wrong with the text but that it stops: read as the first part of a longer document, every
    /// token is valid, the document is not complete, and the reader only asks for more.
    /// </summary>
    private static bool IsBeginningOfJson(ReadOnlySpan<byte> content)
    {
        var reader = new Utf8JsonReader(content, isFinalBlock: false, state: default);
        try
        {
            var complete = false;
            while (reader.Read())
            {
                complete = reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName);
            }

            return !complete;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A strict reader of one report.</summary>
    private sealed class Reader
    {
        private readonly string file;

        public Reader(string file)
        {
            this.file = file;
        }

        public ReportFile Report(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error("$", $"is {JsonText.Describe(root)}: this is not a MarketplaceGuard JSON report", ReportFileProblem.NotAReport);
            }

            if (!root.TryGetProperty("tool", out var tool) || tool.ValueKind != JsonValueKind.String || tool.GetString() != Reports.Report.ToolName)
            {
                throw Error("$.tool", $"is not \"{Reports.Report.ToolName}\": this is not a MarketplaceGuard JSON report{Hint(root)}", ReportFileProblem.NotAReport);
            }

            if (!root.TryGetProperty("formatVersion", out var version))
            {
                throw Error("$.formatVersion", $"is missing: the report was written by a MarketplaceGuard older than report format {JsonReportWriter.FormatVersion}, whose reports cannot be read back; audit again, or write the report again with this module", ReportFileProblem.UnsupportedVersion);
            }

            if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number) || number != JsonReportWriter.FormatVersion)
            {
                throw Error("$.formatVersion", $"is {version.GetRawText()}; this module reads report format {JsonReportWriter.FormatVersion} (a newer MarketplaceGuard wrote it? read it with that version)", ReportFileProblem.UnsupportedVersion);
            }

            var scope = Member(root, "$", "organization").ValueKind == JsonValueKind.Null ? null : Organization(root.GetProperty("organization"));
            var audits = Array(root, "$", "audits");
            if (audits.Count == 0 && scope is null)
            {
                throw Error("$.audits", "holds no audit, and no organization audit: a report is always written from one");
            }

            var runs = audits.Select((a, i) => Run(a, $"$.audits[{i}]", scope)).ToList();
            var twice = runs.GroupBy(r => r.Id).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null)
            {
                throw Error("$.audits", $"holds the run {twice.Key} twice");
            }

            return new ReportFile(file, runs, scope);
        }

        private OrganizationScope Organization(JsonElement element)
        {
            const string path = "$.organization";
            Object(element, path);
            var scope = new OrganizationScope(
                OptionalString(element, path, "id"),
                OptionalString(element, path, "managementAccountId"),
                Boolean(element, path, "serviceControlPoliciesRead"),
                OptionalString(element, path, "notReadReason"),
                Count(element, path, "accountsRequested"));
            var unaudited = Array(element, path, "unaudited");
            for (var i = 0; i < unaudited.Count; i++)
            {
                var at = $"{path}.unaudited[{i}]";
                Object(unaudited[i], at);
                scope.AddUnaudited(new UnauditedAccount(String(unaudited[i], at, "accountId"), OptionalString(unaudited[i], at, "accountName"), String(unaudited[i], at, "reason")));
            }

            return scope;
        }

        private AuditRun Run(JsonElement element, string path, OrganizationScope? scope)
        {
            Object(element, path);
            var runIdText = String(element, path, "runId");
            if (!Guid.TryParseExact(runIdText, "D", out var runId))
            {
                throw Error(path + ".runId", $"\"{runIdText}\" is not a run id (a GUID)");
            }

            var startedText = String(element, path, "startedAt");
            if (!DateTime.TryParse(startedText, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var startedAt))
            {
                throw Error(path + ".startedAt", $"\"{startedText}\" is not a date and time");
            }

            var (declaredProcurement, procurement) = Principals(element, path, "procurementPrincipals");
            var (declaredViewers, viewers) = Principals(element, path, "viewerPrincipals");
            var (declaredLaunchers, launchers) = Principals(element, path, "launcherPrincipals");
            var (declaredGovernance, governance) = Principals(element, path, "governancePrincipals");
            var summary = Member(element, path, "summary");
            Object(summary, path + ".summary");
            var expired = Array(element, path, "expiredSuppressions").Select((e, i) => ExpiredSuppression(e, $"{path}.expiredSuppressions[{i}]")).ToList();
            var run = AuditRun.Restore(
                runId,
                OptionalString(element, path, "accountId"),
                String(element, path, "source"),
                startedAt,
                new AuditDeclaration(declaredProcurement, declaredViewers, OptionalString(element, path, "suppressionFile"), declaredLaunchers, declaredGovernance),
                procurement,
                viewers,
                Count(summary, path + ".summary", "principals"),
                expired,
                Boolean(element, path, "incomplete"),
                launchers,
                governance);

            var inOrganization = Boolean(element, path, "inOrganization");
            if (inOrganization && scope is null)
            {
                throw Error(path + ".inOrganization", "is true, but the report has no organization");
            }

            run.SetOrganizationContext(
                OptionalString(element, path, "accountName"),
                OptionalString(element, path, "organizationPath"),
                inOrganization ? scope : null,
                ServiceControlPolicies(Member(element, path, "serviceControlPolicies"), path + ".serviceControlPolicies"));
            if (inOrganization)
            {
                scope!.AddRun(run);
            }

            var findings = Array(element, path, "findings");
            for (var i = 0; i < findings.Count; i++)
            {
                Finding(findings[i], $"{path}.findings[{i}]", run);
            }

            var listed = Count(summary, path + ".summary", "findings");
            if (listed != findings.Count)
            {
                throw Error(path + ".summary.findings", string.Create(CultureInfo.InvariantCulture, $"says {listed} findings, but {findings.Count} are listed: the file was cut or edited"));
            }

            return run;
        }

        private void Finding(JsonElement element, string path, AuditRun run)
        {
            Object(element, path);
            foreach (var (name, value) in new[] { ("accountId", run.AccountId), ("accountName", run.AccountName) })
            {
                if (OptionalString(element, path, name) != value)
                {
                    throw Error($"{path}.{name}", $"names another account than its audit ({ReportText.Account(run.AccountId, run.AccountName)})");
                }
            }

            var ruleId = String(element, path, "ruleId");
            if (AuditRules.Find(ruleId) is null)
            {
                throw Error(path + ".ruleId", $"\"{ruleId}\" is not a rule id this module knows ({string.Join(", ", AuditRules.All.Select(r => r.Id))}); a newer MarketplaceGuard wrote it? read it with that version");
            }

            var location = Member(element, path, "location");
            Object(location, path + ".location");
            if (String(location, path + ".location", "file") != run.Source)
            {
                throw Error(path + ".location.file", $"is not the source of its audit ({run.Source})");
            }

            Suppression? suppression = null;
            if (Member(element, path, "suppression") is { ValueKind: not JsonValueKind.Null } found)
            {
                var at = path + ".suppression";
                Object(found, at);
                suppression = new Suppression(ruleId, String(found, at, "principal"), String(found, at, "justification"), Date(found, at, "expires"));
            }

            if (Boolean(element, path, "suppressed") != suppression is not null)
            {
                throw Error(path + ".suppressed", "disagrees with its suppression");
            }

            try
            {
                Audit.Finding.Restore(
                    run,
                    ruleId,
                    Enumeration<Severity>(element, path, "severity"),
                    Enumeration<PrincipalType>(element, path, "principalType"),
                    String(element, path, "principalName"),
                    String(element, path, "principalArn"),
                    String(element, path, "cause"),
                    OptionalString(element, path, "capability"),
                    Enumeration<AuditDecision>(element, path, "decision"),
                    Strings(element, path, "conditions"),
                    String(element, path, "reason"),
                    Strings(element, path, "evidence"),
                    String(element, path, "recommendation"),
                    suppression,
                    String(location, path + ".location", "jsonPath", allowEmpty: true),
                    Count(location, path + ".location", "line"));
            }
            catch (ArgumentException e)
            {
                throw Error(path, e.Message);
            }
        }

        private (IReadOnlyList<string> Declared, IReadOnlyList<string> Resolved) Principals(JsonElement parent, string path, string name)
        {
            var element = Member(parent, path, name);
            Object(element, $"{path}.{name}");
            return (Strings(element, $"{path}.{name}", "declared"), Strings(element, $"{path}.{name}", "resolved"));
        }

        private Suppression ExpiredSuppression(JsonElement element, string path)
        {
            Object(element, path);
            return new Suppression(String(element, path, "ruleId"), String(element, path, "principal"), String(element, path, "justification"), Date(element, path, "expires"));
        }

        private ServiceControlPolicyAssessment ServiceControlPolicies(JsonElement element, string path)
        {
            Object(element, path);
            return new ServiceControlPolicyAssessment(Boolean(element, path, "considered"), String(element, path, "summary"), Strings(element, path, "relevant"));
        }

        private JsonElement Member(JsonElement parent, string path, string name) =>
            parent.TryGetProperty(name, out var value) ? value : throw Error($"{path}.{name}", "is missing");

        private void Object(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error(path, $"must be an object, not {JsonText.Describe(element)}");
            }
        }

        private List<JsonElement> Array(JsonElement parent, string path, string name)
        {
            var value = Member(parent, path, name);
            return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : throw Error($"{path}.{name}", $"must be an array, not {JsonText.Describe(value)}");
        }

        private List<string> Strings(JsonElement parent, string path, string name) => Array(parent, path, name)
            .Select((v, i) => v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Error($"{path}.{name}[{i}]", $"must be a string, not {JsonText.Describe(v)}"))
            .ToList();

        private string String(JsonElement parent, string path, string name, bool allowEmpty = false)
        {
            var value = Member(parent, path, name);
            return value.ValueKind == JsonValueKind.String && (allowEmpty || value.GetString()!.Length > 0)
                ? value.GetString()!
                : throw Error($"{path}.{name}", $"must be a non-empty string, not {JsonText.Describe(value)}");
        }

        private string? OptionalString(JsonElement parent, string path, string name)
        {
            var value = Member(parent, path, name);
            return value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => value.GetString(),
                _ => throw Error($"{path}.{name}", $"must be a string or null, not {JsonText.Describe(value)}"),
            };
        }

        private bool Boolean(JsonElement parent, string path, string name) => Member(parent, path, name).ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error($"{path}.{name}", $"must be true or false, not {JsonText.Describe(parent.GetProperty(name))}"),
        };

        private int Count(JsonElement parent, string path, string name)
        {
            var value = Member(parent, path, name);
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 0
                ? count
                : throw Error($"{path}.{name}", $"must be a whole number, 0 or more, not {JsonText.Describe(value)}");
        }

        private DateOnly Date(JsonElement parent, string path, string name)
        {
            var text = String(parent, path, name);
            return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date
                : throw Error($"{path}.{name}", $"\"{text}\" is not a date as yyyy-MM-dd");
        }

        /// <summary>An enum value by its name, as the writer writes it (never a number).</summary>
        private T Enumeration<T>(JsonElement parent, string path, string name)
            where T : struct, Enum
        {
            var text = String(parent, path, name);
            return Enum.GetNames<T>().Contains(text, StringComparer.Ordinal)
                ? Enum.Parse<T>(text)
                : throw Error($"{path}.{name}", $"\"{text}\" is not one of {string.Join(", ", Enum.GetNames<T>())}");
        }

        /// <summary>What the file is instead, when it is another MarketplaceGuard output.</summary>
        private static string Hint(JsonElement root) =>
            root.TryGetProperty("runs", out _) && root.TryGetProperty("$schema", out _) ? " (it is a SARIF report: only JSON reports, -Format Json, can be read back)"
            : root.TryGetProperty("UserDetailList", out _) || root.TryGetProperty("RoleDetailList", out _) ? " (it is an authorization snapshot: audit it with Test-MarketplaceLeastPrivilege)"
            : string.Empty;

        private ReportFileException Error(string jsonPath, string problem, ReportFileProblem kind = ReportFileProblem.Invalid) => new(file, jsonPath, problem, kind);
    }
}

/// <summary>What one JSON report holds: its runs (each with its findings) and the organization audit they belong to.</summary>
public sealed class ReportFile
{
    internal ReportFile(string path, IReadOnlyList<AuditRun> runs, OrganizationScope? organization)
    {
        Path = path;
        Runs = runs;
        Organization = organization;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The runs in the order of the file, those that found nothing too.</summary>
    public IReadOnlyList<AuditRun> Runs { get; }

    /// <summary>The organization audit of the runs that were part of one; null for a report outside an organization audit.</summary>
    public OrganizationScope? Organization { get; }
}

/// <summary>
/// What several report files hold, joined (<see cref="JsonReportReader.Combine"/>): the organization audits, shards of
/// one organization merged, and every run once.
/// </summary>
public sealed class CombinedReports
{
    internal CombinedReports(IReadOnlyList<OrganizationScope> organizations, IReadOnlyList<AuditRun> runs)
    {
        Organizations = organizations;
        Runs = runs;
    }

    /// <summary>The organization audits, those that audited no account too.</summary>
    public IReadOnlyList<OrganizationScope> Organizations { get; }

    /// <summary>Every run, those of the organization audits too, in account id order, then in the order of the files.</summary>
    public IReadOnlyList<AuditRun> Runs { get; }
}

/// <summary>Why a file cannot be read back as a report.</summary>
public enum ReportFileProblem
{
    /// <summary>Not JSON, truncated, or a report with a member missing or wrong.</summary>
    Invalid,

    /// <summary>JSON, but not a MarketplaceGuard JSON report.</summary>
    NotAReport,

    /// <summary>A MarketplaceGuard report of a format version this module does not read.</summary>
    UnsupportedVersion,
}

/// <summary>A report file that cannot be read back: which file, where (a JSON path), what, and which kind of problem.</summary>
public sealed class ReportFileException : Exception
{
    public ReportFileException(string file, string jsonPath, string problem, ReportFileProblem kind, Exception? inner = null)
        : base($"{file}: {jsonPath}: {problem}", inner)
    {
        File = file;
        JsonPath = jsonPath;
        Problem = problem;
        Kind = kind;
    }

    public string File { get; }

    public string JsonPath { get; }

    public string Problem { get; }

    public ReportFileProblem Kind { get; }
}
