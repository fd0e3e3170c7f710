using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Cmdlets.Completion;

namespace MarketplaceGuard.Cmdlets.Aws;

/// <summary>Tab completion of -Region: the region codes of the AWS SDK's endpoint data, with their names as tooltips.</summary>
public sealed class RegionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = CompletionText.StartsWith(wordToComplete);
        return CompletionText.Offer(AwsRegions.All.Where(r => pattern.IsMatch(r.Code)).Select(r => (r.Code, $"{r.DisplayName} ({r.Partition})")));
    }
}
