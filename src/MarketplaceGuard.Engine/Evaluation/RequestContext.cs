using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MarketplaceGuard.Engine.Matching;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// The context keys of a request (aws:SourceIp, aws:username, aws-marketplace:ProductId ...), compared
/// case-insensitively by name. A concrete context is closed: a key it does not hold is absent from the request. An
/// audit context is open: a key it does not hold is unknown, unless it was declared absent, or declared present with
/// a value nobody knows (an EC2 instance launched from a paid AMI carries <c>ec2:ProductCode</c>, whichever code it is).
/// An audit context can be laid over another (<see cref="Over"/>): what a request knows of its resource over what the
/// audit knows of its principal.
/// </summary>
public sealed class RequestContext : IVariableSource
{
    // Shared by every context that lists no keys of a kind: the sets are never changed once a context holds them.
    // (First: the static contexts below are built with it.)
    private static readonly HashSet<string> NoKeys = new(StringComparer.OrdinalIgnoreCase);

    // What this context knows itself; a layer laid over another context (see Over) shares its top's, so that building
    // one costs one small object, which matters per principal and request (tens of thousands per audit).
    private readonly Layer own;
    private readonly RequestContext? under;

    /// <summary>
    /// The keys of one context with their values, and the keys known absent or present, by name and by id
    /// (<see cref="ContextKey.Id"/>): a condition finds its key without hashing the name. A context holds a handful of
    /// keys, so the id lists are searched in place; ids kept densely would cost every principal's context an array as
    /// long as the account's whole key vocabulary.
    /// </summary>
    private sealed class Layer
    {
        private readonly string[] names;

        /// <summary>
        /// The context's <see cref="RequestContext.UnlistedKeysAreUnknown"/>, kept here: a layer is made for one context,
        /// and the contexts laid over others share their top's (audit contexts, all of them), so a layered context,
        /// made per principal and request, holds two fields only.
        /// </summary>
        public bool UnlistedKeysAreUnknown { get; set; }
        private Dictionary<string, ContextValue>? values; // of a layer made from lists: built when first asked for

        public Layer(Dictionary<string, ContextValue> values, HashSet<string> absentKeys, HashSet<string> presentKeys)
            : this([.. values.Keys], [.. values.Values], absentKeys, presentKeys) => this.values = values;

        /// <summary>A layer of these keys (distinct, compared case-insensitively) and values, position by position.</summary>
        public Layer(string[] names, ContextValue[] valueList, HashSet<string> absentKeys, HashSet<string> presentKeys)
        {
            this.names = names;
            AbsentKeys = absentKeys;
            PresentKeys = presentKeys;
            ValueIds = new int[names.Length];
            ValueList = valueList;
            for (var i = 0; i < names.Length; i++)
            {
                ValueIds[i] = ContextKey.Of(names[i]).Id;
            }

            AbsentIds = Ids(absentKeys);
            PresentIds = Ids(presentKeys);
        }

        /// <summary>
        /// The keys and values by name, for the rare callers that list or copy them (<see cref="Keys"/>, <see cref="With"/>):
        /// every principal's context is made from lists, and a dictionary each cost the 1x account 2 MB per audit.
        /// Built once and never changed after, so threads that race here build equal ones.
        /// </summary>
        public Dictionary<string, ContextValue> Values
        {
            get
            {
                if (values is { } built)
                {
                    return built;
                }

                return values = ByName(names, ValueList);
            }
        }

        public int Count => names.Length;

        public HashSet<string> AbsentKeys { get; }

        public HashSet<string> PresentKeys { get; }

        public int[] ValueIds { get; }

        public ContextValue[] ValueList { get; }

        public int[] AbsentIds { get; }

        public int[] PresentIds { get; }

        /// <summary>Whether this layer says anything of the key: a value, absent or present.</summary>
        public bool Knows(int id) => Holds(ValueIds, id) || Holds(AbsentIds, id) || Holds(PresentIds, id);

        public ContextValue? ValueOf(int id)
        {
            for (var i = 0; i < ValueIds.Length; i++)
            {
                if (ValueIds[i] == id)
                {
                    return ValueList[i];
                }
            }

            return null;
        }
    }

    private RequestContext(Dictionary<string, ContextValue> values, HashSet<string> absentKeys, HashSet<string> presentKeys, bool unlistedKeysAreUnknown)
        : this(new Layer(values, absentKeys, presentKeys), unlistedKeysAreUnknown)
    {
    }

