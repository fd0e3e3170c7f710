using System;
using System.Collections;
using System.Collections.Generic;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// Rows of one length read as one list, row after row, without copying them into one: an audit's matrix is its
/// principals' rows of capabilities (60,000 cells on the 1x synthetic account), and a copy would only hold the same
/// references again.
/// </summary>
internal sealed class RowList<T> : IReadOnlyList<T>
{
    private readonly T[][] rows;
    private readonly int width;

    /// <summary>Every row must hold <paramref name="width"/> items.</summary>
    public RowList(T[][] rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        foreach (var row in rows)
        {
            if (row.Length != width)
            {
                throw new ArgumentException($"A row holds {row.Length} items instead of {width}.", nameof(rows));
            }
        }

        this.rows = rows;
        this.width = width;
        Count = checked(rows.Length * width);
    }

    public int Count { get; }

    public T this[int index] => (uint)index < (uint)Count
        ? rows[index / width][index % width]
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"The list holds {Count} items.");

    public IEnumerator<T> GetEnumerator()
    {
        foreach (var row in rows)
        {
            foreach (var item in row)
            {
                yield return item;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
