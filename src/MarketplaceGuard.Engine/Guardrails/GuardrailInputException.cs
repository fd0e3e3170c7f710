using System;

namespace MarketplaceGuard.Engine.Guardrails;

/// <summary>What is wrong with the input of a guardrail: the cmdlet turns each into its own error id.</summary>
public enum GuardrailInputProblem
{
    /// <summary>A principal ARN pattern that is not a user, role or account-root ARN of IAM.</summary>
    PrincipalArnInvalid,

    /// <summary>A product id that is neither <c>prod-</c> and 13 characters nor a UUID.</summary>
    ProductIdInvalid,

    /// <summary>A rule number that is not 1, 2 or 3, or no rule at all.</summary>
    RuleInvalid,

    /// <summary>Exceptions or product ids given for a rule that is not built (they would silently do nothing).</summary>
    RuleNotBuilt,

    /// <summary>A deny that cannot fit one SCP even alone, or more documents than a target can take.</summary>
    TooLarge,
}

/// <summary>
/// Input a guardrail cannot be built from. Nothing is built when it is thrown: the caller gets no document, so nothing
/// can be attached half-way.
/// </summary>
public sealed class GuardrailInputException : ArgumentException
{
    public GuardrailInputException(GuardrailInputProblem problem, string parameter, object? value, string message)
        : base(message)
    {
        Problem = problem;
        Parameter = parameter;
        Value = value;
    }

    public GuardrailInputProblem Problem { get; }

    /// <summary>The input the value came from, as the cmdlet names it (<c>LauncherPrincipalArn</c>); several joined by ", ".</summary>
    public string Parameter { get; }

    /// <summary>The offending value: one ARN or product id, or the whole list when its size is the problem.</summary>
    public object? Value { get; }
}
