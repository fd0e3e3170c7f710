using System;
using System.Collections.Generic;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Guardrails;

/// <summary>
/// One service control policy of an organization guardrail: the name it is created under in AWS Organizations, what
/// it denies, and its document as minimised JSON (at most <see cref="MaxLength"/> characters, as AWS Organizations
/// counts them).
/// </summary>
public sealed class GuardrailPolicy
{
    /// <summary>AWS Organizations' limit on an SCP document: 5,120 characters.</summary>
    public const int MaxLength = 5120;

    /// <summary>The prefix of every SCP name the module creates (with the <c>managed-by</c> tag, what marks it as ours).</summary>
    public const string NamePrefix = "MarketplaceGuard-";

    internal GuardrailPolicy(string name, string description, IReadOnlyList<int> rules, PolicyDocument policy, string content, GuardrailExceptions exceptions)
    {
        if (content.Length > MaxLength)
        {
            throw new ArgumentException($"The guardrail document {name} has {content.Length} characters; AWS Organizations accepts at most {MaxLength}.", nameof(content));
        }

        Name = name;
        Description = description;
        Rules = rules;
        Policy = policy;
        Content = content;
        Exceptions = exceptions;
    }

    /// <summary>The SCP's name in AWS Organizations, e.g. <c>MarketplaceGuard-Rule1</c>.</summary>
    public string Name { get; }

    /// <summary>The SCP's description in AWS Organizations (one line).</summary>
    public string Description { get; }

    /// <summary>The least-privilege rules (1, 2, 3) whose capabilities this document denies.</summary>
    public IReadOnlyList<int> Rules { get; }

    /// <summary>The document, minimised: what CreatePolicy/UpdatePolicy send as Content.</summary>
    public string Content { get; }

    /// <summary>The document's length in characters (AWS's limit is <see cref="MaxLength"/>).</summary>
    public int Length => Content.Length;

    /// <summary>
    /// Who the guardrail was built to leave alone (by aws:PrincipalArn) and which products it approves: what
    /// Set-MarketplaceGuardrail's lockout guard checks the documents against before attaching them.
    /// </summary>
    public GuardrailExceptions Exceptions { get; }

    /// <summary>The parsed document, for the evaluator.</summary>
    internal PolicyDocument Policy { get; }

    public override string ToString() => Name;
}

/// <summary>The principals a guardrail excepts, by ARN pattern (wildcards allowed), and the products it approves.</summary>
public sealed record GuardrailExceptions(
    IReadOnlyList<string> ProcurementPrincipalArns,
    IReadOnlyList<string> LauncherPrincipalArns,
    IReadOnlyList<string> GovernancePrincipalArns,
    IReadOnlyList<string> ApprovedProductIds);
