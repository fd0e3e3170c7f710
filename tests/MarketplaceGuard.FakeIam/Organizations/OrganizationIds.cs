using System.Text.RegularExpressions;

namespace MarketplaceGuard.FakeIam.Organizations;

/// <summary>The id patterns of the Organizations API model, shared by the model's builders and the request checks.</summary>
internal static partial class OrganizationIds
{
    [GeneratedRegex(@"^o-[a-z0-9]{10,32}$")]
    public static partial Regex Organization();

    [GeneratedRegex(@"^r-[0-9a-z]{4,32}$")]
    public static partial Regex Root();

    [GeneratedRegex(@"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")]
    public static partial Regex OrganizationalUnit();

    [GeneratedRegex(@"^\d{12}$")]
    public static partial Regex Account();

    [GeneratedRegex(@"^p-[0-9a-zA-Z_]{8,128}$")]
    public static partial Regex Policy();

    /// <summary>ParentId: a root or an OU.</summary>
    public static bool IsParent(string id) => Root().IsMatch(id) || OrganizationalUnit().IsMatch(id);

    /// <summary>ChildId: an OU or an account.</summary>
    public static bool IsChild(string id) => OrganizationalUnit().IsMatch(id) || Account().IsMatch(id);

    /// <summary>PolicyTargetId: a root, an OU or an account.</summary>
    public static bool IsTarget(string id) => Root().IsMatch(id) || IsChild(id);
}
