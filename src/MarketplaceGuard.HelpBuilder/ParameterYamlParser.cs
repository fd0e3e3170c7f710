using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MarketplaceGuard.HelpBuilder;

/// <summary>
/// Reads the <c>```yaml</c> block under a parameter. platyPS writes flat <c>Key: value</c> lines, so that is all this
/// accepts; a real YAML parser would silently accept nesting, lists or quoting that the help engine cannot use.
/// </summary>
internal static class ParameterYamlParser
{
    private const string TypeKey = "Type";
    private const string ParameterSetsKey = "Parameter Sets";
    private const string AliasesKey = "Aliases";
    private const string AcceptedValuesKey = "Accepted values";
    private const string RequiredKey = "Required";
    private const string PositionKey = "Position";
    private const string DefaultValueKey = "Default value";
    private const string PipelineInputKey = "Accept pipeline input";
    private const string WildcardKey = "Accept wildcard characters";

    private static readonly string[] KnownKeys =
    [
        TypeKey, ParameterSetsKey, AliasesKey, AcceptedValuesKey, RequiredKey, PositionKey, DefaultValueKey,
        PipelineInputKey, WildcardKey,
    ];

    private static readonly string[] RequiredKeys = [TypeKey, RequiredKey, PositionKey];

    /// <summary>
    /// Parses one block. Problems are added to <paramref name="problems"/> (prefixed with the parameter name) and
    /// make the method return null, so one bad block reports every problem it has, not just the first.
    /// </summary>
    public static ParameterMetadata? Parse(string yaml, string parameterName, List<string> problems)
    {
        var before = problems.Count;
        void Problem(string message) => problems.Add("parameter -" + parameterName + ": " + message);

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var rawLine in yaml.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                Problem("yaml line '" + line + "' is not 'Key: value'");
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            var knownKey = KnownKeys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
            if (knownKey is null)
            {
                Problem("unknown yaml key '" + key + "'");
            }
            else if (!values.TryAdd(knownKey, value))
            {
                Problem("yaml key '" + knownKey + "' appears twice");
            }
        }

        foreach (var key in RequiredKeys)
        {
            if (!values.TryGetValue(key, out var value))
            {
                Problem("yaml block lacks required key '" + key + "'");
            }
            else if (value.Length == 0)
            {
                Problem("yaml key '" + key + "' has no value");
            }
        }

        var required = ParseBoolean(values, RequiredKey, Problem);
        var globbing = ParseBoolean(values, WildcardKey, Problem);
        var position = ParsePosition(values, Problem);
        var pipelineInput = ParsePipelineInput(values, Problem);

        if (problems.Count > before)
        {
            return null;
        }

        var type = values[TypeKey];
        var parameterSets = SplitList(values.GetValueOrDefault(ParameterSetsKey));
        return new ParameterMetadata
        {
            // platyPS accepts the PowerShell keyword; MAML and Get-Help want the type name.
            Type = string.Equals(type, "switch", StringComparison.OrdinalIgnoreCase) ? "SwitchParameter" : type,
            ParameterSets = parameterSets is ["(All)"] ? [] : parameterSets,
            Aliases = SplitList(values.GetValueOrDefault(AliasesKey)),
            AcceptedValues = SplitList(values.GetValueOrDefault(AcceptedValuesKey)),
            Required = required,
            Position = position,
            DefaultValue = values.GetValueOrDefault(DefaultValueKey) is { Length: > 0 } defaultValue ? defaultValue : "None",
            PipelineInput = pipelineInput,
            Globbing = globbing,
        };
    }

    private static bool ParseBoolean(Dictionary<string, string> values, string key, Action<string> problem)
    {
        if (!values.TryGetValue(key, out var value) || value.Length == 0)
        {
            return false;
        }

        if (bool.TryParse(value, out var result))
        {
            return result;
        }

        problem("yaml key '" + key + "' must be True or False, not '" + value + "'");
        return false;
    }

    private static string ParsePosition(Dictionary<string, string> values, Action<string> problem)
    {
        if (!values.TryGetValue(PositionKey, out var value) || value.Length == 0)
        {
            return "named";
        }

        if (string.Equals(value, "Named", StringComparison.OrdinalIgnoreCase))
        {
            return "named";
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            return position.ToString(CultureInfo.InvariantCulture);
        }

        problem("yaml key 'Position' must be a number or Named, not '" + value + "'");
        return "named";
    }

    private static string ParsePipelineInput(Dictionary<string, string> values, Action<string> problem)
    {
        if (!values.TryGetValue(PipelineInputKey, out var value) || value.Length == 0)
        {
            return "False";
        }

        // Normalise only the leading word: the "(ByValue, ByPropertyName)" part is printed by Get-Help as written.
        foreach (var word in (string[])["True", "False"])
        {
            if (value.StartsWith(word, StringComparison.OrdinalIgnoreCase)
                && (value.Length == word.Length || value[word.Length] == ' '))
            {
                return word + value[word.Length..];
            }
        }

        problem("yaml key '" + PipelineInputKey + "' must start with True or False, not '" + value + "'");
        return "False";
    }

    private static string[] SplitList(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
