using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.Engine.Procurement;

/// <summary>
/// Which of an account's agreements a search keeps: statuses, product ids, resource types (each: any of the values;
/// none given: any), the agreement type, and agreements that end within a span from now. The Agreement API filters
/// some of this itself (one value per filter, and only some combinations); whatever it filters or not, every
/// agreement is checked here too, so the result is the same either way. Values are checked and put in the API's
/// spelling when the filter is made.
/// </summary>
public sealed class AgreementFilter
{
    private AgreementFilter(IReadOnlyList<string> statuses, IReadOnlyList<string> productIds, IReadOnlyList<string> resourceTypes, string agreementType, TimeSpan? expiresWithin)
    {
        Statuses = statuses;
        ProductIds = productIds;
        ResourceTypes = resourceTypes;
        AgreementType = agreementType;
        ExpiresWithin = expiresWithin;
    }

    /// <summary>The shortest expiry span taken: anything shorter is refused as a slip (see <see cref="Create"/>).</summary>
    public static readonly TimeSpan ShortestSpan = TimeSpan.FromMinutes(1);

    /// <summary>Every agreement of the account as acceptor, of type PurchaseAgreement.</summary>
    public static AgreementFilter All { get; } = Create();

    /// <summary>Statuses in the API's spelling (ACTIVE ...); empty for any.</summary>
    public IReadOnlyList<string> Statuses { get; }

    /// <summary>Product ids (prod-…); an agreement matches when any of its resources is one of them. Empty for any.</summary>
    public IReadOnlyList<string> ProductIds { get; }

    /// <summary>Resource types in the API's spelling (AmiProduct ...); an agreement matches when any of its resources has one. Empty for any.</summary>
    public IReadOnlyList<string> ResourceTypes { get; }

    public string AgreementType { get; }

    /// <summary>Keeps agreements whose EndTime is after now and at most this long after it; null for any end (or none).</summary>
    public TimeSpan? ExpiresWithin { get; }

    /// <summary>
    /// A filter from the user's values; throws ArgumentException (ParamName: statuses, productIds, resourceTypes,
    /// agreementType, expiresWithin) naming a value that is not valid. Case is not significant for statuses, types and
    /// the agreement type; duplicates count once.
    /// </summary>
    public static AgreementFilter Create(
        IEnumerable<string>? statuses = null,
        IEnumerable<string>? productIds = null,
        IEnumerable<string>? resourceTypes = null,
        string? agreementType = null,
        TimeSpan? expiresWithin = null)
    {
        var products = (productIds ?? []).ToList();
        foreach (var id in products)
        {
            if (MarketplaceProductId.Problem(id) is { } why)
            {
                throw new ArgumentException($"'{id}' {why}: {MarketplaceProductId.Shape}.", nameof(productIds));
            }
        }

        // Under a minute is no expiry window for agreements that end on a date: it is a slip, most often a bare number,
        // which PowerShell binds as ticks (-ExpiresWithin 30 is 3 microseconds), and it would find nothing expiring.
        if (expiresWithin is { } span && span < ShortestSpan)
        {
            var hint = span > TimeSpan.Zero && span.Ticks < TimeSpan.TicksPerSecond
                ? $" A bare number binds as ticks: {span.Ticks} is {span.Ticks} tick(s); write {span.Ticks}.00:00:00 or (New-TimeSpan -Days {span.Ticks}) for days."
                : string.Empty;
            throw new ArgumentException($"{span} is not a span of time ahead: give a positive one of at least a minute, such as 30.00:00:00 (30 days).{hint}", nameof(expiresWithin));
        }

        return new AgreementFilter(
            Canonical(statuses, AgreementStatuses.All, nameof(statuses)),
            products.Distinct(StringComparer.Ordinal).ToList(),
            Canonical(resourceTypes, AgreementStatuses.ResourceTypes, nameof(resourceTypes)),
            Canonical(agreementType is null ? null : [agreementType], AgreementStatuses.AgreementTypes, nameof(agreementType)).FirstOrDefault() ?? AgreementStatuses.AgreementTypes[0],
            expiresWithin);
    }

    /// <summary>Whether <paramref name="agreement"/> passes every part of the filter at <paramref name="now"/>.</summary>
    public bool Matches(Agreement agreement, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        return (Statuses.Count == 0 || (agreement.Status is { } status && Statuses.Contains(status, StringComparer.Ordinal)))
            && (ProductIds.Count == 0 || agreement.Resources.Any(r => ProductIds.Contains(r.Id, StringComparer.Ordinal)))
            && (ResourceTypes.Count == 0 || agreement.Resources.Any(r => r.Type is { } type && ResourceTypes.Contains(type, StringComparer.Ordinal)))
            && string.Equals(agreement.AgreementType ?? AgreementType, AgreementType, StringComparison.Ordinal)
            && (ExpiresWithin is not { } span || (agreement.EndTime is { } end && end > now && end - now <= span));
    }

    private static List<string> Canonical(IEnumerable<string>? values, IReadOnlyList<string> known, string parameter)
    {
        var result = new List<string>();
        foreach (var value in values ?? [])
        {
            var spelled = known.FirstOrDefault(k => string.Equals(k, value?.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"'{value}' is not one of {string.Join(", ", known)}.", parameter);
            if (!result.Contains(spelled, StringComparer.Ordinal))
            {
                result.Add(spelled);
            }
        }

        return result;
    }
}
