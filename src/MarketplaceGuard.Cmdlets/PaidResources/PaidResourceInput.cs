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

        // A list whether it came back wrapped (deserialized) or was set by a script ($r.ProductCodes = @('a', 'b')); a
        // code is letters and digits (EC2's product codes), so a list flattened to text never becomes a tag value.
        var value = input.Properties[nameof(PaidResource.ProductCodes)]?.Value;
        var raw = value is PSObject wrapped ? wrapped.BaseObject : value;
        var codes = raw is IEnumerable list and not string
            ? list.Cast<object?>().Select(c => c?.ToString()).OfType<string>().ToArray()
            : raw?.ToString() is { Length: > 0 } one ? [one] : [];
        if (codes.Any(c => c.Length == 0 || !c.All(char.IsAsciiLetterOrDigit)))
        {
            return null;
        }

        var owned = bool.TryParse(Text(nameof(PaidResource.IsAccountOwned)), out var isOwned) && isOwned;
        return new GuardTagTarget(type, id, region, codes, owned, Text(nameof(PaidResource.OwnerId)));
    }
}
