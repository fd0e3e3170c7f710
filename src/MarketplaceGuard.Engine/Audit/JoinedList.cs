using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// A read-only list whose text is its items joined with "; ", so Export-Csv and string interpolation show the items
/// rather than a type name, while scripts still get a list.
/// </summary>
public sealed class JoinedList<T> : ReadOnlyCollection<T>
{
    public JoinedList(IList<T> items)
        : base(items)
    {
    }

    public override string ToString() => string.Join("; ", this);
}
