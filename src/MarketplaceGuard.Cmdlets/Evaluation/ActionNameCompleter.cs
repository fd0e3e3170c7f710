using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MarketplaceGuard.Cmdlets.Completion;
using MarketplaceGuard.Engine.Catalog;

namespace MarketplaceGuard.Cmdlets.Evaluation;

/// <summary>
/// Tab completion of action names from the module's catalog: "aws-marketplace:Sub" and "Sub" both complete to
/// aws-marketplace:Subscribe, with the access level as the tooltip.
/// </summary>
public sealed class ActionNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = CompletionText.Typed(wordToComplete);
        var pattern = CompletionText.StartsWith(wordToComplete);
        return CompletionText.Offer(ActionCatalog.Default.Actions
            .Where(a => pattern.IsMatch(a.FullName) || (!typed.Contains(':') && pattern.IsMatch(a.Name)))
            .Select(a => (a.FullName, $"{a.FullName} ({a.AccessLevel})")));
    }
}
