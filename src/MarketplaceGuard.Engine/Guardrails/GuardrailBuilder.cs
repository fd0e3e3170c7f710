using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Guardrails;

/// <summary>
/// Builds an organization's Marketplace guardrails: service control policies that deny each rule's capabilities to
/// every principal of the member accounts but the named exceptions (an <c>ArnNotLike</c> on aws:PrincipalArn in each
/// deny). Pure: the same options give byte-identical documents (lists sorted, statements in a fixed order), so a
/// writer can compare them with what is attached and change nothing when equal.
/// <list type="bullet">
/// <item>One document per rule, <c>MarketplaceGuard-Rule1</c> … <c>-Rule3</c>; a rule whose document exceeds
/// <see cref="GuardrailPolicy.MaxLength"/> characters continues in <c>-Rule1-Part2</c> …</item>
/// <item>Minimised: no whitespace, one-value lists as plain strings, denies with the same resources and conditions
/// merged into one action list; short Sids (R1Procure) are kept, because audit reasons quote them.</item>
/// <item>An exception list is never split across documents: a deny that carried half the list would deny the other
/// half. A deny that cannot fit alone, or more than <see cref="MaxDocuments"/> documents, is refused.</item>
/// </list>
/// SCPs never restrict the management account nor service-linked roles (RULE2-RULE3-FACTS.md §4).
/// </summary>
public static class GuardrailBuilder
{
    /// <summary>
    /// AWS Organizations attaches at most 5 SCPs to a root, OU or account (§4), and one of them must allow (FullAWSAccess
    /// or an allow-list): 4 are left for the guardrail.
    /// </summary>
    public const int MaxDocuments = 4;

    private const string Version = PolicyDocument.Version2012;
    private const string PrincipalArnKey = "aws:PrincipalArn";

    /// <summary>The text around the statements of a minimised document.</summary>
    private const string Opening = "{\"Version\":\"" + Version + "\",\"Statement\":[";
    private const string Closing = "]}";

    /// <summary>
    /// The guardrail's documents, Rule 1 first. Throws <see cref="GuardrailInputException"/> for the first value that
    /// is wrong or the first limit that is exceeded; then nothing is returned.
    /// </summary>
    public static IReadOnlyList<GuardrailPolicy> Build(GuardrailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rules = CheckRules(options.Rules);
        var exceptions = Normalize(options);
        CheckEveryListIsUsed(rules, exceptions);

        var documents = new List<(int Rule, IReadOnlyList<PolicyStatement> Statements)>();
        foreach (var rule in rules)
        {
            var statements = Merge(GuardrailStatements.For(rule, exceptions.ApprovedProductIds).Select(deny => WithExceptions(deny, exceptions)).ToList());
            documents.AddRange(Split(rule, statements, exceptions).Select(part => (rule, part)));
        }

        if (documents.Count > MaxDocuments)
        {
            var names = Names(documents.Select(d => d.Rule).ToList());
            var crowded = documents.GroupBy(d => d.Rule).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            var parameters = string.Join(", ", crowded.SelectMany(ParametersOf).Distinct());
            throw new GuardrailInputException(GuardrailInputProblem.TooLarge, parameters, names,
                $"The guardrail needs {documents.Count} SCPs ({string.Join(", ", names)}), but AWS Organizations attaches at most 5 to a root, OU or account and one of them must allow (FullAWSAccess or an allow-list): at most {MaxDocuments} can be MarketplaceGuard's. Use fewer or wider patterns (wildcards) in -{parameters.Replace(", ", ", -", StringComparison.Ordinal)}"
                + (rules.Count > 1 ? ", or build the rules separately (-Rule) and attach them to different targets (the root and an OU)." : "."));
        }

        var namesInOrder = Names(documents.Select(d => d.Rule).ToList());
        var result = new List<GuardrailPolicy>(documents.Count);
        for (var i = 0; i < documents.Count; i++)
        {
            var (rule, statements) = documents[i];
            var parts = documents.Count(d => d.Rule == rule);
            var part = documents.Take(i + 1).Count(d => d.Rule == rule);
            var document = new PolicyDocument(Version, null, statements.Select((s, index) => Renumber(s, index)).ToList());
            var content = PolicyJsonWriter.WriteMinimal(document);
            var parsed = PolicyParser.Parse(content, PolicyParseOptions.Default.WithSource($"guardrail {namesInOrder[i]}"));
            var description = Describe(rule, exceptions) + (parts > 1 ? $" (part {part} of {parts})" : string.Empty);
            result.Add(new GuardrailPolicy(namesInOrder[i], description, [rule], parsed, content, exceptions));
        }

        return result;
    }

