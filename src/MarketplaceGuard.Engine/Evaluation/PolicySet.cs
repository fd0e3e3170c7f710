using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>Which kind of policy a statement came from; every kind but identity limits what the others grant.</summary>
public enum PolicyLayer
{
    Identity,
    PermissionsBoundary,
    ServiceControlPolicy,
    SessionPolicy,
}

/// <summary>A compiled policy as attached to a principal: its name, and how it reaches the principal.</summary>
public sealed class NamedPolicy
{
    public NamedPolicy(string name, CompiledPolicy policy, string? via = null)
    {
        Name = name;
        Policy = policy;
        Via = via;
    }

    /// <summary>The policy's name or ARN, or a label such as "PolicyDocument[0]".</summary>
    public string Name { get; }

    public CompiledPolicy Policy { get; }

    /// <summary>How it reaches the principal, e.g. "group Procurement"; null when attached directly.</summary>
    public string? Via { get; }

    public override string ToString() => Via is null ? Name : $"{Name} (via {Via})";

    /// <summary>
    /// The evidence a statement of this policy gives, one object per statement and layer: a group's policies are
    /// shared by its members, so an audit of thousands of members names each statement once.
    /// </summary>
    internal MatchedStatement Matched(CompiledStatement statement, PolicyLayer layer, int level)
    {
        // By the statement's position in the document: a policy reaches a principal in one layer at one level, so one
        // slot per statement holds its evidence; the rare other layer gets an object of its own. Two threads may make
        // the same evidence at once: equal objects, either is kept.
        var known = matched ?? System.Threading.Interlocked.CompareExchange(ref matched, new MatchedStatement?[Policy.Statements.Count], null) ?? matched;
        var index = statement.Source.Index;
        var inDocument = (uint)index < (uint)known.Length && ReferenceEquals(Policy.Statements[index], statement);
        if (inDocument && known[index] is { } made && made.Layer == layer && made.Level == level)
        {
            return made;
        }

        var evidence = new MatchedStatement(this, layer, level, statement);
        if (inDocument && known[index] is null)
        {
            known[index] = evidence;
        }

        return evidence;
    }

    private MatchedStatement?[]? matched;
}

/// <summary>
/// Every policy that governs a principal's requests: identity policies (the user's, its groups', or the role's),
/// an optional permissions boundary, optional service control policies at one or more levels of the organization
/// (each level must allow), and an optional session policy.
/// </summary>
public sealed class PolicySet
{
    public PolicySet(
        IEnumerable<NamedPolicy> identityPolicies,
        NamedPolicy? permissionsBoundary = null,
        IEnumerable<IEnumerable<NamedPolicy>>? serviceControlPolicyLevels = null,
        NamedPolicy? sessionPolicy = null)
    {
        // One array per principal for its identity policies, read by the identity layer and shown read-only by the
        // property; the levels of service control policies are usually the account's, shared by every principal: an
        // array given is kept as it is (the engine never changes one once built), anything else copied.
        var identity = identityPolicies.ToArray();
        IdentityPolicies = Array.AsReadOnly(identity);
        PermissionsBoundary = permissionsBoundary;
        var levels = serviceControlPolicyLevels switch
        {
            null => [],
            NamedPolicy[][] arrays => arrays,
            _ => serviceControlPolicyLevels.Select(level => level as NamedPolicy[] ?? level.ToArray()).ToArray(),
        };
        ServiceControlPolicyLevels = levels;
        SessionPolicy = sessionPolicy;

        var layers = new Layer[1 + (permissionsBoundary is null ? 0 : 1) + levels.Length + (sessionPolicy is null ? 0 : 1)];
        var count = 0;
        layers[count++] = new Layer(PolicyLayer.Identity, 0, identity);
        if (permissionsBoundary is not null)
        {
            layers[count++] = new Layer(PolicyLayer.PermissionsBoundary, 0, [permissionsBoundary]);
        }

        for (var level = 0; level < levels.Length; level++)
        {
            layers[count++] = new Layer(PolicyLayer.ServiceControlPolicy, level + 1, levels[level]);
        }

        if (sessionPolicy is not null)
        {
            layers[count++] = new Layer(PolicyLayer.SessionPolicy, 0, [sessionPolicy]);
        }

        Layers = layers;
    }

    public IReadOnlyList<NamedPolicy> IdentityPolicies { get; }

    public NamedPolicy? PermissionsBoundary { get; }

    /// <summary>SCPs by level, from the organization root down to the account; each level must allow.</summary>
    public IReadOnlyList<IReadOnlyList<NamedPolicy>> ServiceControlPolicyLevels { get; }

    public NamedPolicy? SessionPolicy { get; }

    internal Layer[] Layers { get; }

    /// <summary>One layer: all its policies' allows OR together; the layers' results AND.</summary>
    internal sealed record Layer(PolicyLayer Kind, int Level, NamedPolicy[] Policies)
    {
        public string Describe() => Kind switch
        {
            PolicyLayer.Identity => "no identity policy allows it",
            PolicyLayer.PermissionsBoundary => $"the permissions boundary {Policies[0].Name} does not allow it",
            PolicyLayer.ServiceControlPolicy => Policies.Length > 0 && Policies[0].Via is { } attachedTo
                ? $"no SCP attached to {attachedTo} allows it"
                : $"no service control policy at level {Level} allows it",
            _ => $"the session policy {Policies[0].Name} does not allow it",
        };
    }
}
