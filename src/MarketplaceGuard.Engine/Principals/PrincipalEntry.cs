namespace MarketplaceGuard.Engine.Principals;

/// <summary>A user, group or role that exists in an account: what principal values are resolved against.</summary>
public sealed record PrincipalEntry(PrincipalKind Kind, string Name, string Arn, string Path)
{
    public PrincipalRef Ref => new(Kind, Name);

    public override string ToString() => Ref.DisplayName;
}