    /// <summary>
    /// What the guardrail denies to every principal of the accounts it is attached to, because a rule is built
    /// without the exceptions it would leave alone: one sentence per such deny, for a warning.
    /// </summary>
    public static IReadOnlyList<string> DeniedToEveryone(GuardrailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rules = options.Rules;
        var found = new List<string>();
        const string Everyone = "to every principal in the member accounts it is attached to";
        if (rules.Contains(1) && options.ProcurementPrincipalArns.Count == 0)
        {
            found.Add($"Rule 1 is built without -{GuardrailOptions.ProcurementParameter}: it denies subscribing, buying and cancelling {Everyone}.");
        }

        if (rules.Contains(2) && options.LauncherPrincipalArns.Count == 0)
        {
            found.Add($"Rule 2 is built without -{GuardrailOptions.LauncherParameter}: it denies launching, copying and sharing paid AMIs {Everyone}.");
        }

        if (rules.Contains(3) && options.GovernancePrincipalArns.Count == 0)
        {
            found.Add(options.ProcurementPrincipalArns.Count == 0
                ? $"Rule 3 is built without -{GuardrailOptions.GovernanceParameter} and -{GuardrailOptions.ProcurementParameter}: it denies License Manager and Service Catalog distribution and Private Marketplace administration {Everyone}."
                : $"Rule 3 is built without -{GuardrailOptions.GovernanceParameter}: it denies License Manager and Service Catalog distribution {Everyone} (the Private Marketplace stays with procurement).");
        }

        return found;
    }

    private static List<int> CheckRules(IReadOnlyList<int>? rules)
    {
        if (rules is null || rules.Count == 0)
        {
            throw new GuardrailInputException(GuardrailInputProblem.RuleInvalid, GuardrailOptions.RuleParameter, rules, $"-{GuardrailOptions.RuleParameter}: name at least one rule (1, 2, 3).");
        }

        var invalid = rules.Where(r => r is < 1 or > 3).ToList();
        if (invalid.Count > 0)
        {
            throw new GuardrailInputException(GuardrailInputProblem.RuleInvalid, GuardrailOptions.RuleParameter, invalid[0], $"-{GuardrailOptions.RuleParameter}: {invalid[0]} is not a rule; the rules are 1 (subscriptions), 2 (paid AMIs) and 3 (distribution).");
        }

        return rules.Distinct().Order().ToList();
    }

    /// <summary>Every value checked; each list without duplicates (ARNs compare case-sensitively in ArnNotLike) and sorted.</summary>
    private static GuardrailExceptions Normalize(GuardrailOptions options)
    {
        IReadOnlyList<string> Principals(IReadOnlyList<string>? values, string parameter)
        {
            foreach (var value in values ?? [])
            {
                GuardrailValues.CheckPrincipalArnPattern(value, parameter);
            }

            return Sorted(values);
        }

        foreach (var value in options.ApprovedProductIds ?? [])
        {
            GuardrailValues.CheckProductId(value);
        }

        return new GuardrailExceptions(
            Principals(options.ProcurementPrincipalArns, GuardrailOptions.ProcurementParameter),
            Principals(options.LauncherPrincipalArns, GuardrailOptions.LauncherParameter),
            Principals(options.GovernancePrincipalArns, GuardrailOptions.GovernanceParameter),
            Sorted(options.ApprovedProductIds));
    }

