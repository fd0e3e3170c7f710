namespace MarketplaceGuard.Engine.PaidResources;

public enum ProtectionStatus
{
    /// <summary>CreateTags wrote the guard tag.</summary>
    Tagged,

    /// <summary>The guard tag already had the wanted value; nothing was written.</summary>
    NoChange,

    /// <summary>-WhatIf (or a declined -Confirm): it would have been tagged.</summary>
    WhatIf,

    /// <summary>Not tagged on purpose: an instance, or an AMI another account owns.</summary>
    Skipped,

    /// <summary>Not tagged: its CreateTags call failed, or an earlier call of its region did.</summary>
    Failed,
}

/// <summary>What Protect-MarketplacePaidResource did for one resource (-PassThru).</summary>
public sealed record ProtectionResult(
    PaidResourceType ResourceType,
    string ResourceId,
    string Region,
    ProtectionStatus Status,
    string TagKey,
    string TagValue,
    string Reason);
