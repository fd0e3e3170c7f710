using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace MarketplaceGuard.Cmdlets.Principals;

/// <summary>
/// Turns what a user passes as a principal into the text the engine's resolver reads: strings as they are, and
/// objects by property name, so AWS.Tools objects (Get-IAMUser, Get-IAMGroup's reply, Get-IAMRole), the module's
/// findings and access entries, and any object with GroupName/UserName/RoleName/Arn all work. Read by duck typing,
/// never by compiled-in AWS.Tools types.
/// </summary>
public static class PrincipalValue
{
    private static readonly (string Property, string Kind)[] NameProperties = [("GroupName", "group"), ("UserName", "user"), ("RoleName", "role")];

    /// <summary>The principal value an object names ("group/Billing", an ARN, a plain name); null with a problem when it names none or several.</summary>
    public static string? FromObject(object? item, out string? problem)
    {
        problem = null;
        var value = item is PSObject wrapped ? wrapped.BaseObject : item;
        switch (value)
        {
            case null:
                problem = "is empty";
                return null;
            case string text:
                return text;
            case IConvertible:
                return Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        var ps = PSObject.AsPSObject(item!);
        var named = new List<(string Kind, string Name)>();
        foreach (var (property, kind) in NameProperties)
        {
            var raw = ps.Properties[property]?.Value is PSObject inner ? inner.BaseObject : ps.Properties[property]?.Value;
            if (raw is null)
            {
                continue;
            }

            if (raw is not string && LanguagePrimitives.GetEnumerable(raw) is not null)
            {
                problem = $"has several values in {property}; pipe one object per principal";
                return null;
            }

            var text = raw.ToString()?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                problem = $"has an empty {property}";
                return null;
            }

            named.Add((kind, text));
        }

        if (named.Count > 1)
        {
            problem = $"names more than one kind of principal ({string.Join(", ", named.Select(n => $"{n.Kind} {n.Name}"))}); pipe users, groups and roles as separate objects";
            return null;
        }

        if (named.Count == 1)
        {
            // An ARN beside the name must name the same principal: which one was meant is otherwise a guess.
            foreach (var arnProperty in new[] { "Arn", "PrincipalArn", "Principal" })
            {
                if (Read(ps, arnProperty) is { Length: > 0 } beside && Disagrees(beside, named[0].Kind, named[0].Name))
                {
                    problem = $"names more than one principal ({named[0].Kind} {named[0].Name} by {char.ToUpperInvariant(named[0].Kind[0])}{named[0].Kind[1..]}Name, {beside} by {arnProperty})";
                    return null;
                }
            }

            return $"{named[0].Kind}/{named[0].Name}";
        }

        // AWS.Tools replies that wrap the entity: Get-IAMGroup returns { Group = { GroupName }, Users = ... }.
        foreach (var (property, kind) in new[] { ("Group", "group"), ("User", "user"), ("Role", "role") })
        {
            if (ps.Properties[property]?.Value is { } inner && Read(PSObject.AsPSObject(inner), char.ToUpperInvariant(kind[0]) + kind[1..] + "Name") is { Length: > 0 } name)
            {
                return $"{kind}/{name}";
            }
        }

        if (Read(ps, "PrincipalArn") is { Length: > 0 } principalArn)
        {
            return principalArn;
        }

        if (Read(ps, "Arn") is { Length: > 0 } arn)
        {
            return arn;
        }

        if (Read(ps, "Principal") is { Length: > 0 } principal)
        {
            return principal;
        }

        var has = ps.Properties.Select(p => p.Name).Take(6).ToList();
        problem = "has no GroupName, UserName, RoleName, PrincipalArn, Arn or Principal property" +
            (has.Count == 0 ? string.Empty : $" (it has {string.Join(", ", has)})");
        return null;
    }

    /// <summary>Every element of a value that may be one object or a collection.</summary>
    public static IEnumerable<object?> Elements(object? value)
    {
        var enumerable = LanguagePrimitives.GetEnumerable(value is PSObject ps && ps.BaseObject is not PSCustomObject ? ps.BaseObject : value);
        if (enumerable is null)
        {
            yield return value;
            yield break;
        }

        foreach (var element in enumerable)
        {
            yield return element;
        }
    }

    private static string? Read(PSObject value, string property) => value.Properties[property]?.Value?.ToString()?.Trim();

    // An IAM ARN of another kind or name than the name property says; ARNs of other things (a policy) say nothing.
    private static bool Disagrees(string arn, string kind, string name)
    {
        try
        {
            var selector = Engine.Principals.PrincipalSelector.Parse(arn);
            return selector.Kind is { } arnKind
                && (Engine.Principals.PrincipalRef.KindName(arnKind) != kind || !selector.NamePattern.Equals(name, StringComparison.OrdinalIgnoreCase));
        }
        catch (Engine.Principals.PrincipalSelectorException)
        {
            return false;
        }
    }
}

/// <summary>
/// Lets -ProcurementPrincipal, -ViewerPrincipal and -Principal take objects as well as strings (AWS.Tools users,
/// groups and roles, findings), turning each into a principal value; an object that names no principal, or several,
/// is refused at binding with a message that says why.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PrincipalTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var values = new List<string>();
        foreach (var element in PrincipalValue.Elements(inputData))
        {
            var text = PrincipalValue.FromObject(element, out var problem);
            if (text is null)
            {
                throw new ArgumentTransformationMetadataException($"The value {problem}: give user, group or role names, type/name (group/Billing), ARNs, or objects with a GroupName, UserName, RoleName or Arn.");
            }

            values.Add(text);
        }

        return values.ToArray();
    }
}
