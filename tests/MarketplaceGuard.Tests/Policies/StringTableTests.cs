using System;
using System.Linq;
using System.Threading.Tasks;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Policies;

public sealed class StringTableTests
{
    [Fact]
    public void GivesOneStringPerTextFoundByItsCharacters()
    {
        var table = new StringTable();
        var first = table.Intern("aws-marketplace:Subscribe".AsSpan());

        Assert.Same(first, table.Intern("aws-marketplace:Subscribe".AsSpan()));
        Assert.Same(first, table.Intern(new string("aws-marketplace:Subscribe".ToCharArray())));
        Assert.Same(first, table.Find("aws-marketplace:Subscribe".AsSpan()));
        Assert.Null(table.Find("aws-marketplace:subscribe".AsSpan())); // ordinal: case counts
        Assert.Null(table.Find("aws-marketplace:Subscrib".AsSpan()));
        Assert.Same(string.Empty, table.Intern(string.Empty)); // the first string given is the one kept
        Assert.Same(string.Empty, table.Find(ReadOnlySpan<char>.Empty));
    }

    [Fact]
    public void KeepsEveryStringThroughGrowthAndConcurrentAdds()
    {
        var table = new StringTable();
        var texts = Enumerable.Range(0, 20_000).Select(i => $"arn:aws:iam::111122223333:policy/p{i % 5_000}").ToArray();

        // Four threads intern overlapping texts while the table grows: each text must end as one string.
        var results = new string[4][];
        Parallel.For(0, 4, t => results[t] = texts.Select(text => table.Intern(text.AsSpan())).ToArray());

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(texts[i], results[0][i]);
            Assert.Same(results[0][i], results[1][i]);
            Assert.Same(results[0][i], results[2][i]);
            Assert.Same(results[0][i], results[3][i]);
            Assert.Same(results[0][i], results[0][i % 5_000]);
        }

        Assert.Equal(5_000, results[0].Distinct(ReferenceEqualityComparerOf.Strings).Count());
    }

    private static class ReferenceEqualityComparerOf
    {
        public static readonly System.Collections.Generic.IEqualityComparer<string> Strings = System.Collections.Generic.EqualityComparer<string>.Create((a, b) => ReferenceEquals(a, b), s => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(s!));
    }
}
