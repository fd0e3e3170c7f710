namespace MarketplaceGuard.Engine.Principals;

/// <summary>The kinds of IAM principal a policy attaches to.</summary>
public enum PrincipalKind
{
    User,
    Group,
    Role,
}

/// <summary>A user, group or role of the account, by name.</summary>
public sealed record PrincipalRef(PrincipalKind Kind, string Name)
{
    /// <summary>"user/alice", "group/Billing", "role/deploy": how findings and results name a principal.</summary>
    public string DisplayName => $"{KindName(Kind)}/{Name}";

    public override string ToString() => $"{KindName(Kind)} {Name}";

    public static string KindName(PrincipalKind kind) => kind switch
    {
        PrincipalKind.User => "user",
        PrincipalKind.Group => "group",
        _ => "role",
    };
}
