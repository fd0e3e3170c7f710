using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Matching;

namespace MarketplaceGuard.Engine.Principals;

/// <summary>A value that named nothing, with the closest existing names.</summary>
public sealed record UnmatchedPrincipal(string Value, IReadOnlyList<string> Suggestions)
{
    /// <summary>"'Procuremnt' (did you mean group/Procurement?)".</summary>
    public override string ToString() =>
        Suggestions.Count == 0 ? $"'{Value}'" : $"'{Value}' (did you mean {string.Join(" or ", Suggestions)}?)";
}

/// <summary>A plain name that names a user and a group (or a role): which was meant is a guess, so it is refused.</summary>
public sealed record AmbiguousPrincipal(string Value, IReadOnlyList<PrincipalEntry> Candidates);

/// <summary>What a list of principal values named: the entries found, and the values that named nothing or could not name a principal.</summary>
public sealed class PrincipalResolution
{
    internal PrincipalResolution(IReadOnlyList<PrincipalEntry> matches, IReadOnlyList<UnmatchedPrincipal> unmatched, IReadOnlyList<PrincipalSelectorException> invalid, IReadOnlyList<AmbiguousPrincipal> ambiguous)
    {
        Matches = matches;
        Unmatched = unmatched;
        Invalid = invalid;
        Ambiguous = ambiguous;
    }

    /// <summary>Every user, group and role named, once each, in the order first named.</summary>
    public IReadOnlyList<PrincipalEntry> Matches { get; }

    public IReadOnlyList<UnmatchedPrincipal> Unmatched { get; }

    public IReadOnlyList<PrincipalSelectorException> Invalid { get; }

    /// <summary>Plain names (no wildcard, no type) that name principals of more than one kind.</summary>
    public IReadOnlyList<AmbiguousPrincipal> Ambiguous { get; }

    public bool Complete => Unmatched.Count == 0 && Invalid.Count == 0 && Ambiguous.Count == 0;
}

/// <summary>
/// The one way every cmdlet turns principal values (-ProcurementPrincipal, -ViewerPrincipal, -Principal, the
/// principals to change) into the users, groups and roles of an account. A value that names nothing is reported
/// with the closest names, never dropped: a typo in "who must keep procuring" must stop a change, not widen it.
/// </summary>
public static class PrincipalResolver
{
    /// <summary>
    /// Resolves <paramref name="values"/> against the account's <paramref name="entries"/>. An ARN of another account
    /// than <paramref name="accountId"/> (when known) is invalid: it can name nothing here.
    /// </summary>
    public static PrincipalResolution Resolve(IReadOnlyCollection<PrincipalEntry> entries, IEnumerable<string?> values, string? accountId)
    {
        var matches = new List<PrincipalEntry>();
        var seen = new HashSet<PrincipalEntry>();
        var unmatched = new List<UnmatchedPrincipal>();
        var invalid = new List<PrincipalSelectorException>();
        var ambiguous = new List<AmbiguousPrincipal>();
        foreach (var value in values)
        {
            PrincipalSelector selector;
            try
            {
                selector = PrincipalSelector.Parse(value);
            }
            catch (PrincipalSelectorException e)
            {
                invalid.Add(e);
                continue;
            }

            if (accountId is not null && selector.AccountId is { } arnAccount && !selector.HasWildcards && arnAccount != accountId)
            {
                invalid.Add(new PrincipalSelectorException(selector.Text, $"is in account {arnAccount}, not in account {accountId} that is being read"));
                continue;
            }

            var named = entries.Where(selector.Matches).ToList();
            if (named.Count == 0)
            {
                unmatched.Add(new UnmatchedPrincipal(selector.Text, Suggest(selector, entries)));
                continue;
            }

            if (selector.Kind is null && !selector.HasWildcards && named.Select(e => e.Kind).Distinct().Count() > 1)
            {
                ambiguous.Add(new AmbiguousPrincipal(selector.Text, named));
                continue;
            }

            matches.AddRange(named.Where(seen.Add));
        }

        return new PrincipalResolution(matches, unmatched, invalid, ambiguous);
    }

    /// <summary>The account's principals closest to a value that named nothing ("group/Procurement").</summary>
    public static IReadOnlyList<string> Suggest(PrincipalSelector selector, IEnumerable<PrincipalEntry> entries)
    {
        var candidates = entries.Where(e => selector.Kind is null || e.Kind == selector.Kind).ToList();
        var names = ClosestNames.Find(selector.NamePattern, candidates.Select(e => e.Name));
        return names
            .SelectMany(n => candidates.Where(e => e.Name.Equals(n, StringComparison.OrdinalIgnoreCase)))
            .Select(e => e.Ref.DisplayName)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(3)
            .ToList();
    }
}
