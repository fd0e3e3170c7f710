namespace MarketplaceGuard.Engine.Matching;

/// <summary>What a request context knows about one key.</summary>
public enum KeyState : byte
{
    /// <summary>The key is not in the request.</summary>
    Absent = 0,

    /// <summary>The key is in the request, with one or more values.</summary>
    Present = 1,

    /// <summary>Audit evaluation: nobody said whether the key is in the request, nor its value.</summary>
    Unknown = 2,
}

/// <summary>Where policy variables (<c>${aws:username}</c>) get their values.</summary>
public interface IVariableSource
{
    /// <summary>
    /// The value of a single-valued key. A key with several values cannot be a policy variable (IAM's rule), so it
    /// is reported <see cref="KeyState.Absent"/>.
    /// </summary>
    KeyState TryGetVariable(ContextKey key, out string value);
}
