using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Organizations;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Cmdlets.Organizations;

/// <summary>
/// An organization run's accounts made ready for a cmdlet's per-account work: each account's snapshot (read from an
/// organization snapshot by <see cref="RunOfflineAsync"/>, or live through the fan-out, which drives its own loop) is
/// built with the SCPs of its place in the organization, with one compiler for all accounts, handed to the work, and
/// then let go. Offline, an account that fails (its snapshot cannot be read, an SCP on its path is not a valid policy
/// ...) is recorded in the scope as not audited and reported through the failure callback, and the others go on.
/// Plain C#: the cmdlet decides how failures and results reach PowerShell (through a <see cref="PipelinePump"/>).
/// </summary>
internal sealed class AccountRunner
{
    private readonly Organization? organization;
    private readonly OrganizationScope scope;
    private readonly PolicyCompiler compiler = new();
    private readonly string? scpsNotConsideredReason;

    public AccountRunner(Organization? organization, OrganizationScope scope, string? scpsNotConsideredReason)
    {
        this.organization = organization;
        this.scope = scope;
        this.scpsNotConsideredReason = scpsNotConsideredReason;
    }

    /// <summary>How many accounts the work was done for.</summary>
    public int Audited => audited;

    private int audited;

    /// <summary>
    /// Runs <paramref name="work"/> for every target of an organization snapshot (read by <paramref name="load"/>) with
    /// at most <paramref name="throttleLimit"/> accounts at once; <paramref name="done"/> is told the number of accounts
    /// finished (audited or not).
    /// </summary>
    public async Task RunOfflineAsync(
        IReadOnlyList<SelectedAccount> targets,
        int throttleLimit,
        Func<SelectedAccount, AuthorizationSnapshot> load,
        Action<PreparedAccount> work,
        Action<SelectedAccount, string, Exception?> failed,
        Action<int> done,
        CancellationToken cancellation)
    {
        var finished = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = throttleLimit, CancellationToken = cancellation };
        await Parallel.ForEachAsync(targets, options, (target, token) =>
        {
            try
            {
                work(Prepare(target, load(target)));
                Interlocked.Increment(ref audited);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                throw;
            }
            catch (AccountFailedException e)
            {
                Fail(target, e.Message, e.InnerException);
            }
            catch (Exception e) when (e is PolicyValidationException or SnapshotFormatException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                Fail(target, e.Message, e);
            }

            done(Interlocked.Increment(ref finished));
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);

        void Fail(SelectedAccount target, string reason, Exception? cause)
        {
            scope.AddUnaudited(new UnauditedAccount(target.AccountId, target.Name, reason));
            failed(target, reason, cause);
        }
    }

    /// <summary>
    /// The account model of a snapshot, built with the SCPs of its place in the organization (with the compiler the
    /// accounts share: each distinct document is compiled once for the whole organization). Throws when an SCP on its
    /// path is not a valid policy or a level has none.
    /// </summary>
    public PreparedAccount Prepare(SelectedAccount target, AuthorizationSnapshot snapshot)
    {
        // A snapshot filed under the wrong account would be audited with another account's SCPs and name.
        if (snapshot.AccountId is { } described && !string.Equals(described, target.AccountId, StringComparison.Ordinal))
        {
            throw new AccountFailedException($"its snapshot {snapshot.Source} describes the account {described} (its principals' ARNs), not {target.AccountId}");
        }

        var scps = ServiceControlPoliciesOf(target);
        var account = Account.BuildWithLevels(snapshot, scps.Levels, compiler: compiler);
        return new PreparedAccount(target, account, scps.Assessment, scope);
    }

    /// <summary>Counts an account the work was done for (live runs, where the fan-out drives the loop).</summary>
    public void CountAudited() => Interlocked.Increment(ref audited);

    private AccountServiceControlPolicies ServiceControlPoliciesOf(SelectedAccount target)
    {
        if (organization is null)
        {
            return AccountServiceControlPolicies.NotConsidered(scpsNotConsideredReason ?? "the organization was not read");
        }

        var scps = AccountServiceControlPolicies.For(organization, target.AccountId, compiler);
        return scps;
    }
}

/// <summary>An account that cannot be worked on, with the one sentence that says why (it names the account).</summary>
internal sealed class AccountFailedException : Exception
{
    public AccountFailedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
