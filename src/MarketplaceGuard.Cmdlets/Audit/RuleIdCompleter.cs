using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>Tab completion of the audit's rule ids (MG1001 ...), with each rule's title as the tooltip.</summary>
public sealed class RuleIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return AuditRules.All
            .Where(r => pattern.IsMatch(r.Id))
            .Select(r => new CompletionResult(r.Id, r.Id, CompletionResultType.ParameterValue, r.Title))
            .ToList();
    }
}
