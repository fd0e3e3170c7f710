using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Templates;

/// <summary>
/// A policy the module applies: its document, the IAM name and path it is created under, the rule it serves and the
/// edition its document belongs to.
/// </summary>
public sealed class PolicyTemplate
{
    /// <summary>The IAM path of every customer managed policy the module creates.</summary>
    public const string ManagedPolicyPath = "/marketplaceguard/";

    internal PolicyTemplate(string name, string policyName, int rule, PolicyTemplateEdition edition, string description, PolicyDocument policy)
    {
        Name = name;
        Edition = edition;
        PolicyName = policyName;
        Rule = rule;
        Description = description;
        Policy = policy;
        Document = policy.ToCompactJson();
    }

    /// <summary>The template's short name, e.g. <c>Procurement</c>.</summary>
    public string Name { get; }

    /// <summary>The default name of the customer managed policy created from it, e.g. <c>MarketplaceGuard-Procurement</c>.</summary>
    public string PolicyName { get; }

    /// <summary>The IAM path the policy is created under.</summary>
    public string PolicyPath { get; } = ManagedPolicyPath;

    /// <summary>The least-privilege rule (1, 2 or 3) the template serves.</summary>
    public int Rule { get; }

    /// <summary>
    /// The edition the document was written for: <see cref="PolicyTemplateEdition.Article"/> for the article's text,
    /// <see cref="PolicyTemplateEdition.Current"/> for the module's own (the Rule 2 templates have only that one).
    /// </summary>
    public PolicyTemplateEdition Edition { get; }

    /// <summary>One line: what the policy lets or stops its holders do.</summary>
    public string Description { get; }

    /// <summary>The document as canonical compact JSON, ready for CreatePolicy / New-IAMPolicy -PolicyDocument.</summary>
    public string Document { get; }

    /// <summary>The parsed document (internal: PowerShell users see <see cref="Document"/>, the JSON).</summary>
    internal PolicyDocument Policy { get; }

    /// <summary>The same template under another IAM policy name (-PolicyName).</summary>
    public PolicyTemplate WithPolicyName(string policyName) => new(Name, policyName, Rule, Edition, Description, Policy);

    public override string ToString() => Name;
}
