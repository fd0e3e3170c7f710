using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MarketplaceGuard.Engine.Policies;

/// <summary>
/// Reads IAM identity-policy documents in every shape IAM accepts (Statement as an object or an array; Action,
/// Resource and condition values as a string or an array; JSON text or the URL-encoded text IAM's API returns) and
/// validates them the way IAM does, reporting every problem with its JSON path.
/// </summary>
public static partial class PolicyParser
{
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
    };

    private static readonly string[] DocumentElements = ["Version", "Id", "Statement"];

    private static readonly string[] StatementElements =
        ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal", "NotPrincipal"];

    private static readonly byte[][] DocumentElementsUtf8 = Utf8(DocumentElements);

    private static readonly byte[][] StatementElementsUtf8 = Utf8(StatementElements);

    private static byte[][] Utf8(string[] names) => Array.ConvertAll(names, System.Text.Encoding.UTF8.GetBytes);

    private static readonly string[] PrincipalElements = ["Principal", "NotPrincipal"];

    /// <summary>Parses and validates a document; throws <see cref="PolicyValidationException"/> listing every problem.</summary>
    public static PolicyDocument Parse(string text, PolicyParseOptions? options = null)
    {
        options ??= PolicyParseOptions.Default;
        if (TryParse(text, options, out var document, out var errors))
        {
            return document!;
        }

        throw new PolicyValidationException(options.Source, errors);
    }

    /// <summary>
    /// Parses and validates a document, taking its string values from <paramref name="strings"/>: a compiler parsing
    /// the documents of an account shares one string for each repeated action, resource and condition value.
    /// </summary>
    internal static PolicyDocument Parse(string text, PolicyParseOptions? options, JsonStringPool strings)
    {
        options ??= PolicyParseOptions.Default;
        if (TryParse(text, options, strings, out var document, out var errors))
        {
            return document!;
        }

        throw new PolicyValidationException(options.Source, errors);
    }

    /// <summary>Parses and validates a document; on failure returns false with every problem found.</summary>
    public static bool TryParse(string? text, PolicyParseOptions? options, out PolicyDocument? document, out IReadOnlyList<PolicyError> errors) =>
        TryParse(text, options, null, out document, out errors);

    private static bool TryParse(string? text, PolicyParseOptions? options, JsonStringPool? strings, out PolicyDocument? document, out IReadOnlyList<PolicyError> errors)
    {
        options ??= PolicyParseOptions.Default;

        // The thread's reader, taken while it reads (a reader is a dozen objects: an account has thousands of documents).
        // One that found errors hands its list to the caller and is not kept; one that threw is dropped.
        var reader = cachedReader ?? new Reader();
        cachedReader = null;
        document = reader.Read(text, options, strings);
        if (reader.Errors.Count > 0)
        {
            errors = reader.Errors;
            document = null;
            return false;
        }

        errors = [];
        reader.Forget();
        cachedReader = reader;
        return true;
    }

    [ThreadStatic]
    private static Reader? cachedReader;

    /// <summary>
    /// IAM's API returns documents URL-encoded (RFC 3986). A JSON document always starts with '{', so text starting
    /// with '%' is encoded. '+' is left alone: RFC 3986 does not use it for spaces and IAM names may contain it.
    /// </summary>
    public static string DecodeIfUrlEncoded(string text) => IsUrlEncoded(text, out var encoded) ? Uri.UnescapeDataString(encoded) : text;

    /// <summary>Whether <paramref name="text"/> is URL-encoded (see <see cref="DecodeIfUrlEncoded"/>); <paramref name="encoded"/> is it without leading whitespace.</summary>
    private static bool IsUrlEncoded(string text, out ReadOnlySpan<char> encoded)
    {
        encoded = text.AsSpan().TrimStart();
        return encoded.StartsWith('%');
    }

    /// <summary>
    /// True when texts meant as whole documents look like the lines of one file, as PowerShell's Get-Content without
    /// -Raw returns them: at least two single-line texts that are not complete JSON ("{", "  \"Version\": ...,", ""),
    /// one of which opens a JSON object. The caller then gives one hint instead of an error per line.
    /// </summary>
    public static bool LooksLikeLinesOfOneDocument(IReadOnlyList<string?> texts)
    {
        if (texts.Count < 2)
        {
            return false;
        }

        var fragments = 0;
        var opensAnObject = false;
        foreach (var text in texts)
        {
            var line = text ?? string.Empty;
            if (line.AsSpan().IndexOfAny('\r', '\n') < 0 && !IsCompleteJson(DecodeIfUrlEncoded(line)))
            {
                fragments++;
                opensAnObject |= line.AsSpan().TrimStart().StartsWith("{");
            }
        }

        return fragments >= 2 && opensAnObject;
    }

    private static bool IsCompleteJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(text, JsonOptions);
            return true;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            // ArgumentException: text that is not valid UTF-16 (half a surrogate pair) cannot even be read as JSON.
            return false;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9]*$")]
    private static partial Regex SidPattern();

    // What a service prefix and an action name may contain: checked for every action of an account, by a loop over a
    // table that neither allocates nor shares a regex runner between the threads that compile. Not the framework's
    // SearchValues: their vectorized search is generic code compiled when first used, and it ran unoptimized through a
    // process's first audit; this loop is precompiled with the module.
    private static readonly bool[] ServicePrefixCharacters = Table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");

    private static readonly bool[] ActionNameCharacters = Table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*?_-");

    private static bool[] Table(string characters)
    {
        var table = new bool[128];
        foreach (var c in characters)
        {
            table[c] = true;
        }

        return table;
    }

    private static bool OnlyOf(ReadOnlySpan<char> text, bool[] table)
    {
        foreach (var c in text)
        {
            if (c >= table.Length || !table[c])
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainPathSegment();

    internal static string Child(string path, string name) =>
        PlainPathSegment().IsMatch(name) ? $"{path}.{name}" : $"{path}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    /// <summary>
    /// A JSON path put together only when an error names it (<see cref="ToString"/>): the parser reads every condition of
    /// every document of an account, and building each operator's path (a pattern match and a new string) was a
    /// megabyte of a 1x audit's allocation for paths that almost never appear.
    /// </summary>
    private readonly struct PendingPath(string parent, string? name)
    {
        public static implicit operator PendingPath(string path) => new(path, null);

        public override string ToString() => name is null ? parent : Child(parent, name);
    }

    private static string Item(string path, int index) => $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>
    /// The JSON paths of a statement and of its Sid and Condition. Those of the first statements of an array are made
    /// once and shared: every document of an account would otherwise build the same strings for each statement.
    /// </summary>
    private sealed class StatementPaths
    {
        private static readonly StatementPaths[] Common = [.. Enumerable.Range(0, 64).Select(i => new StatementPaths(Item("$.Statement", i)))];

        // Shared between threads: two threads may both build Sid or Condition, equal strings, and either one is kept.
        private string? sid;
        private string? condition;

        private StatementPaths(string path) => Path = path;

        /// <summary>The paths of a Statement that is one object rather than an array.</summary>
        public static StatementPaths Single { get; } = new("$.Statement");

        public string Path { get; }

        public string Sid => sid ??= Child(Path, "Sid");

        public string Condition => condition ??= Child(Path, "Condition");

        /// <summary>The paths of the statement at this index of the Statement array.</summary>
        public static StatementPaths Of(int index) => index < Common.Length ? Common[index] : new StatementPaths(Item("$.Statement", index));
    }

    /// <summary>The values of a JSON object's known elements, by the element's position in the grammar's list.</summary>
    private sealed class KnownElements
    {
        private readonly string[] names;
        private readonly JsonElement[] values; // default (ValueKind Undefined) until set: no parsed value is Undefined

        public KnownElements(string[] names, byte[][] utf8Names)
        {
            this.names = names;
            Utf8Names = utf8Names;
            values = new JsonElement[names.Length];
        }

        public string[] Names => names;

        /// <summary>The names as UTF-8, to compare with a property's name as it stands in the JSON.</summary>
        public byte[][] Utf8Names { get; }

        /// <summary>Forgets every value, for the next object of the same grammar.</summary>
        public KnownElements Cleared()
        {
            Array.Clear(values);
            return this;
        }

        /// <summary>Records a value; false when the element was already there.</summary>
        public bool Set(int index, JsonElement value)
        {
            if (values[index].ValueKind != JsonValueKind.Undefined)
            {
                return false;
            }

            values[index] = value;
            return true;
        }

        public bool TryGetValue(string name, out JsonElement value)
        {
            // The grammar's own strings are passed: found by reference first, else by their characters.
            var index = -1;
            for (var i = 0; i < names.Length; i++)
            {
                if (ReferenceEquals(names[i], name) || string.Equals(names[i], name, StringComparison.Ordinal))
                {
                    index = i;
                    break;
                }
            }

            if (index >= 0 && values[index].ValueKind != JsonValueKind.Undefined)
            {
                value = values[index];
                return true;
            }

            value = default;
            return false;
        }

        public bool ContainsKey(string name) => TryGetValue(name, out _);
    }

    /// <summary>One parse: collects errors as it walks, so a document reports all its problems at once.</summary>
    private sealed class Reader
    {
        private readonly List<PolicyError> errors = [];
        private readonly Dictionary<string, string> sidPaths = new(StringComparer.Ordinal);
        private JsonStringPool? strings;

        // One for the document and one for every statement: a statement's elements are all read before the next one's.
        private readonly KnownElements documentElements = new(DocumentElements, DocumentElementsUtf8);
        private readonly KnownElements statementElements = new(StatementElements, StatementElementsUtf8);

        public List<PolicyError> Errors => errors;

        /// <summary>Lets go of what the last document left here (its values, Sids, the string pool), for the next.</summary>
        public void Forget()
        {
            sidPaths.Clear();
            documentElements.Cleared();
            statementElements.Cleared();
            operatorBuffer?.Clear();
            keyBuffer?.Clear();
            conditionBuffer?.Clear();
            strings = null;
        }

        public PolicyDocument? Read(string? text, PolicyParseOptions options, JsonStringPool? pool)
        {
            strings = pool;
            if (string.IsNullOrWhiteSpace(text))
            {
                Error("$", "the policy document is empty");
                return null;
            }

            // A URL-encoded document is decoded into a pooled buffer, not a string: an account's managed policies come
            // so from IAM's API, and the decoded text is needed only while it is read.
            char[]? decoded = null;
            try
            {
                return Read(IsUrlEncoded(text, out var encoded) ? Decode(encoded, out decoded) : text.AsMemory(), options);
            }
            finally
            {
                if (decoded is not null)
                {
                    ArrayPool<char>.Shared.Return(decoded);
                }
            }
        }

        private static ReadOnlyMemory<char> Decode(ReadOnlySpan<char> encoded, out char[] buffer)
        {
            // Unescaping never lengthens the text.
            buffer = ArrayPool<char>.Shared.Rent(encoded.Length);
            if (!Uri.TryUnescapeDataString(encoded, buffer, out var length))
            {
                throw new InvalidOperationException("An unescaped URL-encoded text did not fit in the length of the encoded text.");
            }

            return buffer.AsMemory(0, length);
        }

        private PolicyDocument? Read(ReadOnlyMemory<char> text, PolicyParseOptions options)
        {
            CheckCharacters(text.Span, options.MaxCharacters);

            JsonDocument json;
            try
            {
                json = JsonDocument.Parse(text, JsonOptions);
            }
            catch (JsonException e)
            {
                Error("$", $"not valid JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {ShortJsonMessage(e.Message)}");
                return null;
            }
            catch (ArgumentException)
            {
                // Half of a surrogate pair in the text: CheckCharacters reports where.
                if (errors.Count == 0)
                {
                    Error("$", "the text is not valid Unicode (half of a surrogate pair)");
                }

                return null;
            }


            using (json)
            {
                if (JsonText.FindInvalidString(text.Span) is { } invalid)
                {
                    Error("$", invalid);
                    return null;
                }

                return ReadDocument(json.RootElement);
            }
        }

        private void Error(string path, string message) => errors.Add(new PolicyError(path, message));

        // Every character of every document is checked: with vectorized searches, since nearly every document has no
        // character outside U+0020 to U+00FF (a tab or line break is allowed and searched past) and is far under the
        // quota (whitespace is counted only when the whole text is over it). Measured on the 1x synthetic account: an
        // eighth of compiling its documents went to the character-by-character loop this replaces.
        private void CheckCharacters(ReadOnlySpan<char> text, int? maxCharacters)
        {
            for (var from = 0; from < text.Length;)
            {
                var found = text[from..].IndexOfAnyExceptInRange('\u0020', '\u00FF');
                if (found < 0)
                {
                    break;
                }

                var at = from + found;
                var c = text[at];
                if (c is not ('\t' or '\n' or '\r'))
                {
                    // The first character IAM refuses, with its line and column (both from 1) as an editor shows them.
                    var before = text[..at];
                    var line = before.Count('\n') + 1;
                    var column = at - before.LastIndexOf('\n');
                    Error("$", $"character U+{(int)c:X4} at line {line}, column {column} is not allowed: IAM accepts only tab, line feed, carriage return and U+0020 to U+00FF in policy documents");
                    break;
                }

                from = at + 1;
            }

            if (maxCharacters is { } max && text.Length > max)
            {
                var counted = 0;
                foreach (var c in text)
                {
                    if (!char.IsWhiteSpace(c))
                    {
                        counted++;
                    }
                }

                if (counted > max)
                {
                    Error("$", $"the document has {counted.ToString("N0", CultureInfo.InvariantCulture)} characters (whitespace not counted), over IAM's quota of {max.ToString("N0", CultureInfo.InvariantCulture)} for a managed policy");
                }
            }
        }

        // System.Text.Json appends " LineNumber: n | BytePositionInLine: m." — we report the position ourselves.
        private static string ShortJsonMessage(string message)
        {
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return (cut > 0 ? message[..cut] : message).TrimEnd();
        }

        private PolicyDocument? ReadDocument(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error("$", $"the policy document must be a JSON object, not {Describe(root)}");
                return null;
            }

            var elements = Elements(root, "$", documentElements.Cleared(), "a policy document has only Version, Id and Statement");
            string? version = null;
            if (elements.TryGetValue("Version", out var versionElement))
            {
                version = ReadString(versionElement, "$.Version");
                if (version is not null && version != PolicyDocument.Version2012 && version != PolicyDocument.Version2008)
                {
                    Error("$.Version", $"'{version}' is not a policy language version: use '{PolicyDocument.Version2012}' (or the legacy '{PolicyDocument.Version2008}')");
                }
                else if (version is not null)
                {
                    version = version == PolicyDocument.Version2012 ? PolicyDocument.Version2012 : PolicyDocument.Version2008; // one string for every document
                }
            }

            string? id = null;
            if (elements.TryGetValue("Id", out var idElement))
            {
                id = ReadString(idElement, "$.Id");
            }

            var statements = new List<PolicyStatement>();
            if (!elements.TryGetValue("Statement", out var statementElement))
            {
                Error("$.Statement", "required element is missing");
            }
            else if (statementElement.ValueKind == JsonValueKind.Object)
            {
                AddIfNotNull(statements, ReadStatement(statementElement, StatementPaths.Single, 0));
            }
            else if (statementElement.ValueKind == JsonValueKind.Array)
            {
                if (statementElement.GetArrayLength() == 0)
                {
                    Error("$.Statement", "must contain at least one statement");
                }

                var index = 0;
                foreach (var item in statementElement.EnumerateArray())
                {
                    var paths = StatementPaths.Of(index);
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        Error(paths.Path, $"each statement must be a JSON object, not {Describe(item)}");
                    }
                    else
                    {
                        AddIfNotNull(statements, ReadStatement(item, paths, index));
                    }

                    index++;
                }
            }
            else
            {
                Error("$.Statement", $"must be a statement object or an array of statements, not {Describe(statementElement)}");
            }

            return errors.Count == 0 ? new PolicyDocument(version, id, statements) : null;
        }

        private PolicyStatement? ReadStatement(JsonElement element, StatementPaths paths, int index)
        {
            var path = paths.Path;
            var errorsBefore = errors.Count;
            var elements = Elements(element, path, statementElements.Cleared(), "a statement has only Sid, Effect, Action or NotAction, Resource or NotResource, and Condition");

            foreach (var name in PrincipalElements)
            {
                if (elements.ContainsKey(name))
                {
                    Error(Child(path, name), $"{name} is not allowed in an identity-based policy (it belongs in resource-based policies such as trust or bucket policies)");
                }
            }

            string? sid = null;
            if (elements.TryGetValue("Sid", out var sidElement))
            {
                var sidPath = paths.Sid;
                sid = ReadString(sidElement, sidPath);
                if (sid is not null)
                {
                    CheckSid(sid, sidPath);
                }
            }

            var effect = ReadEffect(elements, path);
            var (isNotAction, actions) = ReadPair(elements, path, "Action", "NotAction", ValidateAction);
            var (isNotResource, resources) = ReadPair(elements, path, "Resource", "NotResource", ValidateResource);
            var conditions = elements.TryGetValue("Condition", out var conditionElement)
                ? ReadConditions(conditionElement, paths.Condition)
                : [];

            if (errors.Count > errorsBefore || effect is null)
            {
                return null;
            }

            return new PolicyStatement(index, sid, effect.Value, isNotAction, actions, isNotResource, resources, conditions);
        }

        private void CheckSid(string sid, string path)
        {
            if (!SidPattern().IsMatch(sid))
            {
                Error(path, $"'{sid}' is not a valid Sid: IAM accepts only the letters A-Z and a-z and the digits 0-9");
                return;
            }

            if (sid.Length == 0)
            {
                return;
            }

            if (sidPaths.TryGetValue(sid, out var firstPath))
            {
                Error(path, $"'{sid}' is already the Sid of {firstPath}: Sids must be unique within a policy");
            }
            else
            {
                sidPaths[sid] = path;
            }
        }

        private PolicyEffect? ReadEffect(KnownElements elements, string path)
        {
            if (!elements.TryGetValue("Effect", out var effectElement))
            {
                Error(Child(path, "Effect"), "required element is missing (use 'Allow' or 'Deny')");
                return null;
            }

            if (effectElement.ValueKind != JsonValueKind.String)
            {
                Error(Child(path, "Effect"), $"must be a string, not {Describe(effectElement)}");
                return null;
            }

            // Compared in place: the text becomes a string only for a message.
            if (effectElement.ValueEquals("Allow"))
            {
                return PolicyEffect.Allow;
            }

            if (effectElement.ValueEquals("Deny"))
            {
                return PolicyEffect.Deny;
            }

            var text = effectElement.GetString()!;

            var hint = text.Equals("Allow", StringComparison.OrdinalIgnoreCase) || text.Equals("Deny", StringComparison.OrdinalIgnoreCase)
                ? " (the value is case-sensitive)"
                : string.Empty;
            Error(Child(path, "Effect"), $"'{text}' is not a valid effect: use 'Allow' or 'Deny'{hint}");
            return null;
        }

        private (bool IsNegated, IReadOnlyList<string> Values) ReadPair(
            KnownElements elements, string path, string positive, string negative, Func<string, string?> validate)
        {
            var hasPositive = elements.TryGetValue(positive, out var positiveElement);
            var hasNegative = elements.TryGetValue(negative, out var negativeElement);
            if (hasPositive && hasNegative)
            {
                Error(path, $"has both {positive} and {negative}: use exactly one");
                return (false, []);
            }

            if (!hasPositive && !hasNegative)
            {
                Error(Child(path, positive), $"required element is missing (a statement needs {positive} or {negative})");
                return (false, []);
            }

            var name = hasPositive ? positive : negative;
            var element = hasPositive ? positiveElement : negativeElement;
            var values = ReadValueList(element, path, name, allowScalars: false);
            for (var i = 0; i < values.Length; i++)
            {
                if (validate(values[i]) is { } problem)
                {
                    var valuePath = Child(path, name);
                    Error(element.ValueKind == JsonValueKind.String ? valuePath : Item(valuePath, i), problem);
                }
            }

            return (hasNegative, values);
        }

        private static string? ValidateAction(string action)
        {
            if (action == "*")
            {
                return null;
            }

            var colon = action.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return $"'{action}' is not an action: write 'service:Action' (for example 'aws-marketplace:Subscribe') or '*'";
            }

            // Matched as spans: the parts become strings only for a message (every action of an account passes here).
            var prefix = action.AsSpan(0, colon);
            var name = action.AsSpan(colon + 1);
            if (prefix.IsEmpty || !OnlyOf(prefix, ServicePrefixCharacters))
            {
                return $"'{action}': the service prefix '{prefix}' may contain only letters, digits and hyphens (no wildcards)";
            }

            if (name.IsEmpty || !OnlyOf(name, ActionNameCharacters))
            {
                return name.Length == 0
                    ? $"'{action}' has no action name after the service prefix"
                    : $"'{action}': the action name '{name}' may contain only letters, digits and the wildcards * and ?";
            }

            return null;
        }

        private static string? ValidateResource(string resource)
        {
            if (resource == "*")
            {
                return null;
            }

            // Split(':', 6) gives six parts exactly when there are at least five colons; counted without splitting.
            if (!resource.StartsWith("arn:", StringComparison.Ordinal) || resource.AsSpan().Count(':') < 5)
            {
                return $"'{resource}' is not an ARN: write 'arn:partition:service:region:account:resource' or '*'";
            }

            return null;
        }

        private PolicyCondition[] ReadConditions(JsonElement element, string path)
        {
            var conditions = conditionBuffer ??= new(4);
            conditions.Clear();
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error(path, $"must be an object of the form {{ \"Operator\": {{ \"key\": value(s) }} }}, not {Describe(element)}");
                return [];
            }

            foreach (var (operatorName, block) in UniqueProperties(element, path, operatorBuffer ??= new(4)))
            {
                var operatorPath = new PendingPath(path, operatorName);
                var parsed = ConditionOperator.TryParse(operatorName, out var problem);
                if (parsed is null)
                {
                    Error(operatorPath.ToString(), problem + (problem!.StartsWith("unknown condition", StringComparison.Ordinal)
                        ? " (known operators: " + string.Join(", ", ConditionOperator.KnownNames) + ", each with an optional IfExists suffix and ForAllValues:/ForAnyValue: qualifier)"
                        : string.Empty));
                    continue;
                }

                if (block.ValueKind != JsonValueKind.Object)
                {
                    Error(operatorPath.ToString(), $"must be an object of context keys and their values, not {Describe(block)}");
                    continue;
                }

                var keys = UniqueProperties(block, operatorPath, keyBuffer ??= new(4));
                if (keys.Count == 0)
                {
                    Error(operatorPath.ToString(), "has no context key");
                }

                foreach (var (key, valueElement) in keys)
                {
                    var colon = key.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0 || colon == key.Length - 1)
                    {
                        Error(Child(operatorPath.ToString(), key), $"'{key}' is not a condition key: keys are prefixed by their service, as in 'aws:SourceIp' or 'aws-marketplace:ProductId'");
                        continue;
                    }

                    var values = ReadValueList(valueElement, operatorPath, key, allowScalars: true);
                    conditions.Add(new PolicyCondition(parsed.Value, key, values));
                }
            }

            return conditions.ToArray(); // exact length: statements keep it as long as the account model lives
        }

        /// <summary>
        /// A string, or a non-empty array of strings (and, in conditions, numbers and booleans). The JSON path
        /// (<paramref name="parentPath"/>.<paramref name="name"/>) is only built when there is a problem to report:
        /// this runs for every value of every document of an account.
        /// </summary>
        private string[] ReadValueList(JsonElement element, PendingPath parentPath, string name, bool allowScalars)
        {
            // An array of the exact length, not a list: statements keep these for as long as the account model lives.
            if (element.ValueKind != JsonValueKind.Array)
            {
                return ReadScalar(element, parentPath, name, -1, allowScalars) is { } single ? One(single) : [];
            }

            var length = element.GetArrayLength();
            if (length == 0)
            {
                Error(Child(parentPath.ToString(), name), "must not be an empty array");
                return [];
            }

            if (length == 1)
            {
                return ReadScalar(element[0], parentPath, name, 0, allowScalars) is { } only ? One(only) : [];
            }

            var values = new string[length];
            var count = 0;
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                if (ReadScalar(item, parentPath, name, i, allowScalars) is { } value)
                {
                    values[count++] = value;
                }

                i++;
            }

            if (count < length)
            {
                Array.Resize(ref values, count);
            }

            return values;
        }

        private string[] One(string value) => strings is null ? [value] : strings.Single(value);

        private string? ReadScalar(JsonElement element, PendingPath parentPath, string name, int index, bool allowScalars)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    return strings is null ? element.GetString() : strings.Get(element);
                case JsonValueKind.Number when allowScalars:
                    return element.GetRawText();
                case JsonValueKind.True when allowScalars:
                    return "true";
                case JsonValueKind.False when allowScalars:
                    return "false";
            }

            var expected = allowScalars ? "a string, number or boolean (or an array of them)" : "a string or an array of strings";
            var path = index < 0 ? Child(parentPath.ToString(), name) : Item(Child(parentPath.ToString(), name), index);
            Error(path, $"must be {expected}, not {Describe(element)}");
            return null;
        }

        private string? ReadString(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.String)
            {
                return element.GetString();
            }

            Error(path, $"must be a string, not {Describe(element)}");
            return null;
        }

        /// <summary>The object's properties by name, reporting duplicates and names the grammar does not have.</summary>
        /// <summary>
        /// The object's properties among the grammar's element names, reporting duplicates and names the grammar
        /// does not have. Known names are compared in place (JsonProperty.NameEquals), without allocating a string
        /// per property: this runs for every statement of every document.
        /// </summary>
        private KnownElements Elements(JsonElement element, string path, KnownElements result, string hint)
        {
            var known = result.Names;
            var knownUtf8 = result.Utf8Names;
            foreach (var property in element.EnumerateObject())
            {
                // A name without escapes is compared as it stands in the JSON; an escaped one after unescaping.
                var raw = JsonMarshal.GetRawUtf8PropertyName(property);
                var escaped = raw.Contains((byte)'\\');
                var index = -1;
                for (var k = 0; k < known.Length; k++)
                {
                    if (escaped ? property.NameEquals(known[k]) : raw.SequenceEqual(knownUtf8[k]))
                    {
                        index = k;
                        break;
                    }
                }

                if (index >= 0)
                {
                    if (!result.Set(index, property.Value))
                    {
                        Error(Child(path, known[index]), "appears more than once in the same object");
                    }

                    continue;
                }

                var name = property.Name;
                var sameLetters = SameLetters(known, name);
                Error(Child(path, name), sameLetters is not null
                    ? $"unknown element '{name}': element names are case-sensitive, write '{sameLetters}'"
                    : $"unknown element '{name}': {hint}");
            }

            return result;
        }

        // A loop rather than a lambda: a lambda capturing the name cost an allocation per property, problem or not.
        private static string? SameLetters(string[] known, string name)
        {
            foreach (var k in known)
            {
                if (k.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return k;
                }
            }

            return null;
        }

        // Scratch lists of a reader, which reads one document on one thread: a Condition's operators, one operator's keys,
        // and the conditions read so far (a statement keeps an exact copy). Made when a document has a Condition.
        private List<(string Name, JsonElement Value)>? operatorBuffer;
        private List<(string Name, JsonElement Value)>? keyBuffer;
        private List<PolicyCondition>? conditionBuffer;

        /// <summary>The object's properties in <paramref name="result"/> (cleared first), each name once.</summary>
        private List<(string Name, JsonElement Value)> UniqueProperties(JsonElement element, PendingPath path, List<(string Name, JsonElement Value)> result)
        {
            // Condition blocks hold a few operators and keys: a linear scan beats a set.
            result.Clear();
            foreach (var property in element.EnumerateObject())
            {
                var name = strings is null ? property.Name : strings.Name(property);
                if (ContainsName(result, name))
                {
                    Error(Child(path.ToString(), name), "appears more than once in the same object");
                    continue;
                }

                result.Add((name, property.Value));
            }

            return result;
        }

        // A loop rather than List.Exists with a lambda, which cost a closure per property.
        private static bool ContainsName(List<(string Name, JsonElement Value)> properties, string name)
        {
            foreach (var (known, _) in properties)
            {
                if (known == name)
                {
                    return true;
                }
            }

            return false;
        }

        private static string Describe(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => element.ValueKind.ToString().ToLowerInvariant(),
        };

        private static void AddIfNotNull<T>(List<T> list, T? item)
            where T : class
        {
            if (item is not null)
            {
                list.Add(item);
            }
        }
    }
}
