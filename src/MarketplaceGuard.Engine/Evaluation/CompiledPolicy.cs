using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Evaluation;

/// <summary>
/// A policy document compiled for evaluation, with its statements indexed by service prefix: a decision for
/// <c>aws-marketplace:Subscribe</c> only looks at statements that name aws-marketplace, or "*", or use NotAction.
/// Compile with <see cref="PolicyCompiler"/>, which compiles each distinct document once.
/// </summary>
public sealed class CompiledPolicy
{
    private readonly CompiledStatement[] statements;
    private readonly CompiledStatement[] anyService;
    private readonly Dictionary<string, CompiledStatement[]> byService;
    private readonly Dictionary<string, CompiledStatement[]>.AlternateLookup<ReadOnlySpan<char>> byServiceSpan;

    internal CompiledPolicy(PolicyDocument document)
    {
        Document = document;
        statements = document.Statements.Select(s => new CompiledStatement(s, document.SupportsPolicyVariables)).ToArray();
        anyService = statements.Where(s => s.CouldMatchAnyService).ToArray();

        // Each service's list holds the statements that name it and the any-service ones, in document order.
        byService = statements
            .Where(s => !s.Source.IsNotAction)
            .SelectMany(s => s.NamedServices)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToDictionary(
                service => service,
                service => statements.Where(s => s.CouldMatchAnyService || s.NamedServices.Contains(service, StringComparer.OrdinalIgnoreCase)).ToArray(),
                StringComparer.OrdinalIgnoreCase);
        byServiceSpan = byService.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public PolicyDocument Document { get; }

    public IReadOnlyList<CompiledStatement> Statements => statements;

    /// <summary>The statements whose Action or NotAction may cover an action of this service, in document order.</summary>
    public ReadOnlySpan<CompiledStatement> CandidatesFor(ReadOnlySpan<char> service) =>
        byServiceSpan.TryGetValue(service, out var candidates) ? candidates : anyService;
}
