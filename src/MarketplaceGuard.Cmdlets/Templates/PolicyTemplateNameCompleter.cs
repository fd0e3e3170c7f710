using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MarketplaceGuard.Cmdlets.Completion;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Cmdlets.Templates;

/// <summary>Tab completion of template names for any parameter that takes one.</summary>
public sealed class PolicyTemplateNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName,
        string parameterName,
        string wordToComplete,
        CommandAst commandAst,
        IDictionary fakeBoundParameters)
    {
        var pattern = CompletionText.StartsWith(wordToComplete);
        return CompletionText.Offer(PolicyTemplateCatalog.All.Where(t => pattern.IsMatch(t.Name)).Select(t => (t.Name, t.Description)));
    }
}
