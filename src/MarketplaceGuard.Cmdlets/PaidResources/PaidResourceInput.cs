using System;
using System.Collections;
using System.Collections.Generic;
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

    /// <summary>The states DescribeInstances reports; an instance in any other state cannot be judged running or not.</summary>
    private static readonly string[] InstanceStates = ["pending", "running", "shutting-down", "terminated", "stopping", "stopped"];

    /// <summary>
    /// The whole paid resource (for the procurement inventory): the live object, or one rebuilt from its deserialized
    /// form with its account, state, owner and tags; null for anything else, or for a deserialized one that cannot be
    /// judged (<paramref name="problem"/> says why): one missing its type, id, region or account, without product
    /// codes, or an instance whose state is not one EC2 reports. Such an instance would otherwise count as neither
    /// running nor stopped, and a billing leak would vanish from the inventory.
    /// </summary>
    public static PaidResource? TryReadResource(PSObject? input, out string? problem)
    {
        problem = null;
        if (input?.BaseObject is PaidResource resource)
        {
            return resource;
        }

        if (input is null || !input.TypeNames.Contains(DeserializedTypeName))
        {
            return null;
        }

        string? Text(string name) => input.Properties[name]?.Value?.ToString();
        var label = Text(nameof(PaidResource.ResourceId)) is { Length: > 0 } named ? $"the deserialized paid resource {named}" : "a deserialized paid resource";
        if (!Enum.TryParse<PaidResourceType>(Text(nameof(PaidResource.ResourceType)), ignoreCase: false, out var type)
            || Text(nameof(PaidResource.ResourceId)) is not { Length: > 0 } id
            || Text(nameof(PaidResource.Region)) is not { Length: > 0 } region
            || Text(nameof(PaidResource.AccountId)) is not { Length: > 0 } account)
        {
            problem = $"{label} without its ResourceType, ResourceId, Region or AccountId";
            return null;
        }

        if (ProductCodes(input) is not { Length: > 0 } codes)
        {
            problem = $"{label} has no product codes, or one that is not letters and digits";
            return null;
        }

        var state = Text(nameof(PaidResource.State));
        if (type == PaidResourceType.Instance && !InstanceStates.Contains(state, StringComparer.OrdinalIgnoreCase))
        {
            problem = $"{label} has the state {(state is null ? "(none)" : $"'{state}'")}, which is not one of {string.Join(", ", InstanceStates)}";
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var tagValue = input.Properties[nameof(PaidResource.Tags)]?.Value;
        if ((tagValue is PSObject wrappedTags ? wrappedTags.BaseObject : tagValue) is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (entry.Key?.ToString() is { } key)
                {
                    tags[key] = entry.Value?.ToString() ?? string.Empty;
                }
            }
        }

        return new PaidResource(type, id, region, account)
        {
            ProductCodes = codes,
            AccountName = Text(nameof(PaidResource.AccountName)),
            OwnerId = Text(nameof(PaidResource.OwnerId)),
            State = state,
            Name = Text(nameof(PaidResource.Name)),
            SourceImageId = Text(nameof(PaidResource.SourceImageId)),
            Tags = tags,
            Evidence = Text(nameof(PaidResource.Evidence)) ?? string.Empty,
            IsAccountOwned = bool.TryParse(Text(nameof(PaidResource.IsAccountOwned)), out var owned) && owned,
        };
    }

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

        if (ProductCodes(input) is not { } codes)
        {
            return null;
        }

        var owned = bool.TryParse(Text(nameof(PaidResource.IsAccountOwned)), out var isOwned) && isOwned;
        return new GuardTagTarget(type, id, region, codes, owned, Text(nameof(PaidResource.OwnerId)));
    }

    /// <summary>
    /// The product codes, whether they came back wrapped (deserialized) or were set by a script ($r.ProductCodes = @('a',
    /// 'b')); null when one is not letters and digits (EC2's product codes), so a list flattened to text never becomes a
    /// tag value or a join key.
    /// </summary>
    private static string[]? ProductCodes(PSObject input)
    {
        var value = input.Properties[nameof(PaidResource.ProductCodes)]?.Value;
        var raw = value is PSObject wrapped ? wrapped.BaseObject : value;
        var codes = raw is IEnumerable list and not string
            ? list.Cast<object?>().Select(c => c?.ToString()).OfType<string>().ToArray()
            : raw?.ToString() is { Length: > 0 } one ? [one] : [];
        return codes.Any(c => c.Length == 0 || !c.All(char.IsAsciiLetterOrDigit)) ? null : codes;
    }
}
