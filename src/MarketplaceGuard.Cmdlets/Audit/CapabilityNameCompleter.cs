using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MarketplaceGuard.Cmdlets.Completion;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>Tab completion of capability names.</summary>
public sealed class CapabilityNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = CompletionText.StartsWith(wordToComplete);
        return CompletionText.Offer(Capabilities.All.Where(c => pattern.IsMatch(c.Name)).Select(c => (c.Name, c.Description)));
    }
}
