using System;
using MarketplaceGuard.Aws.Iam;

namespace MarketplaceGuard.Aws.Accounts;

/// <summary>What <see cref="AccountFanOut"/> delivers, in the order it happens: <see cref="AccountCall"/>s and one <see cref="AccountOutcome{T}"/> per account.</summary>
public abstract record AccountFanOutEvent(AccountTarget Account);

/// <summary>One attempt of an AWS call made for an account (AssumeRole included), for -Verbose.</summary>
public sealed record AccountCall(AccountTarget Account, IamCallRecord Record) : AccountFanOutEvent(Account)
{
    /// <summary>"222222222222: IAM GetAccountAuthorizationDetails: HTTP 200 OK, attempt 1, 35 ms".</summary>
    public override string ToString() => $"{Account.AccountId}: {Record}";
}

/// <summary>How an account ended: the work's result, or why it failed. Every account requested gets exactly one.</summary>
public sealed record AccountOutcome<T>(AccountTarget Account, T? Result, AccountFailure? Failure) : AccountFanOutEvent(Account)
{
    public bool Succeeded => Failure is null;

    public override string ToString() => Failure?.Reason ?? $"Account {Account}: done.";
}

/// <summary>What went wrong for one account.</summary>
public enum AccountFailureKind
{
    /// <summary>STS refused AssumeRole (AccessDenied): the role may not exist, may not trust the caller, or may want an ExternalId.</summary>
    AssumeRoleDenied,

    /// <summary>AssumeRole failed otherwise (a disabled STS region, invalid or expired caller credentials, ...).</summary>
    AssumeRoleFailed,

    /// <summary>A call was still throttled after every retry.</summary>
    Throttled,

    /// <summary>The work failed for any other reason.</summary>
    Failed,
}

/// <summary>Why an account failed: a kind, one sentence naming the account, and the error itself.</summary>
public sealed record AccountFailure(AccountFailureKind Kind, string Reason, Exception Error);
