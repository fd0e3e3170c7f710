namespace MarketplaceGuard.Engine.Matching;

/// <summary>
/// Three-valued truth for audit evaluation: a condition on a context key nobody supplied is neither true nor false.
/// Concrete evaluation (every key known) only ever produces <see cref="True"/> and <see cref="False"/>.
/// </summary>
public enum Tristate : byte
{
    False = 0,
    True = 1,
    Unknown = 2,
}

/// <summary>Kleene's strong three-valued logic.</summary>
internal static class TristateLogic
{
    public static Tristate From(bool value) => value ? Tristate.True : Tristate.False;

    public static Tristate Not(Tristate value) => value switch
    {
        Tristate.True => Tristate.False,
        Tristate.False => Tristate.True,
        _ => Tristate.Unknown,
    };

    public static Tristate And(Tristate left, Tristate right) =>
        left == Tristate.False || right == Tristate.False ? Tristate.False
        : left == Tristate.True && right == Tristate.True ? Tristate.True
        : Tristate.Unknown;

    // Without branches (the audit ORs every policy's verdict into every request's): with False 0, True 1, Unknown 2, the
    // bits of both are OR-ed and a True among them clears the Unknown bit.
    public static Tristate Or(Tristate left, Tristate right)
    {
        var bits = (int)left | (int)right;
        return (Tristate)(bits & ~((bits & 1) << 1));
    }
}
