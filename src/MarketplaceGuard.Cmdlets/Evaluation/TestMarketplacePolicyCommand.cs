using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Matching;
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
    private bool documentsFromCommandLine;
    private string[]? commandLineDocuments;

    /// <summary>
    /// Identity policy documents (JSON or URL-encoded), evaluated together. Empty and null values are accepted here so
    /// that they reach the cmdlet's own checks (one hint for the lines of a file, a designed error otherwise) instead
    /// of failing parameter binding one line at a time.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Document")]
    [AllowNull]
    [AllowEmptyString]
    [AllowEmptyCollection]
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
    [ArgumentCompleter(typeof(ActionNameCompleter))]
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

    protected override void BeginProcessing()
    {
        // Documents named on the command line count once, even when the pipeline is empty (no ProcessRecord) or
        // brings only names.
        if (MyInvocation.BoundParameters.ContainsKey(nameof(PolicyDocument)))
        {
            documentsFromCommandLine = true;
            commandLineDocuments = PolicyDocument;
            Add(PolicyDocument);
        }
    }

    protected override void ProcessRecord()
    {
        if (!documentsFromCommandLine || !ReferenceEquals(PolicyDocument, commandLineDocuments))
        {
            Add(PolicyDocument);
        }
    }

    private void Add(string[]? texts)
    {
        texts ??= [null!];
        for (var i = 0; i < texts.Length; i++)
        {
            var name = PolicyName is { } names && i < names.Length && !string.IsNullOrEmpty(names[i]) ? names[i] : null;
            documents.Add((texts[i] ?? string.Empty, name ?? $"PolicyDocument[{documents.Count}]"));
        }
    }

    protected override void EndProcessing()
    {
        // No document (an empty pipeline, objects that did not bind, a template wildcard that matched nothing) must
        // not be answered: "implicitly denied" by no policy at all would read as a verdict on the policy.
        if (documents.Count == 0)
        {
            ThrowTerminatingError(ModuleErrors.Create(
                "No policy document reached Test-MarketplacePolicy (the pipeline was empty, or its objects had no PolicyDocument or Document property), so nothing was evaluated. " +
                "Give -PolicyDocument, or pipe policy templates or JSON text (Get-Content ./policy.json -Raw).",
                ErrorIds.PolicyMissing,
                ErrorCategory.InvalidArgument,
                null));
        }

        RefuseLinesOfAFile(documents.Select(d => d.Text).ToList(), nameof(PolicyDocument));
        RefuseLinesOfAFile(ServiceControlPolicy ?? [], nameof(ServiceControlPolicy));
        var actions = ResolveActions(PolicyEvaluator.Default);

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
        foreach (var (action, resource) in Requests(evaluator, actions))
        {
            WriteObject(Audit ? evaluator.Audit(set, action, resource, context) : evaluator.Explain(set, action, resource, context));
        }
    }

    /// <summary>
    /// Each action on each resource, grouped by the resource IAM authorizes it on (so the table view's resource
    /// groups are contiguous), each request once: an action without resource types is asked on "*" however many
    /// resources were given.
    /// </summary>
    private IEnumerable<(string Action, string Resource)> Requests(PolicyEvaluator evaluator, IReadOnlyList<string> actions) =>
        Resource
            .SelectMany(resource => actions.Select(action => (Action: action, Resource: evaluator.EffectiveResource(action, resource))))
            .Distinct()
            .GroupBy(request => request.Resource, StringComparer.Ordinal)
            .SelectMany(group => group);

    /// <summary>
    /// Texts that are the lines of one file (Get-Content without -Raw) would give one error per line: stop with one
    /// error that says how to read the file instead.
    /// </summary>
    private void RefuseLinesOfAFile(IReadOnlyList<string> texts, string parameter)
    {
        if (PolicyParser.LooksLikeLinesOfOneDocument(texts))
        {
            ThrowTerminatingError(ModuleErrors.Create(
                $"-{parameter} received {texts.Count} separate lines instead of whole policy documents, as Get-Content returns a file without -Raw. " +
                "Read each policy file as one string: Get-Content ./policy.json -Raw.",
                ErrorIds.InputSplitIntoLines,
                ErrorCategory.InvalidArgument,
                texts[0]));
        }
    }

    /// <summary>
    /// The actions to evaluate: names trimmed; patterns expanded through the catalog; for a service the catalog
    /// covers, a name it does not list is an error with the nearest names, as is a name without a service prefix.
    /// A name of a service the catalog does not cover is evaluated as given (IAM matches it by pattern), with a
    /// warning when it looks like a typo of a covered service.
    /// </summary>
    private List<string> ResolveActions(PolicyEvaluator evaluator)
    {
        var catalog = evaluator.Catalog;
        var resolved = new List<string>();
        foreach (var raw in Action)
        {
            var action = (raw ?? string.Empty).Trim();
            var colon = action.IndexOf(':', StringComparison.Ordinal);
            if (WildcardPattern.ContainsWildcardCharacters(action))
            {
                var expanded = catalog.Expand(action);
                if (expanded.Count == 0)
                {
                    WriteError(ModuleErrors.Create(
                        $"The action pattern {ModuleErrors.Quote(action)} matches no action in the module's catalog (it knows: {string.Join(", ", catalog.Services)}). Name the action in full.",
                        ErrorIds.ActionUnknown,
                        ErrorCategory.InvalidArgument,
                        action));
                }

                resolved.AddRange(expanded.Select(a => a.FullName));
            }
            else if (catalog.Find(action) is { } known)
            {
                resolved.Add(known.FullName);
            }
            else if (colon <= 0 || colon == action.Length - 1 || catalog.IsComplete(action.AsSpan(0, colon)) || LooksLikeATypo(catalog, action, colon))
            {
                var problem = colon <= 0 || colon == action.Length - 1
                    ? $"The action {ModuleErrors.Quote(action)} is not a full action name: write it as service:Action (aws-marketplace:Subscribe)."
                    : catalog.IsComplete(action.AsSpan(0, colon))
                        ? $"The action {ModuleErrors.Quote(action)} is not an action of {action[..colon]} (the module's catalog lists all of them)."
                        : $"The action {ModuleErrors.Quote(action)} is not among the {action[..colon]} actions the module's catalog holds, and one of them is spelled almost the same.";
                WriteError(ModuleErrors.Create(problem + DidYouMean(catalog.Suggest(action)), ErrorIds.ActionUnknown, ErrorCategory.InvalidArgument, action));
            }
            else
            {
                var suggestions = catalog.Suggest(action);
                if (catalog.Covers(action.AsSpan(0, colon)))
                {
                    // A service of which the catalog holds a selection (ec2): the action may exist, or be a typo of one.
                    WriteWarning($"{ModuleErrors.Quote(action)} is not among the {action[..colon]} actions the module's catalog holds (a selection), so it is evaluated as given." + DidYouMean(suggestions));
                }
                // Only long prefixes are checked: short ones have real neighbours (ecr and ecs next to ec2).
                else if (suggestions.Count > 0 && ClosestNames.Find(action[..colon], catalog.Services.Where(s => s.Length > 4), 1).Count > 0)
                {
                    WriteWarning($"{action[..colon]} is not a service the module's catalog covers, so {ModuleErrors.Quote(action)} is evaluated as given." + DidYouMean(suggestions));
                }

                resolved.Add(action);
            }
        }

        return resolved.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>
    /// For a service of which the catalog holds a selection (ec2): a name one or two letters away from a listed action,
    /// with the same beginning (ec2:RunInstance), is refused as a typo; another name may be a real action the selection
    /// leaves out (ec2:DescribeRegions) and is evaluated as given, with a warning.
    /// </summary>
    private static bool LooksLikeATypo(Engine.Catalog.ActionCatalog catalog, string action, int colon) =>
        catalog.Covers(action.AsSpan(0, colon))
        && catalog.Suggest(action, 1) is [var nearest]
        && Math.Abs(nearest.Length - action.Length) <= 2
        && nearest.Length >= colon + 7 && action.Length >= colon + 7
        && string.Compare(nearest, 0, action, 0, colon + 7, StringComparison.OrdinalIgnoreCase) == 0;

    private static string DidYouMean(IReadOnlyList<string> suggestions) =>
        suggestions.Count == 0 ? string.Empty : $" Did you mean {string.Join(" or ", suggestions)}?";

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
                WriteError(ModuleErrors.Create($"-PrincipalArn: {e.Message}", ErrorIds.PrincipalArnInvalid, ErrorCategory.InvalidArgument, PrincipalArn, e));
                return null;
            }
        }

        var contextKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Context ?? [])
        {
            var key = entry.Key?.ToString();
            if (string.IsNullOrWhiteSpace(key))
            {
                WriteError(ModuleErrors.Create("-Context has an empty key.", ErrorIds.ContextInvalid, ErrorCategory.InvalidArgument, key));
                return null;
            }

            if (ContextValueProblem(entry.Value) is { } problem)
            {
                // A value the evaluator cannot read must not quietly act as "absent" (that can skip an IfExists deny).
                WriteError(ModuleErrors.Create(
                    $"-Context: the value of {ModuleErrors.Quote(key)} {problem}. Give a string, number, boolean or date, or an array of them; leave a key out to say it is absent.",
                    ErrorIds.ContextInvalid,
                    ErrorCategory.InvalidArgument,
                    key));
                return null;
            }

            if (!key.Contains(':', StringComparison.Ordinal))
            {
                WriteError(ModuleErrors.Create(
                    $"-Context: the key {ModuleErrors.Quote(key)} has no prefix; context keys are named like aws:MultiFactorAuthPresent or ec2:Owner.",
                    ErrorIds.ContextInvalid,
                    ErrorCategory.InvalidArgument,
                    key));
                return null;
            }

            var value = ToContextValue(entry.Value);
            if (value.Values.Select(v => GlobalConditionKeyTypes.Problem(key, v)).FirstOrDefault(p => p is not null) is { } typeProblem)
            {
                WriteError(ModuleErrors.Create($"-Context: {typeProblem}.", ErrorIds.ContextInvalid, ErrorCategory.InvalidArgument, key));
                return null;
            }

            if (!contextKeys.Add(key))
            {
                WriteError(ModuleErrors.Create(
                    $"-Context: {ModuleErrors.Quote(key)} is given twice (IAM compares key names without case); give it once.",
                    ErrorIds.ContextInvalid,
                    ErrorCategory.InvalidArgument,
                    key));
                return null;
            }

            keys[key] = value;
        }

        return Audit ? RequestContext.Audit(keys, absent) : RequestContext.Concrete(keys);
    }

    private static string? ContextValueProblem(object? value)
    {
        var unwrapped = value is PSObject ps ? ps.BaseObject : value;
        return unwrapped switch
        {
            null => "is null",
            string => null,
            IDictionary => "is a hashtable",
            IEnumerable many when !many.Cast<object?>().Any() => "is an empty array",
            IEnumerable many => many.Cast<object?>().Select(ScalarProblem).FirstOrDefault(p => p is not null),
            _ => ScalarProblem(unwrapped),
        };

        static string? ScalarProblem(object? item) => (item is PSObject inner ? inner.BaseObject : item) switch
        {
            null => "holds null",
            string or bool or DateTime or DateTimeOffset => null,
            IConvertible => null,
            _ => "holds something that is not a string, number, boolean or date",
        };
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
