using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Policies;
using MarketplaceGuard.Cmdlets.Errors;

namespace MarketplaceGuard.Cmdlets.Evaluation;

/// <summary>
/// Test-MarketplacePolicy: evaluates policies offline, the way IAM would (the counterpart of AWS.Tools'
/// Test-IAMCustomPolicy), or answers "could this ever be allowed?" with -Audit. Documents that arrive from the
/// pipeline are gathered and evaluated together, as the policies of one principal.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MarketplacePolicy")]
[OutputType(typeof(EvaluationResult), typeof(AuditResult))]
public sealed class TestMarketplacePolicyCommand : PSCmdlet
{
    private readonly List<(string Text, string Name)> documents = [];

    /// <summary>Identity policy documents (JSON or URL-encoded), evaluated together.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Document")]
    [ValidateNotNullOrEmpty]
    public string[] PolicyDocument { get; set; } = [];

    /// <summary>Names for the documents in explanations (template objects bring their PolicyName).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? PolicyName { get; set; }

    /// <summary>A permissions boundary that must also allow.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PermissionsBoundary { get; set; }

    /// <summary>Service control policies of one organization level; one of them must allow.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ServiceControlPolicy { get; set; }

    /// <summary>Actions to evaluate; wildcards expand through the module's action catalog.</summary>
    [Parameter(Mandatory = true)]
    [Alias("ActionName")]
    [ValidateNotNullOrEmpty]
    public string[] Action { get; set; } = [];

    /// <summary>Resource ARNs; "*" by default.</summary>
    [Parameter]
    [Alias("ResourceArn")]
    [ValidateNotNullOrEmpty]
    public string[] Resource { get; set; } = ["*"];

    /// <summary>Context keys of the request: key to a string or an array of strings.</summary>
    [Parameter]
    [Alias("ContextEntry")]
    public Hashtable? Context { get; set; }

    /// <summary>The calling principal: fills aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType and aws:username.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PrincipalArn { get; set; }

    /// <summary>Audit evaluation: context keys not given are unknown, and the verdict says in which contexts it is allowed.</summary>
    [Parameter]
    public SwitchParameter Audit { get; set; }

    protected override void ProcessRecord()
    {
        for (var i = 0; i < PolicyDocument.Length; i++)
        {
            var name = PolicyName is { } names && i < names.Length && !string.IsNullOrEmpty(names[i]) ? names[i] : null;
            documents.Add((PolicyDocument[i], name ?? $"PolicyDocument[{documents.Count}]"));
        }
    }

    protected override void EndProcessing()
    {
        var compiler = new PolicyCompiler();
        var failed = false;
        NamedPolicy? Compile(string text, string name, string parameter)
        {
            try
            {
                return new NamedPolicy(name, compiler.Compile(text, PolicyParseOptions.Default.WithSource(name)));
            }
            catch (PolicyValidationException e)
            {
                failed = true;
                WriteError(new ErrorRecord(e, ErrorIds.PolicyInvalid, ErrorCategory.InvalidData, $"-{parameter} {name}"));
                return null;
            }
        }

        var identity = documents.Select(d => Compile(d.Text, d.Name, nameof(PolicyDocument))).ToList();
        var boundary = PermissionsBoundary is null ? null : Compile(PermissionsBoundary, "PermissionsBoundary", nameof(PermissionsBoundary));
        var scps = (ServiceControlPolicy ?? []).Select((text, i) => Compile(text, $"ServiceControlPolicy[{i}]", nameof(ServiceControlPolicy))).ToList();
        var context = BuildContext();
        if (failed || context is null)
        {
            return; // an incomplete set of policies would give a misleading answer
        }

        var set = new PolicySet(identity!, boundary, scps.Count == 0 ? null : [scps!]);
        var evaluator = PolicyEvaluator.Default;
        foreach (var action in ExpandActions(evaluator))
        {
            foreach (var resource in Resource)
            {
                WriteObject(Audit ? evaluator.Audit(set, action, resource, context) : evaluator.Explain(set, action, resource, context));
            }
        }
    }

    private IEnumerable<string> ExpandActions(PolicyEvaluator evaluator)
    {
        foreach (var action in Action)
        {
            if (!WildcardPattern.ContainsWildcardCharacters(action))
            {
                yield return action;
                continue;
            }

            var expanded = evaluator.Catalog.Expand(action);
            if (expanded.Count == 0)
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"The action pattern '{action}' matches no action in the module's catalog (it knows: {string.Join(", ", evaluator.Catalog.Services)}). Name the action in full."),
                    ErrorIds.ActionUnknown,
                    ErrorCategory.InvalidArgument,
                    action));
            }

            foreach (var known in expanded)
            {
                yield return known.FullName;
            }
        }
    }

    private RequestContext? BuildContext()
    {
        var keys = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase);
        var absent = new List<string>();
        if (PrincipalArn is not null)
        {
            try
            {
                foreach (var (key, value) in PrincipalContextKeys.FromArn(PrincipalArn))
                {
                    keys[key] = value;
                }

                if (!keys.ContainsKey(PrincipalContextKeys.UserName))
                {
                    absent.Add(PrincipalContextKeys.UserName);
                }
            }
            catch (ArgumentException e)
            {
                WriteError(new ErrorRecord(e, ErrorIds.PrincipalArnInvalid, ErrorCategory.InvalidArgument, PrincipalArn));
                return null;
            }
        }

        foreach (DictionaryEntry entry in Context ?? [])
        {
            var key = entry.Key?.ToString();
            if (string.IsNullOrWhiteSpace(key))
            {
                WriteError(new ErrorRecord(new ArgumentException("-Context has an empty key."), ErrorIds.ContextInvalid, ErrorCategory.InvalidArgument, Context));
                return null;
            }

            keys[key] = ToContextValue(entry.Value);
        }

        return Audit ? RequestContext.Audit(keys, absent) : RequestContext.Concrete(keys);
    }

    private static ContextValue ToContextValue(object? value)
    {
        var unwrapped = value is PSObject ps ? ps.BaseObject : value;
        return unwrapped switch
        {
            null => ContextValue.ListOf([]),
            string s => ContextValue.Of(s),
            IEnumerable many => ContextValue.ListOf(many.Cast<object?>().Select(Text)),
            _ => ContextValue.Of(Text(unwrapped)),
        };
    }

    private static string Text(object? value)
    {
        var unwrapped = value is PSObject ps ? ps.BaseObject : value;
        return unwrapped switch
        {
            bool b => b ? "true" : "false",
            DateTime d => d.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => unwrapped?.ToString() ?? string.Empty,
        };
    }
}
