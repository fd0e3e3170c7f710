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
        var memo = new Dictionary<(int, int), bool>();
        bool Walk(int i, int j)
        {
            if (memo.TryGetValue((i, j), out var known))
            {
                return known;
            }

            bool result;
            if (j == set.Length)
            {
                result = policy.AsSpan(i).IndexOfAnyExcept('*') < 0;
            }
            else if (i == policy.Length)
            {
                result = false;
            }
            else if (policy[i] == '*')
            {
                // The policy's '*' matches nothing more, or also the set's next character or wildcard.
                result = Walk(i + 1, j) || Walk(i, j + 1);
            }
            else if (set[j] == '*')
            {
                result = false; // a run of any characters is covered only by a policy '*'
            }
            else
            {
                result = (policy[i] == '?' || Same(policy[i], set[j], ignoreCase)) && Walk(i + 1, j + 1);
            }

            memo[(i, j)] = result;
            return result;
        }

        return Walk(0, 0);
    }

    /// <summary>True when some string matches both patterns.</summary>
    public static bool Intersects(string policy, string set, bool ignoreCase)
    {
        // Reachability over (position in policy, position in set): a '*' may be skipped, or stay while both consume
        // one character; two literals must agree, anything else can be satisfied by a suitable character.
        var seen = new HashSet<(int, int)>();
        var pending = new Stack<(int, int)>();
        pending.Push((0, 0));
        while (pending.Count > 0)
        {
            var (i, j) = pending.Pop();
            if (!seen.Add((i, j)))
            {
                continue;
            }

            if (i == policy.Length && j == set.Length)
            {
                return true;
            }

            var policyStar = i < policy.Length && policy[i] == '*';
            var setStar = j < set.Length && set[j] == '*';
            if (policyStar)
            {
                pending.Push((i + 1, j));
            }

            if (setStar)
            {
                pending.Push((i, j + 1));
            }

            if (i == policy.Length || j == set.Length || (policyStar && setStar))
            {
                continue;
            }

            var compatible = policyStar || setStar || policy[i] == '?' || Same(policy[i], set[j], ignoreCase);
            if (compatible)
            {
                pending.Push((policyStar ? i : i + 1, setStar ? j : j + 1));
            }
        }

        return false;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
