using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Engine.PaidResources;

namespace MarketplaceGuard.Cmdlets.PaidResources;

/// <summary>
/// Reads a pipeline object as a guard-tag target: a <see cref="PaidResource"/> from Get-MarketplacePaidResource, or
/// the same object after PowerShell serialization (Export-Clixml, a job, a remote session), recognised by its type
/// name. Anything else is refused: tagging whatever has a ResourceId property could tag the wrong thing.
/// </summary>
internal static class PaidResourceInput
{
    private static readonly string DeserializedTypeName = "Deserialized." + typeof(PaidResource).FullName;

    public static GuardTagTarget? TryRead(PSObject? input)
    {
        if (input?.BaseObject is PaidResource resource)
        {
            return new GuardTagTarget(resource.ResourceType, resource.ResourceId, resource.Region, resource.ProductCodes, resource.IsAccountOwned, resource.OwnerId);
        }

        if (input is null || !input.TypeNames.Contains(DeserializedTypeName))
        {
            return null;
        }

        string? Text(string name) => input.Properties[name]?.Value?.ToString();
        if (!Enum.TryParse<PaidResourceType>(Text(nameof(PaidResource.ResourceType)), ignoreCase: false, out var type)
            || Text(nameof(PaidResource.ResourceId)) is not { Length: > 0 } id
            || Text(nameof(PaidResource.Region)) is not { Length: > 0 } region)
        {
            return null;
        }

        var codes = input.Properties[nameof(PaidResource.ProductCodes)]?.Value is PSObject { BaseObject: IEnumerable list } && list is not string
            ? list.Cast<object?>().Select(c => c?.ToString()).OfType<string>().ToArray()
            : Text(nameof(PaidResource.ProductCodes)) is { Length: > 0 } one ? [one] : [];
        var owned = bool.TryParse(Text(nameof(PaidResource.IsAccountOwned)), out var isOwned) && isOwned;
        return new GuardTagTarget(type, id, region, codes, owned, Text(nameof(PaidResource.OwnerId)));
    }
}
