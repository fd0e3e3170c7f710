using System;
using System.Collections.Generic;
using MarketplaceGuard.Engine.Matching;

namespace MarketplaceGuard.Tests.Matching;

/// <summary>
/// GlobRelation decides whether a policy pattern covers, or meets, a set of ARNs written as a pattern. Its row-by-row
/// passes are held to plain searches over the same states (the definitions, written the obvious way) on many random
/// patterns over a small alphabet, where wildcards collide often, and to cases worked out by hand.
/// </summary>
public sealed class GlobRelationTests
{
    [Theory]
    [InlineData("arn:aws:ec2:*::image/*", "arn:aws:ec2:us-east-1::image/ami-*", true, true)]
    [InlineData("arn:aws:ec2:*::image/ami-1*", "arn:aws:ec2:*::image/*", false, true)]
    [InlineData("arn:aws:ec2:us-east-1::image/ami-1?", "arn:aws:ec2:us-east-1::image/ami-2*", false, false)]
    [InlineData("arn:aws:ec2:*::image/ami-1?", "arn:aws:ec2:*::image/ami-2*", false, true)] // the first * can take "::image/ami-2"
    [InlineData("*", "", true, true)]
    [InlineData("a?c", "a*c", false, true)]
    [InlineData("ABC", "abc", false, false)]
    public void KnownCases(string policy, string set, bool covers, bool intersects)
    {
        Assert.Equal(covers, GlobRelation.Covers(policy, set, ignoreCase: false));
        Assert.Equal(intersects, GlobRelation.Intersects(policy, set, ignoreCase: false));
    }

    [Fact]
    public void IgnoringCaseComparesLettersAlike()
    {
        Assert.True(GlobRelation.Covers("ARN:*", "arn:x", ignoreCase: true));
        Assert.False(GlobRelation.Covers("ARN:*", "arn:x", ignoreCase: false));
    }

    [Fact]
    public void AgreesWithTheDefinitionsOnRandomPatterns()
    {
        var random = new Random(20261201);
        const string Alphabet = "ab*?A";
        string Pattern() => string.Create(random.Next(0, 9), random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[r.Next(Alphabet.Length)];
            }
        });

        for (var n = 0; n < 20_000; n++)
        {
            var (policy, set, ignoreCase) = (Pattern(), Pattern(), random.Next(2) == 0);
            Assert.True(CoversByDefinition(policy, set, ignoreCase) == GlobRelation.Covers(policy, set, ignoreCase), $"Covers({policy}, {set}, {ignoreCase})");
            Assert.True(IntersectsByDefinition(policy, set, ignoreCase) == GlobRelation.Intersects(policy, set, ignoreCase), $"Intersects({policy}, {set}, {ignoreCase})");
        }
    }

    private static bool CoversByDefinition(string policy, string set, bool ignoreCase)
    {
        var memo = new Dictionary<(int, int), bool>();
        bool Walk(int i, int j)
        {
            if (memo.TryGetValue((i, j), out var known))
            {
                return known;
            }

            var result = j == set.Length ? policy.AsSpan(i).IndexOfAnyExcept('*') < 0
                : i == policy.Length ? false
                : policy[i] == '*' ? Walk(i + 1, j) || Walk(i, j + 1)
                : set[j] != '*' && (policy[i] == '?' || Same(policy[i], set[j], ignoreCase)) && Walk(i + 1, j + 1);
            memo[(i, j)] = result;
            return result;
        }

        return Walk(0, 0);
    }

    private static bool IntersectsByDefinition(string policy, string set, bool ignoreCase)
    {
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

            if (policyStar || setStar || policy[i] == '?' || Same(policy[i], set[j], ignoreCase))
            {
                pending.Push((policyStar ? i : i + 1, setStar ? j : j + 1));
            }
        }

        return false;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
