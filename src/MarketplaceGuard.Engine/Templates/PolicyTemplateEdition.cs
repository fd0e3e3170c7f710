namespace MarketplaceGuard.Engine.Templates;

/// <summary>
/// Which text of the Rule 1 templates the module applies. <see cref="Article"/> is the source article's three policies
/// as written; <see cref="Current"/> adds the AWS Marketplace Agreement API, which AWS opened to buyers after the
/// article (purchases through CreateAgreementRequest / AcceptAgreementRequest, cancellation through CancelAgreement).
/// Both editions of a template create the same IAM policy name, so switching edition is a new version of the same
/// policy, and every ARN-based recognition (Revoke's lockout guard, Remove) holds for either.
/// </summary>
public enum PolicyTemplateEdition
{
    /// <summary>The article's documents, semantically unchanged: the default.</summary>
    Article,

    /// <summary>The documents for today's buyer APIs, the Agreement API included.</summary>
    Current,
}
