namespace MarketplaceGuard.Engine.PaidResources;

/// <summary>The EC2 resources that can carry AWS Marketplace product codes.</summary>
public enum PaidResourceType
{
    Image,
    Instance,
    Snapshot,
    Volume,
}
