namespace MarketplaceGuard.FakeIam;

/// <summary>
/// Who a request acts as: its IAM account, and the ARN and user id GetCallerIdentity reports. For credentials that
/// AssumeRole issued, <see cref="RoleArn"/> is the assumed role's ARN (a trust policy naming the role matches its sessions).
/// </summary>
internal sealed record CallerIdentity(FakeIamAccount Account, string Arn, string UserId, string? RoleArn = null)
{
    public string AccountId => Account.AccountId;

    public bool IsAssumedRole => RoleArn is not null;
}

/// <summary>Why a request's credentials were refused.</summary>
internal enum CredentialProblem
{
    None,

    /// <summary>An access key AssumeRole issued, without its session token or with another one.</summary>
    InvalidToken,

    /// <summary>An access key AssumeRole issued, past its expiration.</summary>
    Expired,
}
