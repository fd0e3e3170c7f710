using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.Engine.Matching;

/// <summary>
/// "Did you mean …?" for a name that matched nothing (an action, a principal): the candidates closest to the value
/// by edit distance (insertions, deletions, substitutions and swaps of two neighbouring characters), compared
/// case-insensitively. A candidate is offered only when at most a third of the longer name has to change, so a
/// suggestion looks like a typo of the value rather than some other name, and only when it is at most one edit
/// further than the nearest candidate, so a clear match is not diluted by distant ones.
/// </summary>
public static class ClosestNames
{
    /// <summary>
    /// The candidates closest to <paramref name="value"/>, nearest first (ties in ordinal order), without
    /// case-insensitive duplicates; empty when none is close.
    /// </summary>
    public static IReadOnlyList<string> Find(string value, IEnumerable<string> candidates, int max = 3)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegative(max);

        var needle = value.Trim();
        if (needle.Length == 0 || max == 0)
        {
            return [];
        }

        var found = new List<(int Distance, string Name)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var candidate in candidates)
        {
            if (string.IsNullOrEmpty(candidate) || !seen.Add(candidate))
            {
                continue;
            }

            var limit = Limit(needle.Length, candidate.Length);
            if (Math.Abs(needle.Length - candidate.Length) > limit)
            {
                continue;
            }

            var distance = Distance(needle, candidate, limit);
            if (distance <= limit)
            {
                found.Add((distance, candidate));
            }
        }

        if (found.Count == 0)
        {
            return [];
        }

        var nearest = found.Min(f => f.Distance);
        return found
            .Where(f => f.Distance <= nearest + 1)
            .OrderBy(f => f.Distance)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .Take(max)
            .Select(f => f.Name)
            .ToArray();
    }

    /// <summary>The largest distance still offered: a third of the longer name, and at least one edit.</summary>
    private static int Limit(int valueLength, int candidateLength) => Math.Max(1, Math.Max(valueLength, candidateLength) / 3);

    /// <summary>
    /// Optimal string alignment distance, case-insensitive; stops early (returning more than
    /// <paramref name="limit"/>) once every alignment is past the limit.
    /// </summary>
    private static int Distance(string a, string b, int limit)
    {
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMinimum = current[0];
            var ai = char.ToUpperInvariant(a[i - 1]);
            for (var j = 1; j <= b.Length; j++)
            {
                var bj = char.ToUpperInvariant(b[j - 1]);
                var cost = ai == bj ? 0 : 1;
                var best = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && ai == char.ToUpperInvariant(b[j - 2]) && char.ToUpperInvariant(a[i - 2]) == bj)
                {
                    best = Math.Min(best, previous2[j - 2] + 1);
                }

                current[j] = best;
                rowMinimum = Math.Min(rowMinimum, best);
            }

            if (rowMinimum > limit)
            {
                return limit + 1;
            }

            (previous2, previous, current) = (previous, current, previous2);
        }

        return previous[b.Length];
    }
}
