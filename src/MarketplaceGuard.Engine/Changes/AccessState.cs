using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Principals;

namespace MarketplaceGuard.Engine.Changes;

/// <summary>A managed policy attached to the principal, as ListAttached{User,Group,Role}Policies names it.</summary>
public sealed record AttachedPolicy(string Arn, string Name);

/// <summary>A customer managed policy under the module's path: whether it carries the module's tag, and how many users, groups and roles it is attached to.</summary>
public sealed record PathPolicyState(string Arn, string Name, bool IsTaggedAsOurs, int AttachmentCount);

/// <summary>
/// What the AWS layer read of an account for a change to one principal: the planner (<see cref="AccessPlanner"/>)
/// decides from it alone. The AWS layer fills, without deciding anything:
/// <list type="bullet">
/// <item><see cref="Attached"/>: every managed policy attached to the principal;</item>
/// <item><see cref="Policies"/>: in full (default document, versions, tag), each policy of a template the change may
/// create or converge (Grant: its template; Revoke: the denies of its rules);</item>
/// <item><see cref="PathPolicies"/>: each policy under the module's path attached to the principal and, for Remove,
/// every policy under that path in the account.</item>
/// </list>
/// </summary>
public sealed class AccessState
{
    public AccessState(ModulePolicyArns arns, PrincipalRef principal, IEnumerable<AttachedPolicy> attached)
    {
        Arns = arns;
        Principal = principal;
        Attached = attached.ToList();
    }

    public ModulePolicyArns Arns { get; }

    public PrincipalRef Principal { get; }

    public IReadOnlyList<AttachedPolicy> Attached { get; }

    public IReadOnlyList<ManagedPolicyState> Policies { get; init; } = [];

    public IReadOnlyList<PathPolicyState> PathPolicies { get; init; } = [];

    public bool IsAttached(string policyArn) => Attached.Any(a => a.Arn == policyArn);

    /// <summary>The state read of a policy the plan converges; the AWS layer must have read it.</summary>
    public ManagedPolicyState Policy(string policyArn) =>
        Policies.FirstOrDefault(p => p.Arn == policyArn)
        ?? throw new ArgumentException($"The account state read for {Principal} lacks the policy {policyArn}, which the plan converges.", nameof(policyArn));

    public PathPolicyState? PathPolicy(string policyArn) => PathPolicies.FirstOrDefault(p => p.Arn == policyArn);
}