    private static List<string> Sorted(IReadOnlyList<string>? values) =>
        (values ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>A list for a rule that is not built would do nothing, and a reader of the command would think it did.</summary>
    private static void CheckEveryListIsUsed(IReadOnlyList<int> rules, GuardrailExceptions exceptions)
    {
        void Check(IReadOnlyList<string> values, string parameter, string uses, params int[] usedBy)
        {
            if (values.Count > 0 && !usedBy.Any(rules.Contains))
            {
                throw new GuardrailInputException(GuardrailInputProblem.RuleNotBuilt, parameter, values,
                    $"-{parameter} is for {uses}, but -{GuardrailOptions.RuleParameter} {string.Join(",", rules)} does not build it: add the rule, or leave -{parameter} out.");
            }
        }

        Check(exceptions.ProcurementPrincipalArns, GuardrailOptions.ProcurementParameter, "Rule 1 (and the Private Marketplace of Rule 3)", 1, 3);
        Check(exceptions.LauncherPrincipalArns, GuardrailOptions.LauncherParameter, "Rule 2", 2);
        Check(exceptions.GovernancePrincipalArns, GuardrailOptions.GovernanceParameter, "Rule 3", 3);
        Check(exceptions.ApprovedProductIds, GuardrailOptions.ProductParameter, "Rule 1", 1);
    }

    private static List<string> ExceptedArns(ExceptedRoles roles, GuardrailExceptions exceptions)
    {
        var arns = new List<string>();
        if (roles.HasFlag(ExceptedRoles.Procurement))
        {
            arns.AddRange(exceptions.ProcurementPrincipalArns);
        }

        if (roles.HasFlag(ExceptedRoles.Launcher))
        {
            arns.AddRange(exceptions.LauncherPrincipalArns);
        }

        if (roles.HasFlag(ExceptedRoles.Governance))
        {
            arns.AddRange(exceptions.GovernancePrincipalArns);
        }

        return Sorted(arns);
    }

    /// <summary>The deny with its ArnNotLike; without exceptions it has none and denies every principal.</summary>
    private static Deny WithExceptions(GuardrailDeny deny, GuardrailExceptions exceptions)
    {
        var arns = ExceptedArns(deny.Excepted, exceptions);
        var conditions = arns.Count == 0 ? deny.Conditions : [.. deny.Conditions, GuardrailStatements.Condition("ArnNotLike", PrincipalArnKey, arns)];
        var statement = new PolicyStatement(0, deny.Sid, PolicyEffect.Deny, false, deny.Actions, false, deny.Resources, conditions);
        return new Deny(statement, deny.Excepted, deny.ListsApprovedProducts);
    }

    /// <summary>A built deny, with where its variable list comes from (for the error when it cannot fit).</summary>
    private sealed record Deny(PolicyStatement Statement, ExceptedRoles Excepted, bool ListsProducts);

    /// <summary>Denies with the same resources and conditions become one, named by the first; order is kept.</summary>
    private static List<Deny> Merge(IReadOnlyList<Deny> denies)
    {
        var merged = new List<Deny>();
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var deny in denies)
        {
            var key = MergeKey(deny.Statement);
            if (byKey.TryGetValue(key, out var at))
            {
                var first = merged[at].Statement;
                var actions = first.Actions.Concat(deny.Statement.Actions).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                merged[at] = merged[at] with { Statement = new PolicyStatement(0, first.Sid, PolicyEffect.Deny, false, actions, false, first.Resources, first.Conditions) };
            }
            else
            {
                byKey[key] = merged.Count;
                merged.Add(deny);
            }
        }

        return merged;
    }

    private static string MergeKey(PolicyStatement statement) =>
        string.Join("\u0001", statement.Resources) + "\u0002" + string.Join("\u0002", statement.Conditions
            .Select(c => c.Operator.Name + "\u0003" + c.Key + "\u0003" + string.Join("\u0001", c.Values))
            .Order(StringComparer.Ordinal));

    /// <summary>The rule's statements packed in order into as few documents as fit; a statement that fits none is refused.</summary>
    private static List<IReadOnlyList<PolicyStatement>> Split(int rule, IReadOnlyList<Deny> denies, GuardrailExceptions exceptions)
    {
        var documents = new List<IReadOnlyList<PolicyStatement>>();
        var current = new List<PolicyStatement>();
        var length = Opening.Length + Closing.Length;
        foreach (var deny in denies)
        {
            var text = PolicyJsonWriter.WriteMinimal(deny.Statement).Length;
            var alone = Opening.Length + text + Closing.Length;
            if (alone > GuardrailPolicy.MaxLength)
            {
                throw TooLarge(rule, deny, alone, exceptions);
            }

            var added = length + text + (current.Count > 0 ? 1 : 0);
            if (added > GuardrailPolicy.MaxLength)
            {
                documents.Add(current);
                current = [];
                added = Opening.Length + text + Closing.Length;
            }

            current.Add(deny.Statement);
            length = added;
        }

        documents.Add(current);
        return documents;
    }

