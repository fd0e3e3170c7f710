using System;

namespace MarketplaceGuard.Engine.Accounts;

/// <summary>The snapshot cannot be read at all: not JSON, or not the shape get-account-authorization-details writes.</summary>
public sealed class SnapshotFormatException : Exception
{
    public SnapshotFormatException(string source, string jsonPath, long line, string problem, Exception? inner = null)
        : base($"{source}: {jsonPath} (line {line}): {problem}", inner)
    {
        Source = source;
        JsonPath = jsonPath;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file.</summary>
    public new string Source { get; }

    public string JsonPath { get; }

    public long Line { get; }

    public string Problem { get; }

    /// <summary>True when the document is JSON but holds none of the authorization-details lists (e.g. {} or a policy).</summary>
    public bool IsNotAuthorizationSnapshot { get; init; }
}
