using System;
using System.Linq;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Engine.Changes;

/// <summary>
/// The ARNs the module's policies have in one account, and what an attached policy of the module is: the templates'
/// policies by their default names, and any other policy under the module's path (a grant made with -PolicyName).
/// </summary>
public sealed class ModulePolicyArns
{
    public ModulePolicyArns(string partition, string accountId)
    {
        Partition = partition;
        AccountId = accountId;
        PathPrefix = $"arn:{partition}:iam::{accountId}:policy{PolicyTemplate.ManagedPolicyPath}";
    }

    public string Partition { get; }

    public string AccountId { get; }

    /// <summary>What every policy the module creates starts with: <c>arn:aws:iam::111122223333:policy/marketplaceguard/</c>.</summary>
    public string PathPrefix { get; }

    /// <summary>The ARN of the template's policy (under its default or its -PolicyName name).</summary>
    public string Of(PolicyTemplate template) => PathPrefix + template.PolicyName;

    /// <summary>The ARN of a template's policy under its default name.</summary>
    public string Of(string templateName) => Of(PolicyTemplateCatalog.Get(templateName));

    /// <summary>True for a customer managed policy under the module's path.</summary>
    public bool IsUnderPath(string policyArn) => policyArn.StartsWith(PathPrefix, StringComparison.Ordinal);

    /// <summary>The template whose default-named policy this is, or null.</summary>
    public PolicyTemplate? TemplateOf(string policyArn) => PolicyTemplateCatalog.All.FirstOrDefault(t => Of(t) == policyArn);

    /// <summary>
    /// Whether an attached policy grants procurement: the Procurement template's, or any policy under the module's path
    /// that is not another template's (a grant made with -PolicyName; counting a custom-named view grant too errs
    /// towards refusing).
    /// </summary>
    public bool IsProcurementGrant(string policyArn) =>
        IsUnderPath(policyArn) && (TemplateOf(policyArn)?.Name ?? PolicyTemplateCatalog.Procurement) == PolicyTemplateCatalog.Procurement;

    /// <summary>Whether an attached policy is the module's launcher grant (PaidAmiLauncher has no custom names).</summary>
    public bool IsLauncherGrant(string policyArn) => policyArn == Of(PolicyTemplateCatalog.PaidAmiLauncher);

    /// <summary>Whether an attached policy is the module's governance grant (MarketplaceDistributionAdmin has no custom names).</summary>
    public bool IsGovernanceGrant(string policyArn) => policyArn == Of(PolicyTemplateCatalog.MarketplaceDistributionAdmin);
}
