using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MarketplaceGuard.Cmdlets.Completion;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>Tab completion of the audit's rule ids (MG1001 ...), with each rule's title as the tooltip.</summary>
public sealed class RuleIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = CompletionText.StartsWith(wordToComplete);
        return CompletionText.Offer(AuditRules.All.Where(r => pattern.IsMatch(r.Id)).Select(r => (r.Id, r.Title)));
    }
}
