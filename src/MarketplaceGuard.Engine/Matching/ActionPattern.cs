using System;

namespace MarketplaceGuard.Engine.Matching;

/// <summary>
/// One value of an Action or NotAction element: "*", or "service:name" where the service prefix is literal and the
/// name may hold '*' and '?'. Both parts compare case-insensitively. Unknown services and actions are matched by
/// pattern like any other: IAM does not reject them either.
/// </summary>
public sealed class ActionPattern
{
    private readonly Glob? name;

    private ActionPattern(string text, string? servicePrefix, Glob? name)
    {
        Text = text;
        ServicePrefix = servicePrefix;
        this.name = name;
    }

    public string Text { get; }

    /// <summary>The service prefix, or null for "*" (every service).</summary>
    public string? ServicePrefix { get; }

    /// <summary>
    /// This pattern as a one-element list, and its service prefix as one (none without a prefix): shared by every
    /// statement naming only this action (thousands of statements of an account), which only read them.
    /// </summary>
    internal ActionPattern[] Alone => alone ??= [this];

    internal string[] ServiceAlone => serviceAlone ??= ServicePrefix is { } prefix ? [prefix] : [];

    private ActionPattern[]? alone;
    private string[]? serviceAlone;

    public static ActionPattern Compile(string text) => Compile(text, null);

    /// <summary>Compiles a pattern, taking its name glob from <paramref name="cache"/> when given.</summary>
    public static ActionPattern Compile(string text, PatternCache? cache)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            // Only "*" passes validation without a colon; anything else here matches every action only if all stars.
            return new ActionPattern(text, null, cache?.Glob(text, wildcards: true, variables: false) ?? Glob.Compile(text, wildcards: true, variables: false));
        }

        var name = text[(colon + 1)..];
        return new ActionPattern(text, text[..colon], cache?.Glob(name, wildcards: true, variables: false) ?? Glob.Compile(name, wildcards: true, variables: false));
    }

    /// <summary>Whether the pattern covers the action <paramref name="service"/>:<paramref name="action"/>.</summary>
    public bool Matches(ReadOnlySpan<char> service, ReadOnlySpan<char> action)
    {
        if (ServicePrefix is null)
        {
            return name!.IsMatchAll;
        }

        return service.Equals(ServicePrefix, StringComparison.OrdinalIgnoreCase)
            && name!.Match(action, StringComparison.OrdinalIgnoreCase, null) == Tristate.True;
    }

    public override string ToString() => Text;
}
