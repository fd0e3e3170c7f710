using System;

namespace MarketplaceGuard.FakeIam;

/// <summary>The message of an ArgumentException without the " (Parameter 'name')" that .NET appends, for file and console errors.</summary>
internal static class ArgumentExceptionText
{
    public static string Plain(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
}
