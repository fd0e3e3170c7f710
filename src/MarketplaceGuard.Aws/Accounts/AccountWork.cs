using System;
using System.Threading;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;

namespace MarketplaceGuard.Aws.Accounts;

/// <summary>
/// What the work for one account gets from <see cref="AccountFanOut"/>: the account, a connection to it (the assumed
/// role's, or the caller's own for the caller's account), where to report its calls (set it as the CallCompleted of
/// every client it makes: the records reach the consumer tagged with the account), and the cancellation token.
/// </summary>
public sealed record AccountWork(AccountTarget Account, AwsConnection Connection, bool IsCallerAccount, Action<IamCallRecord> CallCompleted, CancellationToken Cancellation);
