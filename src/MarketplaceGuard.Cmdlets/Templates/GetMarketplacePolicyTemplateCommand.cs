using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Engine.Templates;
using MarketplaceGuard.Cmdlets.Errors;

namespace MarketplaceGuard.Cmdlets.Templates;

/// <summary>Get-MarketplacePolicyTemplate: the policies the module applies, with their documents, in one edition.</summary>
[Cmdlet(VerbsCommon.Get, "MarketplacePolicyTemplate")]
[OutputType(typeof(PolicyTemplate))]
public sealed class GetMarketplacePolicyTemplateCommand : PSCmdlet
{
    /// <summary>Template names; wildcards allowed. All templates when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PolicyTemplateNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only the templates of these least-privilege rules (1: subscriptions, 2: paid AMIs, 3: distribution).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateSet("1", "2", "3")]
    public int[]? Rule { get; set; }

    /// <summary>Article (the source article's documents; the default) or Current (the Agreement API covered too).</summary>
    [Parameter]
    [ValidateSet(nameof(PolicyTemplateEdition.Article), nameof(PolicyTemplateEdition.Current), IgnoreCase = true)]
    public string Edition { get; set; } = nameof(PolicyTemplateEdition.Article);

    private IReadOnlyList<PolicyTemplate> Templates => PolicyTemplateCatalog.InEdition(Enum.Parse<PolicyTemplateEdition>(Edition, ignoreCase: true));

    protected override void ProcessRecord()
    {
        if (Name is null)
        {
            WriteObject(Templates.Where(OfRule), enumerateCollection: true);
            return;
        }

        var selected = new HashSet<PolicyTemplate>();
        foreach (var name in Name)
        {
            if (WildcardPattern.ContainsWildcardCharacters(name))
            {
                // A pattern that matches nothing is not an error, as with Get-Command or Get-Process.
                WildcardPattern pattern;
                try
                {
                    pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    selected.UnionWith(Templates.Where(t => pattern.IsMatch(t.Name)));
                }
                catch (WildcardPatternException)
                {
                    WriteError(ModuleErrors.Create(
                        $"-Name: {ModuleErrors.Quote(name)} is not a valid wildcard pattern (a '[' without its ']'?). Valid names: {string.Join(", ", PolicyTemplateCatalog.Names)}.",
                        ErrorIds.TemplateNotFound,
                        ErrorCategory.InvalidArgument,
                        name));
                }
            }
            else if (Templates.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || t.PolicyName.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } template)
            {
                // A named template that -Rule leaves out is said, not silently dropped.
                if (!OfRule(template))
                {
                    WriteError(ModuleErrors.Create(
                        $"The policy template {template.Name} serves rule {template.Rule}, not -Rule {string.Join(", ", Rule!)}.",
                        ErrorIds.TemplateNotFound,
                        ErrorCategory.InvalidArgument,
                        name));
                }

                selected.Add(template);
            }
            else
            {
                var close = Engine.Matching.ClosestNames.Find(name, PolicyTemplateCatalog.Names);
                var hint = close.Count > 0 ? $" Did you mean {string.Join(" or ", close)}?" : string.Empty;
                WriteError(ModuleErrors.Create(
                    $"There is no policy template {ModuleErrors.Quote(name)}.{hint} Valid names: {string.Join(", ", PolicyTemplateCatalog.Names)}.",
                    ErrorIds.TemplateNotFound,
                    ErrorCategory.ObjectNotFound,
                    name));
            }
        }

        // Catalog order, each template once, however many names matched it.
        WriteObject(Templates.Where(t => selected.Contains(t) && OfRule(t)), enumerateCollection: true);
    }

    private bool OfRule(PolicyTemplate template) => Rule is null || Rule.Contains(template.Rule);
}
