using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Cmdlets.Completion;

namespace MarketplaceGuard.Cmdlets.Aws;

/// <summary>
/// Tab completion of -ProfileName: the profiles of the shared credentials and config files (AWS_SHARED_CREDENTIALS_FILE
/// and AWS_CONFIG_FILE honoured), or of the -ProfileLocation file when it is already on the command line.
/// </summary>
public sealed class ProfileNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var location = CompletionText.BoundPath(fakeBoundParameters, "ProfileLocation", "AWSProfilesLocation", "ProfilesLocation");
        var pattern = CompletionText.StartsWith(wordToComplete);
        return CompletionText.Offer(AwsProfiles.Names(location).Where(pattern.IsMatch).Select(name => (name, name)));
    }
}
