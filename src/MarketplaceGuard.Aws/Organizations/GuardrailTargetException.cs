using System;

namespace MarketplaceGuard.Aws.Organizations;

/// <summary>Why a guardrail cannot be set on a target, found while reading it (before any write).</summary>
public enum GuardrailTargetProblem
{
    /// <summary>The organization has no root, OU or account with the id.</summary>
    NotFound,

    /// <summary>Service control policies are not enabled on the root (or the organization has only consolidated billing).</summary>
    PolicyTypeNotEnabled,
}

/// <summary>A target id that is well formed but cannot take a guardrail; the message names the id and why.</summary>
public sealed class GuardrailTargetException : Exception
{
    public GuardrailTargetException(string targetId, GuardrailTargetProblem problem, string message, Exception? inner = null)
        : base(message, inner)
    {
        TargetId = targetId;
        Problem = problem;
    }

    public string TargetId { get; }

    public GuardrailTargetProblem Problem { get; }
}
