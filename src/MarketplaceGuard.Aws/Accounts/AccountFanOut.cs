using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Aws.Transport;

namespace MarketplaceGuard.Aws.Accounts;

/// <summary>
/// Runs the same work in many accounts of an organization, at most <see cref="AccountFanOutOptions.ThrottleLimit"/>
/// at a time: for each account one STS AssumeRole of the configured role with the caller's credentials, then the work
/// with the assumed role's connection. The caller's own account is worked on with the caller's connection, without
/// AssumeRole: the management account usually has no OrganizationAccountAccessRole (Organizations creates it only in
/// the accounts it creates), and the caller can already read its own account. An account that fails (AssumeRole
/// denied, throttled after every retry, any other error) ends as a failed <see cref="AccountOutcome{T}"/> naming it,
/// and never stops the others; cancellation stops them all. The events come through one stream, in the order they
/// happen, so a single consumer (a cmdlet's pipeline thread) can write them: every call's record as an
/// <see cref="AccountCall"/>, and each account's outcome as soon as it is known.
/// </summary>
public sealed class AccountFanOut
{
    private readonly AwsConnection caller;
    private readonly string callerAccountId;
    private readonly AccountFanOutOptions options;

    /// <param name="caller">The caller's connection: its credentials assume the roles, its endpoints serve every account.</param>
    /// <param name="callerAccountId">The caller's own account (STS GetCallerIdentity), worked on without AssumeRole.</param>
    public AccountFanOut(AwsConnection caller, string callerAccountId, AccountFanOutOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ValidateAccountId(callerAccountId, nameof(callerAccountId));
        this.options = options ?? new AccountFanOutOptions();
        this.options.Validate();
        this.caller = caller;
        this.callerAccountId = callerAccountId;
    }

    /// <summary>The STS transport's retry policy and handler (tests script STS with them).</summary>
    internal IamRetryPolicy? Retry { get; init; }

    internal HttpMessageHandler? Handler { get; init; }

    /// <summary>
    /// Starts the work in every account (an account listed twice is worked on once) and yields its events until the
    /// last account has ended. Throws OperationCanceledException when cancelled; stopping the enumeration early
    /// cancels the accounts still running.
    /// </summary>
    public IAsyncEnumerable<AccountFanOutEvent> RunAsync<T>(IReadOnlyList<AccountTarget> accounts, Func<AccountWork, Task<T>> work, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(work);
        foreach (var account in accounts)
        {
            ValidateAccountId(account.AccountId, nameof(accounts));
        }

        return EventsAsync(accounts.DistinctBy(a => a.AccountId, StringComparer.Ordinal).ToList(), work, cancellation);
    }

    private async IAsyncEnumerable<AccountFanOutEvent> EventsAsync<T>(List<AccountTarget> accounts, Func<AccountWork, Task<T>> work, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var events = Channel.CreateUnbounded<AccountFanOutEvent>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var workers = RunAllAsync(accounts, work, events.Writer, stop.Token);
        try
        {
            await foreach (var item in events.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            // No worker outlives the enumeration, also when the consumer stops early.
            await stop.CancelAsync().ConfigureAwait(false);
            await workers.ConfigureAwait(false);
        }
    }

    // Ends the channel when every account has ended, with the cancellation when cancelled; never throws itself.
    private async Task RunAllAsync<T>(List<AccountTarget> accounts, Func<AccountWork, Task<T>> work, ChannelWriter<AccountFanOutEvent> events, CancellationToken cancellation)
    {
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.ThrottleLimit, CancellationToken = cancellation };
            await Parallel.ForEachAsync(accounts, parallel, async (account, token) =>
            {
                var outcome = await RunOneAsync(account, work, events, token).ConfigureAwait(false);
                events.TryWrite(outcome);
            }).ConfigureAwait(false);
            events.TryComplete();
        }
        catch (Exception e)
        {
            events.TryComplete(e);
        }
    }

    private async Task<AccountOutcome<T>> RunOneAsync<T>(AccountTarget account, Func<AccountWork, Task<T>> work, ChannelWriter<AccountFanOutEvent> events, CancellationToken cancellation)
    {
        void Report(IamCallRecord record) => events.TryWrite(new AccountCall(account, record));

        var isCaller = account.AccountId == callerAccountId;
        var connection = caller;
        if (!isCaller)
        {
            var role = CrossAccountRole.In(caller.Endpoint.Partition, account.AccountId, options.RoleName);
            try
            {
                using var sts = new IamClient(caller, Retry, Handler) { CallCompleted = Report };
                connection = await sts.AssumeRoleAsync(role, options.RoleSessionName, options.ExternalId, options.DurationSeconds, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellation.IsCancellationRequested))
            {
                return new AccountOutcome<T>(account, default, AssumeRoleFailure(account, role, e));
            }
        }

        try
        {
            var result = await work(new AccountWork(account, connection, isCaller, Report, cancellation)).ConfigureAwait(false);
            return new AccountOutcome<T>(account, result, null);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellation.IsCancellationRequested))
        {
            return new AccountOutcome<T>(account, default, e is AwsServiceException { IsThrottling: true } throttled
                ? Throttled(account, throttled)
                : new AccountFailure(AccountFailureKind.Failed, Sentence($"Account {account}: {e.Message}"), e));
        }
    }

    private AccountFailure AssumeRoleFailure(AccountTarget account, CrossAccountRole role, Exception e) => e switch
    {
        IamException { Code: "AccessDenied" } denied => new AccountFailure(
            AccountFailureKind.AssumeRoleDenied,
            Sentence($"Account {account}: AssumeRole of {role.Arn} was denied: the role may not exist in that account, may not trust the account {callerAccountId}, "
                + (options.ExternalId is null ? "or may require an ExternalId" : "or may expect another ExternalId than the one given")
                + $" ({denied.AwsMessage.TrimEnd('.')})"),
            e),
        AwsServiceException { IsThrottling: true } throttled => Throttled(account, throttled),
        AwsServiceException failed => new AccountFailure(AccountFailureKind.AssumeRoleFailed, Sentence($"Account {account}: AssumeRole of {role.Arn} failed: {failed.Code}: {failed.AwsMessage.TrimEnd('.')}"), e),
        _ => new AccountFailure(AccountFailureKind.AssumeRoleFailed, Sentence($"Account {account}: AssumeRole of {role.Arn} failed: {e.Message}"), e),
    };

    private static AccountFailure Throttled(AccountTarget account, AwsServiceException e) => new(
        AccountFailureKind.Throttled,
        Sentence($"Account {account}: {e.Operation} was still throttled after {e.Attempts} attempts ({e.Code}: {e.AwsMessage.TrimEnd('.')})"),
        e);

    private static string Sentence(string text) => text.EndsWith('.') ? text : text + ".";

    private static void ValidateAccountId(string accountId, string parameter)
    {
        if (accountId is not { Length: 12 } || !accountId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"'{accountId}' is not a 12-digit AWS account id.", parameter);
        }
    }
}
