using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Engine.Procurement;

namespace MarketplaceGuard.Cmdlets.Procurement;

/// <summary>
/// Reads a pipeline object as an agreement: an <see cref="Agreement"/> from Get-MarketplaceAgreement, or the same object
/// after PowerShell serialization (Export-Clixml, a job, a remote session), recognised by its type name. Anything else
/// is refused: an object that merely has an AgreementId could be anything, and a wrong status would read as a leak or
/// hide one.
/// </summary>
internal static class AgreementInput
{
    private static readonly string DeserializedTypeName = "Deserialized." + typeof(Agreement).FullName;

    /// <summary>The agreement; null when it is not one, or a deserialized one lacks its id or account (<paramref name="problem"/> says which).</summary>
    public static Agreement? TryRead(PSObject? input, out string? problem)
    {
        problem = null;
        if (input?.BaseObject is Agreement agreement)
        {
            return agreement;
        }

        if (input is null || !input.TypeNames.Contains(DeserializedTypeName))
        {
            return null;
        }

        object? Value(string name) => input.Properties[name]?.Value is PSObject wrapped ? wrapped.BaseObject : input.Properties[name]?.Value;
        string? Text(string name) => Value(name)?.ToString() is { Length: > 0 } text ? text : null;
        if (Text(nameof(Agreement.AgreementId)) is not { } id || Text(nameof(Agreement.AccountId)) is not { } account)
        {
            problem = "a deserialized agreement without its AgreementId or AccountId";
            return null;
        }

        var status = Text(nameof(Agreement.Status));
        if (status is not null && !AgreementStatuses.All.Contains(status, StringComparer.Ordinal))
        {
            problem = $"the deserialized agreement {id} has the status '{status}', which is not one of {string.Join(", ", AgreementStatuses.All)}";
            return null;
        }

        DateTimeOffset? Time(string name)
        {
            var value = input.Properties[name]?.Value;
            if (value is PSObject { BaseObject: not string and not DateTime and not DateTimeOffset } bag && bag.Properties["UtcDateTime"]?.Value is DateTime utc)
            {
                return new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
            }

            return (value is PSObject wrapped ? wrapped.BaseObject : value) switch
            {
                null => null,
                DateTimeOffset offset => offset,
                DateTime date => date.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(DateTime.SpecifyKind(date, DateTimeKind.Utc)) : new DateTimeOffset(date),
                var other when DateTimeOffset.TryParse(other.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) => parsed,
                var other => throw new FormatException($"{name} '{other}' of agreement {id} is not a time"),
            };
        }

        try
        {
            return new Agreement(id, account)
            {
                AccountName = Text(nameof(Agreement.AccountName)),
                AgreementType = Text(nameof(Agreement.AgreementType)),
                Status = status,
                AcceptorAccountId = Text(nameof(Agreement.AcceptorAccountId)),
                ProposerAccountId = Text(nameof(Agreement.ProposerAccountId)),
                ProductId = Text(nameof(Agreement.ProductId)),
                Resources = List(Value(nameof(Agreement.Resources)))
                    .OfType<PSObject>()
                    .Select(r => r.Properties["Id"]?.Value?.ToString() is { Length: > 0 } resourceId ? new AgreementResource(resourceId, r.Properties["Type"]?.Value?.ToString()) : null)
                    .OfType<AgreementResource>()
                    .ToList(),
                ResourceType = Text(nameof(Agreement.ResourceType)),
                ProductName = Text(nameof(Agreement.ProductName)),
                OfferId = Text(nameof(Agreement.OfferId)),
                OfferSetId = Text(nameof(Agreement.OfferSetId)),
                AcceptanceTime = Time(nameof(Agreement.AcceptanceTime)),
                StartTime = Time(nameof(Agreement.StartTime)),
                EndTime = Time(nameof(Agreement.EndTime)),
                LicenseArns = List(Value(nameof(Agreement.LicenseArns))).Select(a => a?.ToString()).OfType<string>().Where(a => a.Length > 0).ToList(),
            };
        }
        catch (FormatException e)
        {
            problem = e.Message;
            return null;
        }
    }

    private static IEnumerable<object?> List(object? value) => value switch
    {
        null => [],
        string one => [one],
        IEnumerable many => many.Cast<object?>(),
        var one => [one],
    };
}
