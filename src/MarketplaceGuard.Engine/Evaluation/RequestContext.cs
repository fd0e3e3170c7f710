using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Matching;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// The context keys of a request (aws:SourceIp, aws:username, aws-marketplace:ProductId ...), compared
/// case-insensitively by name. A concrete context is closed: a key it does not hold is absent from the request. An
/// audit context is open: a key it does not hold is unknown, unless it was declared absent.
/// </summary>
public sealed class RequestContext : IVariableSource
{
    private readonly Dictionary<string, ContextValue> values;
    private readonly HashSet<string> absentKeys;

    // Values and known-absent flags by ContextKey.Id: a condition finds its key without hashing the name. A key
    // interned after this context was built cannot be one of its keys, so an index past the end means "not given".
    private readonly ContextValue?[] valuesById;
    private readonly bool[] absentById;

    private RequestContext(Dictionary<string, ContextValue> values, HashSet<string> absentKeys, bool unlistedKeysAreUnknown)
    {
        this.values = values;
        this.absentKeys = absentKeys;
        UnlistedKeysAreUnknown = unlistedKeysAreUnknown;

        var valueKeys = values.Keys.Select(ContextKey.Of).ToArray();
        var absent = absentKeys.Select(ContextKey.Of).ToArray();
        valuesById = new ContextValue?[valueKeys.Select(k => k.Id + 1).DefaultIfEmpty(0).Max()];
        foreach (var key in valueKeys)
        {
            valuesById[key.Id] = values[key.Name];
        }

        absentById = new bool[absent.Select(k => k.Id + 1).DefaultIfEmpty(0).Max()];
        foreach (var key in absent)
        {
            absentById[key.Id] = true;
        }
    }

    /// <summary>A concrete context with no keys.</summary>
    public static RequestContext Empty { get; } = Concrete(new Dictionary<string, ContextValue>());

    /// <summary>An audit context where every key is unknown.</summary>
    public static RequestContext Unknown { get; } = Audit(new Dictionary<string, ContextValue>());

    /// <summary>True for audit contexts.</summary>
    public bool UnlistedKeysAreUnknown { get; }

    /// <summary>The keys this context holds values for.</summary>
    public IEnumerable<string> Keys => values.Keys;

    /// <summary>A concrete context: keys not listed are absent from the request.</summary>
    public static RequestContext Concrete(IEnumerable<KeyValuePair<string, ContextValue>> keys) =>
        new(ToDictionary(keys), new HashSet<string>(StringComparer.OrdinalIgnoreCase), unlistedKeysAreUnknown: false);

    /// <summary>An audit context: keys not listed are unknown, except <paramref name="absentKeys"/>.</summary>
    public static RequestContext Audit(IEnumerable<KeyValuePair<string, ContextValue>> keys, IEnumerable<string>? absentKeys = null) =>
        new(ToDictionary(keys), new HashSet<string>(absentKeys ?? [], StringComparer.OrdinalIgnoreCase), unlistedKeysAreUnknown: true);

    /// <summary>This context with more keys (values given here win).</summary>
    public RequestContext With(IEnumerable<KeyValuePair<string, ContextValue>> keys)
    {
        var merged = new Dictionary<string, ContextValue>(values, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in keys)
        {
            merged[key] = value;
        }

        return new RequestContext(merged, absentKeys, UnlistedKeysAreUnknown);
    }

    /// <summary>This context with keys made known-absent (for an audit: e.g. aws:username for a role).</summary>
    public RequestContext WithAbsent(IEnumerable<string> keys)
    {
        var absent = new HashSet<string>(absentKeys, StringComparer.OrdinalIgnoreCase);
        absent.UnionWith(keys);
        return new RequestContext(values, absent, UnlistedKeysAreUnknown);
    }

    /// <summary>What the context knows about a key.</summary>
    public KeyState Lookup(string key, out ContextValue? value) => Lookup(ContextKey.Of(key), out value);

    /// <summary>What the context knows about a key.</summary>
    public KeyState Lookup(ContextKey key, out ContextValue? value)
    {
        var id = key.Id;
        value = id < valuesById.Length ? valuesById[id] : null;
        if (value is not null)
        {
            return KeyState.Present;
        }

        return UnlistedKeysAreUnknown && !(id < absentById.Length && absentById[id]) ? KeyState.Unknown : KeyState.Absent;
    }

    public KeyState TryGetVariable(ContextKey key, out string value)
    {
        var state = Lookup(key, out var contextValue);
        if (state == KeyState.Present && contextValue!.Values.Count == 1)
        {
            value = contextValue.Values[0];
            return KeyState.Present;
        }

        value = string.Empty;
        return state == KeyState.Unknown ? KeyState.Unknown : KeyState.Absent;
    }

    private static Dictionary<string, ContextValue> ToDictionary(IEnumerable<KeyValuePair<string, ContextValue>> keys)
    {
        var result = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in keys)
        {
            result[key] = value;
        }

        return result;
    }
}

/// <summary>
/// The value of one context key: a single string, or a list (a multi-valued key such as aws:TagKeys). Numeric,
/// date, IP and binary readings are parsed once, on first use, so repeated decisions on the same context do not
/// allocate.
/// </summary>
public sealed class ContextValue
{
    private double?[]? numbers;
    private long?[]? dates;
    private (bool IsV6, UInt128 Address)?[]? addresses;
    private byte[]?[]? binaries;

    private ContextValue(IReadOnlyList<string> values, bool isMultiValued)
    {
        Values = values;
        IsMultiValued = isMultiValued;
    }

    public IReadOnlyList<string> Values { get; }

    /// <summary>True when given as a list (even of one value); set operators are meant for such keys.</summary>
    public bool IsMultiValued { get; }

    public static ContextValue Of(string value) => new([value], isMultiValued: false);

    public static ContextValue ListOf(IEnumerable<string> values) => new(values.ToArray(), isMultiValued: true);

    public static implicit operator ContextValue(string value) => Of(value);

    public override string ToString() => IsMultiValued ? "[" + string.Join(", ", Values) + "]" : Values[0];

    internal double? Number(int index) => (numbers ??= Values.Select(ConditionValues.ParseNumber).ToArray())[index];

    internal long? Date(int index) => (dates ??= Values.Select(ConditionValues.ParseDate).ToArray())[index];

    internal (bool IsV6, UInt128 Address)? Address(int index) =>
        (addresses ??= Values.Select(v => IpRange.TryParseAddress(v.AsSpan().Trim(), out var isV6, out var address) ? (isV6, address) : ((bool, UInt128)?)null).ToArray())[index];

    internal byte[]? Binary(int index) => (binaries ??= Values.Select(ConditionValues.ParseBase64).ToArray())[index];
}
