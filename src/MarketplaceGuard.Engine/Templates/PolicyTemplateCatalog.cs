using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Templates;

/// <summary>
/// The templates shipped with the module. Their documents are embedded JSON files (Templates/Documents). The Rule 1
/// templates are semantically equal to the policy of the same role in the source article "Securing access to AMIs in
/// AWS Marketplace" (AWS Marketplace blog); the tests compare them with copies of the article's policies. The Rule 2
/// templates are the module's own, built from the EC2 facts of the Service Authorization Reference (each statement's
/// source is in docs/Get-MarketplacePolicyTemplate.md); the tests check them with the module's evaluator. The Rule 3
/// templates grant or deny exactly the distribution paths of the audit (docs/about_MarketplaceGuardDistribution.md).
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

    private static readonly Lazy<IReadOnlyList<PolicyTemplate>> Templates = new(Load);

    /// <summary>All templates, in a stable order.</summary>
    public static IReadOnlyList<PolicyTemplate> All => Templates.Value;

    /// <summary>The template names, for completion and error messages.</summary>
    public static IEnumerable<string> Names => All.Select(t => t.Name);

    /// <summary>The template with this name (case-insensitive), or null.</summary>
    public static PolicyTemplate? Find(string name) =>
        All.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The template with this name; throws when there is none (for names the module itself uses).</summary>
    public static PolicyTemplate Get(string name) =>
        Find(name) ?? throw new KeyNotFoundException($"There is no policy template '{name}'. Valid names: {string.Join(", ", Names)}.");

    private static IReadOnlyList<PolicyTemplate> Load() =>
    [
        Create(Procurement, 1, "View, subscribe to and unsubscribe from AWS Marketplace products."),
        Create(BillingViewer, 1, "View subscriptions only; Subscribe and Unsubscribe explicitly denied."),
        Create(DenyMarketplace, 1, "Explicitly deny every AWS Marketplace action (everyone else)."),
        Create(PaidAmiLauncher, 2, "Launch, copy, share and guard-tag paid (Marketplace) AMIs: the authorized launchers."),
        Create(DenyPaidAmiLaunch, 2, "Explicitly deny launching paid AMIs: Marketplace-owned, guard-tagged, or product-coded instances."),
        Create(DenyPaidAmiReplication, 2, "Explicitly deny copying, exporting, sharing and guard-tag changes of paid AMIs and their snapshots."),
        Create(MarketplaceDistributionAdmin, 3, "Administer distribution: License Manager grants, Service Catalog portfolios and launch roles, the Private Marketplace: the governance principals."),
        Create(DenyMarketplaceDistribution, 3, "Explicitly deny distributing licenses, sharing through Service Catalog and changing the Private Marketplace."),
    ];

    private static PolicyTemplate Create(string name, int rule, string description)
    {
        var resource = $"MarketplaceGuard.Templates.{name}.json";
        using var stream = typeof(PolicyTemplateCatalog).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded template document '{resource}' is missing from the engine assembly.");
        using var reader = new StreamReader(stream);
        var options = PolicyParseOptions.CustomerManagedPolicy.WithSource($"template {name}");
        var document = PolicyParser.Parse(reader.ReadToEnd(), options);
        return new PolicyTemplate(name, "MarketplaceGuard-" + name, rule, description, document);
    }
}
