using System.Collections.Generic;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Engine.Guardrails;

/// <summary>What Set- and Remove-MarketplaceGuardrail did (or, with -WhatIf, would do) to one target.</summary>
public sealed class GuardrailChangeResult
{
    public GuardrailChangeResult(string operation, GuardrailTarget target, IReadOnlyList<string> planned, IReadOnlyList<string> made, IReadOnlyList<string> attachedPolicies, bool whatIf)
    {
        Operation = operation;
        TargetId = target.Id;
        TargetType = target.Kind;
        TargetName = target.Name;
        Planned = planned;
        Changes = made;
        AttachedPolicies = attachedPolicies;
        WhatIf = whatIf;
    }

    /// <summary>Set or Remove.</summary>
    public string Operation { get; }

    public string TargetId { get; }

    public OrganizationTargetKind TargetType { get; }

    public string TargetName { get; }

    /// <summary>"OU Sandbox (ou-a1b2-c3d4e5f6)".</summary>
    public string Target => new GuardrailTarget(TargetId, TargetType, TargetName).Label;

    /// <summary>Every change the target needed, in words; empty when it already was as asked.</summary>
    public IReadOnlyList<string> Planned { get; }

    /// <summary>The Organizations changes made, in words; none with -WhatIf.</summary>
    public IReadOnlyList<string> Changes { get; }

    /// <summary>The SCPs attached directly to the target afterwards (with -WhatIf: as they would be).</summary>
    public IReadOnlyList<string> AttachedPolicies { get; }

    public bool WhatIf { get; }

    /// <summary>NoChange, Changed, WhatIf (would change), or Incomplete (some planned changes were declined).</summary>
    public string Status =>
        Planned.Count == 0 ? "NoChange"
        : WhatIf ? "WhatIf"
        : Changes.Count == Planned.Count ? "Changed"
        : "Incomplete";

    public override string ToString() => $"{Operation} {Target}: " + Status switch
    {
        "NoChange" => "no change",
        "WhatIf" => "would " + string.Join("; ", Planned),
        "Changed" => string.Join("; ", Changes),
        _ => $"{Changes.Count} of {Planned.Count} changes made: " + string.Join("; ", Changes),
    };
}
