using System;
using System.Linq;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Tests.Audit;

public sealed class RowListTests
{
    [Fact]
    public void ReadsTheRowsOneAfterAnother()
    {
        var list = new RowList<string>([["a", "b", "c"], ["d", "e", "f"]], 3);

        Assert.Equal(6, list.Count);
        Assert.Equal(["a", "b", "c", "d", "e", "f"], list.ToArray());
        Assert.Equal(["a", "b", "c", "d", "e", "f"], Enumerable.Range(0, list.Count).Select(i => list[i]).ToArray());
    }

    [Fact]
    public void NoRowsOrEmptyRowsMakeAnEmptyList()
    {
        Assert.Empty(new RowList<int>([], 10));
        Assert.Empty(new RowList<int>([[], []], 0));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void AnIndexOutsideTheListIsRefused(int index)
    {
        var list = new RowList<int>([[1, 2], [3, 4]], 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => list[index]);
    }

    [Fact]
    public void RowsOfAnotherLengthAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new RowList<int>([[1, 2], [3]], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RowList<int>([], -1));
    }
}
