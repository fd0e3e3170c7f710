using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>
/// Rebuilds findings and audit runs that went through PowerShell serialization (Export-Clixml/Import-Clixml,
/// Start-Job, Invoke-Command): property bags whose type names start with "Deserialized.". Only a bag with every
/// required property present and valid is rebuilt; anything else (a Select-Object reshape, a hand-made object) is
/// refused with the reason, so a report is never written from objects that merely look like findings. A rebuilt run
/// keeps its account name, OU path and SCP assessment, not its organization scope (see the types.ps1xml).
/// </summary>
internal sealed class DeserializedAudit
{
    public const string FindingTypeName = "Deserialized.MarketplaceGuard.Engine.Audit.Finding";

    public const string RunTypeName = "Deserialized.MarketplaceGuard.Engine.Audit.AuditRun";

    // Findings of one run arrive one by one, each with a copy of its run: they are joined by the run's id.
    private readonly Dictionary<Guid, AuditRun> runs = [];
    private readonly Dictionary<Guid, int> expectedFindings = [];

    // The same finding piped twice is one finding, as live findings are.
    private readonly Dictionary<(Guid Run, string Rule, string Arn, string? Capability), Finding> restored = [];

    public static bool IsFinding(PSObject item) => item.TypeNames.Contains(FindingTypeName);

    public static bool IsRun(PSObject item) => item.TypeNames.Contains(RunTypeName);

