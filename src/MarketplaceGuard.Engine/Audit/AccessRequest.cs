using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MarketplaceGuard.Engine.Catalog;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// One request of a capability's path: an action on a resource (a pattern stands for every resource it matches, see
/// <see cref="ResourceSet"/>) with what is known of the request's context keys. Keys the request does not mention
/// keep what the principal's audit context says of them (mostly unknown). <c>{account}</c> in the resource or in a
/// value stands for the audited account's id.
/// </summary>
public sealed class AccessRequest
{
    /// <summary>The placeholder for the audited account's id.</summary>
    public const string AccountToken = "{account}";

    /// <summary>The placeholder for the account's partition (aws, aws-cn, aws-us-gov).</summary>
    public const string PartitionToken = "{partition}";

    private readonly ConcurrentDictionary<(string? Account, string Partition), (string Resource, RequestContext? Facts)> bound = new();

    public AccessRequest(
        string action,
        string resource = "*",
        IReadOnlyDictionary<string, ContextValue>? values = null,
        IReadOnlyList<string>? present = null,
        IReadOnlyList<string>? absent = null,
        string? label = null)
    {
        Action = action;
        Resource = resource;
        Values = values ?? new Dictionary<string, ContextValue>();
        Present = present ?? [];
        Absent = absent ?? [];
        this.label = label;
        Service = ActionSet.ServiceOf(action).ToString();
    }

    /// <summary>The action's service prefix (ec2, aws-marketplace ...).</summary>
    public string Service { get; }

    /// <summary>The IAM action, e.g. ec2:RunInstances.</summary>
    public string Action { get; }

    /// <summary>The resource, or a pattern for a set of resources ("*" for actions without resource types).</summary>
    public string Resource { get; }

    /// <summary>Context keys with known values (ec2:Owner = aws-marketplace).</summary>
    public IReadOnlyDictionary<string, ContextValue> Values { get; }

    /// <summary>Context keys known to be in the request, value unknown (ec2:ProductCode of a paid instance).</summary>
    public IReadOnlyList<string> Present { get; }

    /// <summary>Context keys known not to be in the request.</summary>
    public IReadOnlyList<string> Absent { get; }

    /// <summary>How reasons name the request ("ec2:RunInstances on a Marketplace AMI"); the action when none.</summary>
    public string Label => label ?? Action;

    private readonly string? label;

    /// <summary>
    /// Whether <paramref name="catalog"/> says the action has no resource types, so that IAM authorizes it on "*" (see
    /// <see cref="PolicyEvaluator.EffectiveResource"/>). Remembered for the last catalog asked: an audit asks for every
    /// policy and request it evaluates, and the catalog's case-blind lookup hashes the whole name each time, in a fresh
    /// process as generic code that no precompiled image holds, so unoptimized (a profile of the first 1x audit of a
    /// process: 57 samples in that lookup, 2 once the request remembered). The answer is one immutable object, so
    /// threads asking at once need no lock.
    /// </summary>
    internal bool TakesWildcardResource(ActionCatalog catalog)
    {
        if (Volatile.Read(ref wildcardResource) is { } known && ReferenceEquals(known.Catalog, catalog))
        {
            return known.Wildcard;
        }

        var wildcard = catalog.Find(Action) is { RequiresWildcardResource: true };
        Volatile.Write(ref wildcardResource, new CatalogAnswer(catalog, wildcard));
        return wildcard;
    }

    private CatalogAnswer? wildcardResource;

    private sealed record CatalogAnswer(ActionCatalog Catalog, bool Wildcard);

    /// <summary>True when the request states nothing about context keys.</summary>
    public bool IsPlain => Values.Count == 0 && Present.Count == 0 && Absent.Count == 0;

    /// <summary>The resource and the request's own context (null when it states nothing) for one account.</summary>
    internal (string Resource, RequestContext? Facts) Bind(string? accountId, string partition)
    {
        // An audit asks about one account at a time: its binding answers before the table is searched (a table keyed by
        // a pair is generic code compiled when first used, which ran unoptimized through a process's first audit).
        if (lastBinding is { } last && string.Equals(last.AccountId, accountId, StringComparison.Ordinal) && string.Equals(last.Partition, partition, StringComparison.Ordinal))
        {
            return (last.Resource, last.Facts);
        }

        var binding = bound.TryGetValue((accountId, partition), out var known) ? known : bound.GetOrAdd((accountId, partition), static (key, request) => request.BindNow(key.Account, key.Partition), this);
        lastBinding = new Binding(accountId, partition, binding.Resource, binding.Facts);
        return binding;
    }

    private sealed record Binding(string? AccountId, string Partition, string Resource, RequestContext? Facts);

    private Binding? lastBinding;

    private (string Resource, RequestContext? Facts) BindNow(string? accountId, string partition)
    {
        var known = !string.IsNullOrEmpty(accountId);
        var resource = Resource.Replace(AccountToken, known ? accountId : "*", StringComparison.Ordinal).Replace(PartitionToken, partition, StringComparison.Ordinal);
        if (IsPlain)
        {
            return (resource, null);
        }

        // A value that names the account is a present key of unknown value when the account is not known.
        static bool NamesAccount(ContextValue value) => value.Values.Any(v => v.Contains(AccountToken, StringComparison.Ordinal));
        var values = Values.Where(v => known || !NamesAccount(v.Value)).Select(v => KeyValuePair.Create(v.Key, Substitute(v.Value, accountId ?? string.Empty)));
        var present = Present.Concat(Values.Where(v => !known && NamesAccount(v.Value)).Select(v => v.Key));
        return (resource, RequestContext.Audit(values, Absent, present));
    }

    private static ContextValue Substitute(ContextValue value, string accountId)
    {
        var items = value.Values.Select(v => v.Replace(AccountToken, accountId, StringComparison.Ordinal));
        return value.IsMultiValued ? ContextValue.ListOf(items) : ContextValue.Of(items.Single());
    }

    /// <summary>What the request assumes, as a sentence part: "ec2:Owner is aws-marketplace, ec2:ProductCode present".</summary>
    public string DescribeFacts() => string.Join(", ",
        Values.Select(v => $"{v.Key} is {v.Value}").Concat(Present.Select(k => $"{k} present")).Concat(Absent.Select(k => $"{k} absent")));

    public override string ToString() => $"{Action} on {Resource}" + (IsPlain ? string.Empty : $" ({DescribeFacts()})");
}
