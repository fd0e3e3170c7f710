// A PowerShell host for tests that answers -Confirm prompts from a script: each PromptForChoice takes the next
// answer ("Yes", "No", "YesToAll", "NoToAll") and records the prompt's message. Compiled with Add-Type.
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

public sealed class ScriptedHost : PSHost
{
    private readonly ScriptedHostUI ui;

    public ScriptedHost(IEnumerable<string> answers)
    {
        ui = new ScriptedHostUI(answers);
    }

    public List<string> Prompts => ui.Prompts;

    public List<string> Output => ui.Output;

    public override string Name => "ScriptedHost";
    public override Version Version => new Version(1, 0);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}

public sealed class ScriptedHostUI : PSHostUserInterface
{
    private readonly Queue<string> answers;

    public ScriptedHostUI(IEnumerable<string> answers)
    {
        this.answers = new Queue<string>(answers);
    }

    public List<string> Prompts { get; } = new List<string>();

    public List<string> Output { get; } = new List<string>();

    public override PSHostRawUserInterface RawUI => null;

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        Prompts.Add(message);
        if (answers.Count == 0)
        {
            throw new InvalidOperationException("Unexpected prompt: " + message);
        }

        var answer = answers.Dequeue();
        var label = answer switch { "Yes" => "&Yes", "YesToAll" => "Yes to &All", "No" => "&No", "NoToAll" => "No to A&ll", _ => answer };
        for (var i = 0; i < choices.Count; i++)
        {
            if (string.Equals(choices[i].Label, label, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new InvalidOperationException("No choice " + answer + " in the prompt " + message);
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new NotSupportedException();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
    public override string ReadLine() => throw new NotSupportedException();
    public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();
    public override void Write(string value) => Output.Add(value);
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Output.Add(value);
    public override void WriteLine(string value) => Output.Add(value);
    public override void WriteErrorLine(string value) => Output.Add("ERROR: " + value);
    public override void WriteDebugLine(string message) { }
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override void WriteVerboseLine(string message) { }
    public override void WriteWarningLine(string message) => Output.Add("WARNING: " + message);
}
