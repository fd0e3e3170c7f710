namespace MarketplaceGuard.Engine.Policies;

/// <summary>How <see cref="PolicyParser"/> reads a document.</summary>
public sealed class PolicyParseOptions
{
    /// <summary>IAM's quota for one customer managed policy: 6,144 characters, whitespace not counted.</summary>
    public const int ManagedPolicyCharacterQuota = 6144;

    /// <summary>No size limit (AWS managed policies and documents read from an account are not ours to resize).</summary>
    public static PolicyParseOptions Default { get; } = new();

    /// <summary>The rules for a customer managed policy the module writes: IAM's 6,144-character quota applies.</summary>
    public static PolicyParseOptions CustomerManagedPolicy { get; } = new() { MaxCharacters = ManagedPolicyCharacterQuota };

    /// <summary>Names the document in error messages: a file path, "policy X", "template Y".</summary>
    public string? Source { get; init; }

    /// <summary>Maximum number of non-whitespace characters; null for no limit.</summary>
    public int? MaxCharacters { get; init; }

    public PolicyParseOptions WithSource(string? source) => new() { Source = source, MaxCharacters = MaxCharacters };
}
