namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// Audit requests name their resource as a pattern when the question is about every resource of a kind ("RunInstances
/// on any image": <c>arn:aws:ec2:*::image/*</c>). The lone "*" is not such a set: it is the resource of an action
/// without resource-level permissions, which only a Resource of "*" covers.
/// </summary>
public static class ResourceSet
{
    public static bool IsSet(string resource) => resource.Length > 1 && resource.Contains('*');
}