    private RequestContext(Layer layer, bool unlistedKeysAreUnknown)
    {
        own = layer;
        layer.UnlistedKeysAreUnknown = unlistedKeysAreUnknown;
    }

    private RequestContext(Layer top, RequestContext under)
    {
        own = top; // the layer of an audit context (see Over)
        this.under = under;
    }

    /// <summary>A concrete context with no keys.</summary>
    public static RequestContext Empty { get; } = Concrete(new Dictionary<string, ContextValue>());

    /// <summary>An audit context where every key is unknown.</summary>
    public static RequestContext Unknown { get; } = Audit(new Dictionary<string, ContextValue>());

    /// <summary>True for audit contexts.</summary>
    public bool UnlistedKeysAreUnknown => own.UnlistedKeysAreUnknown;

    /// <summary>The keys this context holds values for.</summary>
    public IEnumerable<string> Keys => under is null ? own.Values.Keys : under.Keys.Concat(own.Values.Keys).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the context states nothing about any key (unknown or absent by default, nothing listed).</summary>
    public bool IsBlank => own.Count == 0 && own.AbsentKeys.Count == 0 && own.PresentKeys.Count == 0 && under is null;

    /// <summary>A concrete context: keys not listed are absent from the request.</summary>
    public static RequestContext Concrete(IEnumerable<KeyValuePair<string, ContextValue>> keys) =>
        new(ToDictionary(keys), NewSet(), NewSet(), unlistedKeysAreUnknown: false);

    /// <summary>
    /// An audit context: keys not listed are unknown, except <paramref name="absentKeys"/> (not in the request) and
    /// <paramref name="presentKeys"/> (in the request, value unknown).
    /// </summary>
    public static RequestContext Audit(IEnumerable<KeyValuePair<string, ContextValue>> keys, IEnumerable<string>? absentKeys = null, IEnumerable<string>? presentKeys = null) =>
        new(ToDictionary(keys), NewSet(absentKeys), NewSet(presentKeys), unlistedKeysAreUnknown: true);

    /// <summary>
    /// An audit context that keeps <paramref name="keys"/> (compared case-insensitively) as its own, without a copy: the
    /// caller built it for this context and changes it no more. Every principal of an account gets one.
    /// </summary>
    internal static RequestContext Audit(KeyList keys, IEnumerable<string>? absentKeys = null) =>
        new(new Layer(keys.Names(), keys.Values(), NewSet(absentKeys), NoKeys), unlistedKeysAreUnknown: true);

    /// <summary>
    /// Keys and values gathered for a context, compared case-insensitively: setting a key again replaces its value and
    /// keeps its first spelling and place, as a dictionary does. Every principal of an account gathers its keys here.
    /// </summary>
    internal sealed class KeyList
    {
        private readonly List<string> names = new(8);
        private readonly List<ContextValue> values = new(8);

        public int Count => names.Count;

        public void Set(string name, ContextValue value)
        {
            var i = IndexOf(name);
            if (i >= 0)
            {
                values[i] = value;
            }
            else
            {
                names.Add(name);
                values.Add(value);
            }
        }

        public bool Contains(string name) => IndexOf(name) >= 0;

        public void Clear()
        {
            names.Clear();
            values.Clear();
        }

        public string[] Names() => names.Count == 0 ? [] : names.ToArray();

        public ContextValue[] Values() => values.Count == 0 ? [] : values.ToArray();

        public Dictionary<string, ContextValue> ToDictionary() => ByName(names, values);

        private int IndexOf(string name)
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>This context with more keys (values given here win).</summary>
    public RequestContext With(IEnumerable<KeyValuePair<string, ContextValue>> keys)
    {
        RequireSingleLayer();
        var merged = new Dictionary<string, ContextValue>(own.Values, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in keys)
        {
            merged[key] = value;
        }

        return new RequestContext(merged, own.AbsentKeys, own.PresentKeys, UnlistedKeysAreUnknown);
    }

    /// <summary>This context with keys made known-absent (for an audit: e.g. aws:username for a role).</summary>
    public RequestContext WithAbsent(IEnumerable<string> keys)
    {
        RequireSingleLayer();
        var absent = new HashSet<string>(own.AbsentKeys, StringComparer.OrdinalIgnoreCase); // a new set: this one may be shared
        absent.UnionWith(keys);
        return new RequestContext(own.Values, absent, own.PresentKeys, UnlistedKeysAreUnknown);
    }

