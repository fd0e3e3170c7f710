using System;
using System.Collections.Generic;

namespace MarketplaceGuard.Engine.Matching;

/// <summary>
/// How a policy's wildcard pattern relates to a set of resources that is itself given as a pattern (an audit asks
/// "RunInstances on <c>arn:aws:ec2:*::image/*</c>", every image): <see cref="Tristate.True"/> when the policy pattern
/// covers every string of the set, <see cref="Tristate.False"/> when it covers none, <see cref="Tristate.Unknown"/>
/// when it covers some (a policy naming one image covers one paid image, perhaps). In the set pattern only <c>*</c> is a
/// wildcard; in the policy pattern <c>*</c> and <c>?</c> are.
/// </summary>
/// <remarks>
/// "None" is exact (a search for a common string). "Every" is sound but not complete: a policy pattern that covers the
/// set only through an unusual spelling ("*?*" for "?*") reads as "some", which makes an allow conditional and a deny
/// unsettled, never a wrong "denied".
/// </remarks>
public static class GlobRelation
{
    public static Tristate Relate(string policy, string set, bool ignoreCase)
    {
        if (Covers(policy, set, ignoreCase))
        {
            return Tristate.True;
        }

        return Intersects(policy, set, ignoreCase) ? Tristate.Unknown : Tristate.False;
    }

    /// <summary>True when every string of <paramref name="set"/> matches <paramref name="policy"/> (sound, see remarks).</summary>
    public static bool Covers(string policy, string set, bool ignoreCase)
    {
        // covers(i, j): policy[i..] matches every string of set[j..]. Worked out from the ends, one row of i at a time:
        // row i needs only row i + 1 and its own later columns. Rows live on the stack for the usual ARN lengths.
        var n = set.Length;
        Span<bool> below = n < 256 ? stackalloc bool[n + 1] : new bool[n + 1];
        Span<bool> row = n < 256 ? stackalloc bool[n + 1] : new bool[n + 1];
        for (var i = policy.Length; i >= 0; i--)
        {
            for (var j = n; j >= 0; j--)
            {
                if (j == n)
                {
                    row[j] = policy.AsSpan(i).IndexOfAnyExcept('*') < 0;
                }
                else if (i == policy.Length)
                {
                    row[j] = false;
                }
                else if (policy[i] == '*')
                {
                    // The policy's '*' matches nothing more, or also the set's next character or wildcard.
                    row[j] = below[j] || row[j + 1];
                }
                else if (set[j] == '*')
                {
                    row[j] = false; // a run of any characters is covered only by a policy '*'
                }
                else
                {
                    row[j] = (policy[i] == '?' || Same(policy[i], set[j], ignoreCase)) && below[j + 1];
                }
            }

            var done = below;
            below = row;
            row = done;
        }

        return below[0];
    }

    /// <summary>True when some string matches both patterns.</summary>
    public static bool Intersects(string policy, string set, bool ignoreCase)
    {
        // Reachability over (position in policy, position in set) from (0, 0): a '*' may be skipped, or stay while both
        // consume one character; two literals must agree, anything else can be satisfied by a suitable character. Every
        // step moves forward in one pattern or both, so one pass over the rows in order finds every reachable state.
        var m = policy.Length;
        var n = set.Length;
        Span<bool> row = n < 256 ? stackalloc bool[n + 1] : new bool[n + 1];
        Span<bool> next = n < 256 ? stackalloc bool[n + 1] : new bool[n + 1];
        row.Clear();
        row[0] = true;
        for (var i = 0; i <= m; i++)
        {
            next.Clear();
            for (var j = 0; j <= n; j++)
            {
                if (!row[j])
                {
                    continue;
                }

                if (i == m && j == n)
                {
                    return true;
                }

                var policyStar = i < m && policy[i] == '*';
                var setStar = j < n && set[j] == '*';
                if (policyStar)
                {
                    next[j] = true;
                }

                if (setStar)
                {
                    row[j + 1] = true;
                }

                if (i == m || j == n || (policyStar && setStar))
                {
                    continue;
                }

                if (policyStar || setStar || policy[i] == '?' || Same(policy[i], set[j], ignoreCase))
                {
                    if (policyStar)
                    {
                        row[j + 1] = true;
                    }
                    else if (setStar)
                    {
                        next[j] = true;
                    }
                    else
                    {
                        next[j + 1] = true;
                    }
                }
            }

            var done = row;
            row = next;
            next = done;
        }

        return false;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
