using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.Engine.Policies;

/// <summary>One problem found in a policy document: where (a JSON path such as <c>$.Statement[1].Effect</c>) and what.</summary>
public sealed class PolicyError
{
    public PolicyError(string path, string message)
    {
        Path = path;
        Message = message;
    }

    public string Path { get; }

    public string Message { get; }

    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// Thrown when a policy document cannot be used. Carries every problem found (not only the first), and the name of
/// the document's source (a file, a policy name) so that callers can report "which document, where, what".
/// </summary>
public sealed class PolicyValidationException : Exception
{
    public PolicyValidationException(string? source, IReadOnlyList<PolicyError> errors)
        : base(FormatMessage(source, errors))
    {
        Source = source;
        Errors = errors;
    }

    /// <summary>Where the document came from, e.g. a file path or "policy MarketplaceGuard-Procurement"; may be null.</summary>
    public new string? Source { get; }

    public IReadOnlyList<PolicyError> Errors { get; }

    private static string FormatMessage(string? source, IReadOnlyList<PolicyError> errors)
    {
        var subject = string.IsNullOrEmpty(source) ? "The policy document" : $"The policy document '{source}'";
        var noun = errors.Count == 1 ? "problem" : "problems";
        return $"{subject} is not valid ({errors.Count} {noun}): " + string.Join("; ", errors.Select(e => e.ToString()));
    }
}
