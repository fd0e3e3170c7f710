using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.IO;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Transport;
using MarketplaceGuard.Aws.Accounts;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Organizations;
using MarketplaceGuard.Cmdlets.Aws;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Cmdlets.Organizations;

/// <summary>
/// Base of the cmdlets that fan out over the accounts of an organization: -AccountId, -AllAccounts, the role to assume
/// in each account (-RoleName, -ExternalId, -RoleSessionName) and -ThrottleLimit; choosing the accounts (active ones,
/// in the organization when it can be read) and reporting the ones that cannot be worked on as non-terminating errors
/// that name them, so that the others go on. Derived cmdlets narrow the parameters to their parameter sets.
/// </summary>
public abstract class OrganizationCommand : AwsCommand
{
    /// <summary>The largest -ThrottleLimit: more parallel accounts only meet Organizations' and STS's throttling.</summary>
    protected const int MaximumThrottleLimit = 64;

    /// <summary>Accounts to work on (12-digit ids); with an organization that can be read, each must be an active account of it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public virtual string[]? AccountId { get; set; }

    /// <summary>Every active account of the organization (needs the management account or a delegated administrator).</summary>
    [Parameter]
    public virtual SwitchParameter AllAccounts { get; set; }

    /// <summary>The role assumed in each account (a name or path/name); OrganizationAccountAccessRole when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public virtual string? RoleName { get; set; }

    /// <summary>The external id the role's trust policy asks for.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public virtual string? ExternalId { get; set; }

    /// <summary>The session name of the assumed roles (in the accounts' CloudTrail); MarketplaceGuard when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public virtual string? RoleSessionName { get; set; }

    /// <summary>How many accounts are worked on at once (1 to 64); 8 when omitted.</summary>
    [Parameter]
    [ValidateRange(1, MaximumThrottleLimit)]
    public virtual int ThrottleLimit { get; set; } = 8;

    /// <summary>What the command does to an account, for messages: "audited", "exported", "searched".</summary>
    protected virtual string WorkDone => "audited";

    /// <summary>Whether -ThrottleLimit only makes sense in an organization run (it may also mean something on one account).</summary>
    protected virtual bool ThrottleLimitIsOrganizationOnly => true;

    /// <summary>True when the command works on several accounts (-AccountId or -AllAccounts).</summary>
    protected virtual bool IsOrganizationRun => AccountId is not null || AllAccounts;

