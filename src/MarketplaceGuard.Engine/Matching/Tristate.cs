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

    public static Tristate Or(Tristate left, Tristate right) =>
        left == Tristate.True || right == Tristate.True ? Tristate.True
        : left == Tristate.False && right == Tristate.False ? Tristate.False
        : Tristate.Unknown;
}
