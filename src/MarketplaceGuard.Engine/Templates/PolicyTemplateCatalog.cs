using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Templates;

/// <summary>
/// The templates shipped with the module. Their documents are embedded JSON files (Templates/Documents). The Rule 1
/// templates come in two editions (<see cref="PolicyTemplateEdition"/>). The Article edition is semantically equal to
/// the policy of the same role in the source article "Securing access to AMIs in AWS Marketplace" (AWS Marketplace
/// blog); the tests compare them with copies of the article's policies. The Current edition's Procurement and
/// BillingViewer (Documents/*.Current.json) add the Agreement API (RULE2-RULE3-FACTS section 6): the article predates
/// buyer purchases through it, and its BillingViewer denies only Subscribe and Unsubscribe, so a viewer who also holds
/// AWSMarketplaceManageSubscriptions can cancel agreements. DenyMarketplace has one document for both editions: its
/// <c>aws-marketplace:*</c> already covers the Agreement API, whose actions are all in the aws-marketplace namespace.
/// The Rule 2 templates are the module's own, built from the EC2 facts of the Service Authorization Reference (each
/// statement's source is in docs/Get-MarketplacePolicyTemplate.md), and have that one edition, the same in both
/// listings; the tests check them with the module's evaluator. The Rule 3
/// templates (one edition, like Rule 2's) grant or deny exactly the distribution paths of the audit
/// (docs/about_MarketplaceGuardDistribution.md).
/// </summary>
public static class PolicyTemplateCatalog
{
    public const string Procurement = "Procurement";
    public const string BillingViewer = "BillingViewer";
    public const string DenyMarketplace = "DenyMarketplace";
    public const string PaidAmiLauncher = "PaidAmiLauncher";
    public const string DenyPaidAmiLaunch = "DenyPaidAmiLaunch";
    public const string DenyPaidAmiReplication = "DenyPaidAmiReplication";
    public const string MarketplaceDistributionAdmin = "MarketplaceDistributionAdmin";
    public const string DenyMarketplaceDistribution = "DenyMarketplaceDistribution";

    private static readonly Lazy<Dictionary<PolicyTemplateEdition, IReadOnlyList<PolicyTemplate>>> Templates = new(Load);

    /// <summary>The editions, the default (Article) first.</summary>
    public static IReadOnlyList<PolicyTemplateEdition> Editions { get; } = [PolicyTemplateEdition.Article, PolicyTemplateEdition.Current];

    /// <summary>The default edition's templates (Article), in a stable order.</summary>
    public static IReadOnlyList<PolicyTemplate> All => InEdition(PolicyTemplateEdition.Article);

    /// <summary>The template names, for completion and error messages (the same in every edition).</summary>
    public static IEnumerable<string> Names => All.Select(t => t.Name);

    /// <summary>An edition's templates, in the same order as <see cref="All"/>.</summary>
    public static IReadOnlyList<PolicyTemplate> InEdition(PolicyTemplateEdition edition) =>
        Templates.Value.TryGetValue(edition, out var templates) ? templates : throw new ArgumentOutOfRangeException(nameof(edition), edition, $"Valid editions: {string.Join(", ", Editions)}.");

    /// <summary>The template with this name (case-insensitive) in the default edition, or null.</summary>
    public static PolicyTemplate? Find(string name) => Find(name, PolicyTemplateEdition.Article);

    /// <summary>The template with this name (case-insensitive) in an edition, or null.</summary>
    public static PolicyTemplate? Find(string name, PolicyTemplateEdition edition) =>
        InEdition(edition).FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The template with this name; throws when there is none (for names the module itself uses).</summary>
    public static PolicyTemplate Get(string name) => Get(name, PolicyTemplateEdition.Article);

    /// <summary>The template with this name in an edition; throws when there is none.</summary>
    public static PolicyTemplate Get(string name, PolicyTemplateEdition edition) =>
        Find(name, edition) ?? throw new KeyNotFoundException($"There is no policy template '{name}'. Valid names: {string.Join(", ", Names)}.");

    private static Dictionary<PolicyTemplateEdition, IReadOnlyList<PolicyTemplate>> Load()
    {
        var deny = Create(DenyMarketplace, 1, PolicyTemplateEdition.Article, "Explicitly deny every AWS Marketplace action (everyone else).");
        IReadOnlyList<PolicyTemplate> rule2 =
        [
            Create(PaidAmiLauncher, 2, PolicyTemplateEdition.Current, "Launch, copy, share and guard-tag paid (Marketplace) AMIs: the authorized launchers."),
            Create(DenyPaidAmiLaunch, 2, PolicyTemplateEdition.Current, "Explicitly deny launching paid AMIs: Marketplace-owned, guard-tagged, or product-coded instances."),
            Create(DenyPaidAmiReplication, 2, PolicyTemplateEdition.Current, "Explicitly deny copying, exporting, sharing and guard-tag changes of paid AMIs and their snapshots."),
            Create(MarketplaceDistributionAdmin, 3, PolicyTemplateEdition.Current, "Administer distribution: License Manager grants, Service Catalog portfolios and launch roles, the Private Marketplace: the governance principals."),
            Create(DenyMarketplaceDistribution, 3, PolicyTemplateEdition.Current, "Explicitly deny distributing licenses, sharing through Service Catalog and changing the Private Marketplace."),
        ];

        return new Dictionary<PolicyTemplateEdition, IReadOnlyList<PolicyTemplate>>
        {
            [PolicyTemplateEdition.Article] =
            [
                Create(Procurement, 1, PolicyTemplateEdition.Article, "View, subscribe to and unsubscribe from AWS Marketplace products."),
                Create(BillingViewer, 1, PolicyTemplateEdition.Article, "View subscriptions only; Subscribe and Unsubscribe explicitly denied."),
                deny,
                .. rule2,
            ],
            [PolicyTemplateEdition.Current] =
            [
                Create(Procurement, 1, PolicyTemplateEdition.Current, "View, subscribe and unsubscribe; buy, cancel and read agreements through the Agreement API.", Procurement + ".Current"),
                Create(BillingViewer, 1, PolicyTemplateEdition.Current, "View subscriptions and agreements only; every purchase and cancellation, of both APIs, explicitly denied.", BillingViewer + ".Current"),
                deny,
                .. rule2,
            ],
        };
    }

    /// <summary>The template of the embedded document Documents/{file}.json (by default the template's name).</summary>
    private static PolicyTemplate Create(string name, int rule, PolicyTemplateEdition edition, string description, string? file = null)
    {
        var resource = $"MarketplaceGuard.Templates.{file ?? name}.json";
        using var stream = typeof(PolicyTemplateCatalog).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded template document '{resource}' is missing from the engine assembly.");
        using var reader = new StreamReader(stream);
        var options = PolicyParseOptions.CustomerManagedPolicy.WithSource($"template {name} ({edition} edition)");
        var document = PolicyParser.Parse(reader.ReadToEnd(), options);
        return new PolicyTemplate(name, "MarketplaceGuard-" + name, rule, edition, description, document);
    }
}