    /// <summary>
    /// Refuses combinations that would silently do something else than asked: -AccountId with -AllAccounts, and the
    /// role parameters without an organization run (they would be ignored).
    /// </summary>
    protected void CheckOrganizationParameters()
    {
        if (AccountId is not null && AllAccounts)
        {
            ThrowTerminatingError(ModuleErrors.Create("-AccountId names the accounts and -AllAccounts takes every account: give one of them.", ErrorIds.ParameterConflict, ErrorCategory.InvalidArgument, "-AllAccounts"));
        }

        if (!IsOrganizationRun)
        {
            var given = new[] { (nameof(RoleName), RoleName is not null), (nameof(ExternalId), ExternalId is not null), (nameof(RoleSessionName), RoleSessionName is not null), (nameof(ThrottleLimit), ThrottleLimitIsOrganizationOnly && MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit))) }
                .Where(p => p.Item2).Select(p => "-" + p.Item1).ToList();
            if (given.Count > 0)
            {
                ThrowTerminatingError(ModuleErrors.Create(
                    $"{string.Join(", ", given)} {(given.Count == 1 ? "is" : "are")} used only with -AccountId or -AllAccounts (the accounts to fan out to); without them the command works on the caller's own account and would ignore {(given.Count == 1 ? "it" : "them")}.",
                    ErrorIds.ParameterConflict,
                    ErrorCategory.InvalidArgument,
                    given[0]));
            }
        }

        foreach (var id in AccountId ?? [])
        {
            if (id.Length != 12 || !id.All(char.IsAsciiDigit))
            {
                ThrowTerminatingError(ModuleErrors.Create(
                    $"-AccountId: {ModuleErrors.Quote(id)} is not an AWS account id (12 digits, like 111122223333).",
                    ErrorIds.AccountIdInvalid,
                    ErrorCategory.InvalidArgument,
                    id));
            }
        }
    }

    /// <summary>
    /// How the accounts are reached (role, session, external id, parallelism), checked before any AWS call: a value
    /// AWS would refuse is a terminating InvalidArgument error naming the parameter (an external id is never shown).
    /// </summary>
    internal AccountFanOutOptions FanOutOptions()
    {
        // The options' own defaults stand for what is not given (the role Organizations creates, the session name).
        var defaults = new AccountFanOutOptions();
        var options = new AccountFanOutOptions
        {
            RoleName = RoleName ?? defaults.RoleName,
            ExternalId = ExternalId,
            RoleSessionName = RoleSessionName ?? defaults.RoleSessionName,
            ThrottleLimit = ThrottleLimit,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            // The options name their members (RoleName ...), the parameters are spelled the same; an external id is
            // never shown, not even as the error's target.
            var parameter = new[] { nameof(RoleName), nameof(ExternalId), nameof(RoleSessionName), nameof(ThrottleLimit) }
                .FirstOrDefault(n => string.Equals(n, e.ParamName, StringComparison.OrdinalIgnoreCase)) ?? nameof(RoleName);
            object? target = parameter switch
            {
                nameof(RoleName) => RoleName,
                nameof(RoleSessionName) => RoleSessionName,
                nameof(ThrottleLimit) => ThrottleLimit,
                _ => null,
            };
            ThrowTerminatingError(ModuleErrors.Create($"-{parameter}: {e.Message.Split(" (Parameter")[0]}", ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, target, e));
        }

        return options;
    }

    /// <summary>The caller's own account (STS GetCallerIdentity): it is read with the caller's credentials, without AssumeRole.</summary>
    internal string CallerAccountId(AwsConnection connection) =>
        RunAws(connection, async (client, cancellation) => (await client.GetCallerIdentityAsync(cancellation).ConfigureAwait(false)).Account, null);

    /// <summary>
    /// Reads the organization live. When the caller cannot read it (a member account that is not a delegated
    /// administrator, or no organization), null and the reason, unless <paramref name="required"/> (-AllAccounts):
    /// then a terminating OrganizationUnreadable error. Any other failure (throttled after every retry, a reply that
    /// cannot be read) is terminating: the organization exists and its SCPs matter, so the run does not go on without them.
    /// </summary>
    internal (Organization? Organization, string? NotRead) ReadLiveOrganization(AwsConnection connection, bool required)
    {
        using var pump = new PipelinePump();
        using var client = new OrganizationsClient(connection) { CallCompleted = record => pump.Post(() => WriteVerbose(record.ToString())) };
        try
        {
            var organization = RunPumped(pump, OrganizationReader.ReadAsync(client, Cancellation));
            WriteVerbose($"Read the organization {organization.Id}: {organization.Accounts.Count} accounts, {organization.OrganizationalUnits.Count} OUs, {organization.Policies.Count} SCPs in {client.RequestCount} calls.");
            foreach (var problem in organization.Validate())
            {
                WriteWarning($"The organization {organization.Id}: {problem}.");
            }

            return (organization, null);
        }
        catch (OrganizationNotReadableException e) when (!required)
        {
            return (null, e.Message.TrimEnd('.'));
        }
        catch (OrganizationNotReadableException e)
        {
            var needs = AllAccounts ? "-AllAccounts" : MyInvocation.MyCommand.Name;
            ThrowTerminatingError(ModuleErrors.Create($"{needs} reads the organization's accounts, and this caller cannot: {e.Message}", ErrorIds.OrganizationUnreadable, ErrorCategory.PermissionDenied, needs, e));
            throw;
        }
        catch (Exception e) when (e is AwsServiceException or InvalidDataException)
        {
            ThrowTerminatingError(ModuleErrors.Create($"The organization could not be read: {e.Message}", ErrorIds.OrganizationUnreadable, ErrorCategory.ReadError, null, e));
            throw;
        }
    }

    /// <summary>
    /// The start of a live organization run: the fan-out options checked, the caller's connection (the one given, or
    /// a new one) and account, the
    /// organization (required with -AllAccounts or <paramref name="organizationRequired"/>; otherwise null when it
    /// cannot be read, with the reason in the scope), and the accounts chosen (see <see cref="SelectAccounts"/>).
    /// </summary>
    internal LiveRun StartLiveRun(bool organizationRequired = false, AwsConnection? connection = null)
    {
        _ = FanOutOptions();
        connection ??= Connect();
        var callerAccountId = CallerAccountId(connection);
        var (organization, notRead) = ReadLiveOrganization(connection, required: organizationRequired || AllAccounts);
        var scope = NewScope(organization, notRead);
        return new LiveRun(connection, callerAccountId, organization, scope, SelectAccounts(organization, scope, snapshotFolder: null));
    }

    /// <summary>
    /// The scope of a run over <paramref name="organization"/> (null when it could not be read, for
    /// <paramref name="notRead"/>): the accounts -AccountId names, else the organization's active accounts.
    /// </summary>
    internal OrganizationScope NewScope(Organization? organization, string? notRead) => new(
        organization?.Id,
        organization?.ManagementAccountId,
        organization is not null,
        notRead,
        AccountId?.Distinct(StringComparer.Ordinal).Count() ?? organization?.Accounts.Count(a => a.IsActive) ?? 0);

    /// <summary>
    /// Reports accounts done of <paramref name="total"/> (call it on the pipeline thread, with the number done).
    /// </summary>
    internal Action<int> AccountProgress(string activity, int total)
    {
        var progress = new ProgressRecord(3, activity, $"0 of {total}");
        return done =>
        {
            progress.StatusDescription = $"{done} of {total}";
            progress.PercentComplete = total == 0 ? 100 : done * 100 / total;
            progress.RecordType = done >= total ? ProgressRecordType.Completed : ProgressRecordType.Processing;
            WriteProgress(progress);
        };
    }

    /// <summary>
    /// Runs <paramref name="work"/> in every account through the role (see AccountFanOut), on worker threads:
    /// what the work writes goes through the pump it is given; calls are -Verbose lines tagged with the account;
    /// progress counts accounts done of the total; an account that fails is a non-terminating error naming it and is
    /// recorded in the scope, and the others go on. <paramref name="done"/> runs on the pipeline thread for each
    /// account the work finished.
    /// </summary>
    internal void FanOut<T>(
        AwsConnection caller,
        string callerAccountId,
        IReadOnlyList<SelectedAccount> accounts,
        OrganizationScope scope,
        Func<SelectedAccount, AccountWork, PipelinePump, Task<T>> work,
        Action<SelectedAccount, T> done)
    {
        var options = FanOutOptions();
        var byId = accounts.GroupBy(a => a.AccountId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var fanOut = new AccountFanOut(caller, callerAccountId, options);
        var progress = AccountProgress("Working on accounts", byId.Count);
        using var pump = new PipelinePump();
        var events = Task.Run(async () =>
        {
            var finished = 0;
            var targets = byId.Values.Select(a => new AccountTarget(a.AccountId, a.Name)).ToList();
            await foreach (var item in fanOut.RunAsync(targets, w => work(byId[w.Account.AccountId], w, pump), Cancellation).ConfigureAwait(false))
            {
                switch (item)
                {
                    case AccountCall call:
                        pump.Post(() => WriteVerbose(call.ToString()));
                        break;
                    case AccountOutcome<T> outcome:
                        var account = byId[outcome.Account.AccountId];
                        var count = ++finished;
                        if (outcome.Failure is { } failure)
                        {
                            scope.AddUnaudited(new UnauditedAccount(account.AccountId, account.Name, failure.Reason.TrimEnd('.')));
                            pump.Post(() => WriteError(ModuleErrors.Create($"{failure.Reason} It was not {WorkDone}.", ErrorIds.AccountNotAudited, CategoryOf(failure.Kind), account.AccountId, failure.Error)));
                        }
                        else
                        {
                            pump.Post(() => done(account, outcome.Result!));
                        }

                        pump.Post(() => progress(count));
                        break;
                }
            }

            return finished;
        });
        RunPumped(pump, events);
    }

    /// <summary>Performs the pump's actions on the pipeline thread until the task ends; Ctrl+C stops the pipeline.</summary>
    internal T RunPumped<T>(PipelinePump pump, Task<T> task)
    {
        try
        {
            return pump.Run(task);
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private static ErrorCategory CategoryOf(AccountFailureKind kind) => kind switch
    {
        AccountFailureKind.AssumeRoleDenied => ErrorCategory.PermissionDenied,
        AccountFailureKind.Throttled => ErrorCategory.ResourceBusy,
        AccountFailureKind.AssumeRoleFailed => ErrorCategory.AuthenticationError,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>
    /// The accounts to work on. With an organization: -AccountId's accounts (each must be in it and active, else a
    /// non-terminating error names it and it is recorded as not audited), or every active account. Without one (it
    /// could not be read): -AccountId's ids as given. Offline (<paramref name="snapshotFolder"/>), an account the
    /// snapshot holds no authorization snapshot for cannot be audited either.
    /// </summary>
    internal IReadOnlyList<SelectedAccount> SelectAccounts(Organization? organization, OrganizationScope scope, string? snapshotFolder)
    {
        if (organization is null)
        {
            return (AccountId ?? []).Distinct(StringComparer.Ordinal).Select(id => new SelectedAccount(id, null, null, null)).ToList();
        }

        var chosen = new List<SelectedAccount>();
        var requested = AccountId?.Distinct(StringComparer.Ordinal).ToList();
        var candidates = requested is null
            ? organization.Accounts.Where(a => a.IsActive).OrderBy(a => a.Id, StringComparer.Ordinal).ToList()
            : requested.Select(id => organization.FindAccount(id) ?? NotInOrganization(id, organization, scope)).OfType<OrganizationAccount>().ToList();
        foreach (var account in candidates)
        {
            if (!account.IsActive)
            {
                NotAudited(scope, account.Id, account.Name, $"the account {account} is {OrganizationSnapshotFile.StateText(account.State)}, not ACTIVE", ErrorIds.AccountNotActive, ErrorCategory.InvalidOperation);
                continue;
            }

            string? file = null;
            if (snapshotFolder is not null)
            {
                if (account.AuthorizationDetails is null)
                {
                    NotAudited(scope, account.Id, account.Name, $"the organization snapshot holds no authorization snapshot of the account {account}{(account.NotExported is null ? string.Empty : ": " + account.NotExported)}", ErrorIds.AccountNotAudited, ErrorCategory.ObjectNotFound);
                    continue;
                }

                file = System.IO.Path.Combine(snapshotFolder, account.AuthorizationDetails.Replace('/', System.IO.Path.DirectorySeparatorChar));
            }

            chosen.Add(new SelectedAccount(account.Id, account.Name, organization.PathOf(account.Id), file));
        }

        return chosen;
    }

    /// <summary>Records an account as not audited and writes the non-terminating error that names it.</summary>
    internal void NotAudited(OrganizationScope scope, string accountId, string? name, string reason, string errorId, ErrorCategory category, Exception? cause = null)
    {
        scope.AddUnaudited(new UnauditedAccount(accountId, name, reason));
        WriteError(ModuleErrors.Create($"Account {accountId} was not {WorkDone}: {reason}.", errorId, category, accountId, cause));
    }

    /// <summary>Writes the closing summary: which accounts were not audited, and why.</summary>
    internal void WriteAccountSummary(OrganizationScope scope, int audited)
    {
        var unaudited = scope.Unaudited;
        if (unaudited.Count == 0)
        {
            WriteVerbose($"All {audited} account(s) were {WorkDone}.");
            return;
        }

        WriteWarning($"{unaudited.Count} of {unaudited.Count + audited} account(s) were not {WorkDone}: {string.Join("; ", unaudited.Select(a => $"{(a.AccountName is null ? a.AccountId : $"{a.AccountName} ({a.AccountId})")}: {a.Reason}"))}.");
    }

    private OrganizationAccount? NotInOrganization(string id, Organization organization, OrganizationScope scope)
    {
        NotAudited(scope, id, null, $"it is not an account of the organization {organization.Id}", ErrorIds.AccountNotInOrganization, ErrorCategory.ObjectNotFound);
        return null;
    }
}

/// <summary>What a live organization run starts from: see <see cref="OrganizationCommand.StartLiveRun"/>.</summary>
internal sealed record LiveRun(AwsConnection Connection, string CallerAccountId, Organization? Organization, OrganizationScope Scope, IReadOnlyList<SelectedAccount> Accounts);