    /// <summary>
    /// This context laid over <paramref name="below"/>: a key this context knows (a value, absent, or present) is
    /// answered here; any other key as <paramref name="below"/> answers it. Both must be audit contexts.
    /// </summary>
    public RequestContext Over(RequestContext below)
    {
        if (!UnlistedKeysAreUnknown || !below.UnlistedKeysAreUnknown)
        {
            throw new ArgumentException("Only audit contexts are laid over each other.", nameof(below));
        }

        if (IsBlank)
        {
            return below;
        }

        RequireSingleLayer();
        return new RequestContext(own, below);
    }

    /// <summary>What the context knows about a key.</summary>
    public KeyState Lookup(string key, out ContextValue? value) => Lookup(ContextKey.Of(key), out value);

    /// <summary>
    /// What the context knows about a key. A key known to be present without a known value is
    /// <see cref="KeyState.Unknown"/> here (its value decides most operators); <see cref="IsKnownPresent"/> tells it apart.
    /// </summary>
    public KeyState Lookup(ContextKey key, out ContextValue? value)
    {
        var id = key.Id;
        if (under is not null && !own.Knows(id))
        {
            return under.Lookup(key, out value);
        }

        value = own.ValueOf(id);
        if (value is not null)
        {
            return KeyState.Present;
        }

        if (Holds(own.PresentIds, id))
        {
            return KeyState.Unknown;
        }

        return UnlistedKeysAreUnknown && !Holds(own.AbsentIds, id) ? KeyState.Unknown : KeyState.Absent;
    }

    /// <summary>True when the key is certainly in the request (with a known value or not).</summary>
    public bool IsKnownPresent(ContextKey key)
    {
        if (under is not null && !own.Knows(key.Id))
        {
            return under.IsKnownPresent(key);
        }

        return Holds(own.ValueIds, key.Id) || Holds(own.PresentIds, key.Id);
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

    /// <summary>Whether any layer of this context says anything of the key: a value, absent or present.</summary>
    internal bool Knows(ContextKey key) => own.Knows(key.Id) || (under is not null && under.Knows(key));

    private static bool Holds(int[] ids, int id)
    {
        foreach (var known in ids)
        {
            if (known == id)
            {
                return true;
            }
        }

        return false;
    }

    private void RequireSingleLayer()
    {
        if (under is not null)
        {
            throw new InvalidOperationException("A layered context is read-only: change the contexts it was laid from.");
        }
    }

    private static int[] Ids(HashSet<string> keys)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        var ids = new int[keys.Count];
        var i = 0;
        foreach (var key in keys)
        {
            ids[i++] = ContextKey.Of(key).Id;
        }

        return ids;
    }

    private static HashSet<string> NewSet(IEnumerable<string>? keys = null) =>
        keys is null || (keys is ICollection<string> { Count: 0 }) ? NoKeys : new(keys, StringComparer.OrdinalIgnoreCase);

    /// <summary>Distinct keys (compared case-insensitively) and their values, position by position, as a dictionary.</summary>
    private static Dictionary<string, ContextValue> ByName(IReadOnlyList<string> names, IReadOnlyList<ContextValue> values)
    {
        var result = new Dictionary<string, ContextValue>(names.Count, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Count; i++)
        {
            result.Add(names[i], values[i]);
        }

        return result;
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
    // The readings, in one object made when a condition first reads the value otherwise than as a string: most values
    // (a principal's ARN and user name, its tags) are only compared as strings, and every principal has a few.
    private Readings? readings;

    private sealed class Readings
    {
        public double?[]? Numbers;
        public long?[]? Dates;
        public IpAddressValue?[]? Addresses;
        public byte[]?[]? Binaries;
    }

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

    internal double? Number(int index) => (Read.Numbers ??= Values.Select(ConditionValues.ParseNumber).ToArray())[index];

    internal long? Date(int index) => (Read.Dates ??= Values.Select(ConditionValues.ParseDate).ToArray())[index];

    internal IpAddressValue? Address(int index) =>
        (Read.Addresses ??= Values.Select(v => IpRange.TryParseAddress(v.AsSpan().Trim(), out var address) ? address : (IpAddressValue?)null).ToArray())[index];

    internal byte[]? Binary(int index) => (Read.Binaries ??= Values.Select(ConditionValues.ParseBase64).ToArray())[index];

    // Threads may race to make it: each reading is the same whichever object keeps it.
    private Readings Read => Volatile.Read(ref readings) ?? Interlocked.CompareExchange(ref readings, new Readings(), null) ?? readings!;
}
