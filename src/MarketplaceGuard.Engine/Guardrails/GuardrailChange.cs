using System.Collections.Generic;

namespace MarketplaceGuard.Engine.Guardrails;

public enum GuardrailChangeKind
{
    CreatePolicy,
    UpdatePolicy,
    TagPolicy,
    AttachPolicy,
    DetachPolicy,
    DeletePolicy,
}

/// <summary>
/// One Organizations write of a guardrail change, with the words -WhatIf shows ("attach SCP
/// MarketplaceGuard-Rule1-ou-a1b2-c3d4e5f6 to OU Sandbox (ou-a1b2-c3d4e5f6)"). <see cref="PolicyId"/> is null for a
/// policy the plan creates (the applier learns it from CreatePolicy). <see cref="Content"/> and
/// <see cref="PolicyDescription"/> are what CreatePolicy sends, and what UpdatePolicy sends when they changed (null
/// when unchanged).
/// </summary>
public sealed record GuardrailChange(GuardrailChangeKind Kind, string PolicyName, string? PolicyId, string Description)
{
    public string? Content { get; init; }

    public string? PolicyDescription { get; init; }

    /// <summary>The tags CreatePolicy and TagResource send.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The root, OU or account of an attach or detach.</summary>
    public string? TargetId { get; init; }

    /// <summary>For an update, what the policy held before (for a rollback): its document and description.</summary>
    public string? PreviousContent { get; init; }

    public string? PreviousDescription { get; init; }

    public override string ToString() => Description;
}

/// <summary>Why a guardrail change must not be made; the cmdlet turns each kind into its error id.</summary>
public enum GuardrailRefusalKind
{
    /// <summary>The target would have more than five SCPs attached directly.</summary>
    TooManyPolicies,

    /// <summary>The target would be left without any SCP attached directly.</summary>
    NoPolicyLeft,

    /// <summary>An exception principal would lose a capability it must keep.</summary>
    LockOut,

    /// <summary>A Rule 1 guardrail excepts no procurement principal (overridden by -Force).</summary>
    NoProcurementException,

    /// <summary>The target is the organization's root (overridden by -Force).</summary>
    Root,

    /// <summary>The SCPs above the target cannot be read as policies, so the lockout check cannot be made.</summary>
    Unverifiable,
}

/// <summary>A refusal of the plan, in words naming the principal, the statement or the target.</summary>
public sealed record GuardrailRefusal(GuardrailRefusalKind Kind, string Message)
{
    /// <summary>True for the refusals -Force overrides (the root; a Rule 1 guardrail without procurement exceptions).</summary>
    public bool ForceOverrides => Kind is GuardrailRefusalKind.Root or GuardrailRefusalKind.NoProcurementException;

    public override string ToString() => Message;
}

/// <summary>The writes planned for one target, in order, what would refuse them, and what a user should know.</summary>
public sealed class GuardrailPlan
{
    public GuardrailPlan(GuardrailTarget target, IReadOnlyList<GuardrailChange> changes, IReadOnlyList<GuardrailRefusal> refusals, IReadOnlyList<string> warnings, IReadOnlyList<string> attachedAfter)
    {
        Target = target;
        Changes = changes;
        Refusals = refusals;
        Warnings = warnings;
        AttachedAfter = attachedAfter;
    }

    public GuardrailTarget Target { get; }

    public IReadOnlyList<GuardrailChange> Changes { get; }

    public IReadOnlyList<GuardrailRefusal> Refusals { get; }

    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The names of the SCPs attached directly to the target once the plan is applied.</summary>
    public IReadOnlyList<string> AttachedAfter { get; }
}