    /// <summary>The finding, or null with <paramref name="problem"/> saying what is missing or wrong.</summary>
    public Finding? RestoreFinding(PSObject item, out string? problem)
    {
        try
        {
            if (Value(item, "Run") is not PSObject runBag || !IsRun(runBag))
            {
                throw new FormatException("its Run is missing or was flattened to text (serialized too shallow)");
            }

            var run = RestoreRun(runBag);
            problem = null;
            var key = (run.Id, RequiredString(item, "RuleId"), RequiredString(item, "PrincipalArn"), OptionalString(item, "Capability"));
            if (!restored.TryGetValue(key, out var finding))
            {
                restored[key] = finding = RestoreFinding(item, run);
            }

            return finding;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidCastException or OverflowException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>
    /// The run, or null with <paramref name="problem"/>. Its findings travel apart (see the types.ps1xml): they are
    /// added to it as they arrive, and <see cref="MissingFindings"/> says whether all of them did.
    /// </summary>
    public AuditRun? RestoreRun(PSObject item, out string? problem)
    {
        try
        {
            problem = null;
            return RestoreRun(item);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidCastException or OverflowException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>How many of a restored run's findings have not arrived (0 when all did).</summary>
    public int MissingFindings(AuditRun run) => expectedFindings.TryGetValue(run.Id, out var expected) ? expected - run.Findings.Count : 0;

    private AuditRun RestoreRun(PSObject item)
    {
        var id = Required<Guid>(item, "Id");
        if (!runs.TryGetValue(id, out var run))
        {
            var declaration = new AuditDeclaration(Strings(item, "DeclaredProcurementPrincipals"), Strings(item, "DeclaredViewerPrincipals"), OptionalString(item, "SuppressionPath"), Strings(item, "DeclaredLauncherPrincipals"), Strings(item, "DeclaredGovernancePrincipals"));
            run = AuditRun.Restore(
                id,
                OptionalString(item, "AccountId"),
                RequiredString(item, "Source"),
                Required<DateTime>(item, "StartedAt"),
                declaration,
                Strings(item, "ProcurementPrincipals"),
                Strings(item, "ViewerPrincipals"),
                Required<int>(item, "PrincipalCount"),
                List(item, "ExpiredSuppressions").Select(Suppression).ToList(),
                Required<bool>(item, "Incomplete"),
                Strings(item, "LauncherPrincipals"),
                Strings(item, "GovernancePrincipals"));
            run.SetOrganizationContext(OptionalString(item, "AccountName"), OptionalString(item, "OrganizationPath"), null, ServiceControlPolicies(item));
            var expected = Required<int>(item, "FindingCount");
            if (expected < 0)
            {
                throw new FormatException("FindingCount is negative");
            }

            runs[id] = run;
            expectedFindings[id] = expected;
        }

        return run;
    }

    private static Finding RestoreFinding(PSObject item, AuditRun run)
    {
        return Finding.Restore(
            run,
            RequiredString(item, "RuleId"),
            Enumeration<Severity>(item, "Severity"),
            Enumeration<PrincipalType>(item, "PrincipalType"),
            RequiredString(item, "PrincipalName"),
            RequiredString(item, "PrincipalArn"),
            RequiredString(item, "Cause"),
            OptionalString(item, "Capability"),
            Enumeration<AuditDecision>(item, "Decision"),
            Strings(item, "Conditions"),
            RequiredString(item, "Reason"),
            Strings(item, "Evidence"),
            RequiredString(item, "Recommendation"),
            Value(item, "Suppression") is { } suppression ? Suppression(suppression) : null,
            RequiredString(item, "JsonPath"),
            Required<int>(item, "Line"));
    }

    /// <summary>
    /// The run's SCP assessment; a run serialized without one (by a module that had none) was audited without SCPs,
    /// which is what <see cref="ServiceControlPolicyAssessment.NotRead"/> says.
    /// </summary>
    private static ServiceControlPolicyAssessment ServiceControlPolicies(PSObject run)
    {
        if (Value(run, "ServiceControlPolicies") is not { } value)
        {
            return ServiceControlPolicyAssessment.NotRead;
        }

        if (value is not PSObject bag)
        {
            throw new FormatException("ServiceControlPolicies was flattened to text (serialized too shallow)");
        }

        return new ServiceControlPolicyAssessment(Required<bool>(bag, "Considered"), RequiredString(bag, "Summary"), Strings(bag, "Relevant"));
    }

    private static Suppression Suppression(object value)
    {
        if (value is not PSObject bag)
        {
            throw new FormatException("a suppression was flattened to text (serialized too shallow)");
        }

        return new Suppression(RequiredString(bag, "RuleId"), RequiredString(bag, "Principal"), RequiredString(bag, "Justification"), Date(bag, "Expires"));
    }

    private static DateOnly Date(PSObject item, string name)
    {
        var value = Value(item, name) ?? throw Missing(name);
        if (value is DateOnly date)
        {
            return date;
        }

        if (value is PSObject bag && Value(bag, "Year") is { } year && Value(bag, "Month") is { } month && Value(bag, "Day") is { } day)
        {
            return new DateOnly(Convert.ToInt32(Unwrap(year), CultureInfo.InvariantCulture), Convert.ToInt32(Unwrap(month), CultureInfo.InvariantCulture), Convert.ToInt32(Unwrap(day), CultureInfo.InvariantCulture));
        }

        throw new FormatException($"{name} is not a date");
    }

    private static object? Value(PSObject item, string name) => item.Properties[name]?.Value is { } value ? value : null;

    private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

    private static FormatException Missing(string name) => new($"it has no {name}");

    private static string RequiredString(PSObject item, string name) =>
        Unwrap(Value(item, name)) is string { Length: > 0 } text ? text : throw Missing(name);

    private static string? OptionalString(PSObject item, string name) => Unwrap(Value(item, name)) switch
    {
        null => null,
        string text => text,
        _ => throw new FormatException($"{name} is not text"),
    };

    private static T Required<T>(PSObject item, string name) =>
        Unwrap(Value(item, name)) is T value ? value : throw new FormatException($"{name} is missing or not a {typeof(T).Name}");

    /// <summary>An enum value: serialized as its number with the name as text; read back by name.</summary>
    private static T Enumeration<T>(PSObject item, string name)
        where T : struct, Enum
    {
        var value = Value(item, name) ?? throw Missing(name);
        var text = value is PSObject ps ? ps.ToString() : value.ToString();
        return Enum.TryParse<T>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(text![0])
            ? parsed
            : throw new FormatException($"{name} '{text}' is not a {typeof(T).Name}");
    }

    private static List<object> List(PSObject item, string name) => Unwrap(Value(item, name)) switch
    {
        null => throw Missing(name),
        string => throw new FormatException($"{name} was flattened to text (serialized too shallow)"),
        IEnumerable items => items.Cast<object>().ToList(),
        _ => throw new FormatException($"{name} is not a list"),
    };

    /// <summary>A list of text: strings, or objects (deserialized evidence) by their text.</summary>
    private static List<string> Strings(PSObject item, string name) =>
        List(item, name).Select(v => Unwrap(v) is string text ? text : v.ToString() ?? string.Empty).ToList();
}