    private static GuardrailInputException TooLarge(int rule, Deny deny, int length, GuardrailExceptions exceptions)
    {
        var over = length - GuardrailPolicy.MaxLength;
        var start = $"The Rule {rule} deny {deny.Statement.Sid} needs {length:N0} characters even alone in its SCP, {over:N0} over AWS Organizations' limit of {GuardrailPolicy.MaxLength:N0}";
        if (deny.ListsProducts)
        {
            return new GuardrailInputException(GuardrailInputProblem.TooLarge, GuardrailOptions.ProductParameter, exceptions.ApprovedProductIds,
                $"{start}: -{GuardrailOptions.ProductParameter} lists {exceptions.ApprovedProductIds.Count:N0} products, and the list cannot be split, because a deny that lists part of them denies the others. Approve fewer products here and curate the rest in the Private Marketplace.");
        }

        var parameters = ParametersOf(deny.Excepted).ToList();
        var values = ExceptedArns(deny.Excepted, exceptions);
        return new GuardrailInputException(GuardrailInputProblem.TooLarge, string.Join(", ", parameters), values,
            $"{start}: its exception list (-{string.Join(" and -", parameters)}: {values.Count:N0} ARN patterns, {values.Sum(v => v.Length + 3):N0} characters) cannot be split, because each deny must carry the whole list: a deny that leaves out part of it denies those principals. Use fewer patterns, or wildcards that cover several (arn:aws:iam::*:role/procurement/*).");
    }

    private static IEnumerable<string> ParametersOf(ExceptedRoles roles)
    {
        if (roles.HasFlag(ExceptedRoles.Procurement))
        {
            yield return GuardrailOptions.ProcurementParameter;
        }

        if (roles.HasFlag(ExceptedRoles.Launcher))
        {
            yield return GuardrailOptions.LauncherParameter;
        }

        if (roles.HasFlag(ExceptedRoles.Governance))
        {
            yield return GuardrailOptions.GovernanceParameter;
        }
    }

    private static IEnumerable<string> ParametersOf(int rule) => rule switch
    {
        1 => [GuardrailOptions.ProcurementParameter, GuardrailOptions.ProductParameter],
        2 => [GuardrailOptions.LauncherParameter],
        _ => [GuardrailOptions.GovernanceParameter, GuardrailOptions.ProcurementParameter],
    };

    /// <summary>MarketplaceGuard-Rule1, then MarketplaceGuard-Rule1-Part2 … for the documents of each rule in order.</summary>
    private static List<string> Names(IReadOnlyList<int> rulesOfDocuments) =>
        rulesOfDocuments.Select((rule, i) => rulesOfDocuments.Take(i + 1).Count(r => r == rule) is var part && part > 1
            ? $"{GuardrailPolicy.NamePrefix}Rule{rule}-Part{part}"
            : $"{GuardrailPolicy.NamePrefix}Rule{rule}").ToList();

    private static string Describe(int rule, GuardrailExceptions exceptions)
    {
        static string Except(int count, string who) => count == 0 ? "to every principal" : $"except to {count} {who} ARN pattern{(count == 1 ? string.Empty : "s")}";
        return rule switch
        {
            1 => $"MarketplaceGuard Rule 1: denies subscribing, buying and cancelling in AWS Marketplace {Except(exceptions.ProcurementPrincipalArns.Count, "procurement")}"
                + (exceptions.ApprovedProductIds.Count > 0 ? $"; only {exceptions.ApprovedProductIds.Count} approved product{(exceptions.ApprovedProductIds.Count == 1 ? string.Empty : "s")} may be bought" : string.Empty),
            2 => $"MarketplaceGuard Rule 2: denies launching, copying and sharing paid AMIs {Except(exceptions.LauncherPrincipalArns.Count, "launcher")}",
            _ => $"MarketplaceGuard Rule 3: denies License Manager, Service Catalog and Private Marketplace distribution {Except(exceptions.GovernancePrincipalArns.Count, "governance")}"
                + (exceptions.ProcurementPrincipalArns.Count > 0 ? " (and the Private Marketplace to procurement)" : string.Empty),
        };
    }

    private static PolicyStatement Renumber(PolicyStatement s, int index) =>
        new(index, s.Sid, s.Effect, s.IsNotAction, s.Actions, s.IsNotResource, s.Resources, s.Conditions);
}
