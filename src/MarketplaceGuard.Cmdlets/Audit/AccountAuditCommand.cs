using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Aws.Snapshots;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Cmdlets.Aws;
using MarketplaceGuard.Cmdlets.Organizations;
using MarketplaceGuard.Cmdlets.Principals;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Organizations;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Engine.Policies;
using MarketplaceGuard.Cmdlets.Errors;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>
/// What the audit cmdlets share: reading a snapshot (with progress and timings in -Verbose), the account's service
/// control policies, and resolving principal selectors into principals.
/// </summary>
public abstract class AccountAuditCommand : OrganizationCommand
{
    /// <summary>The parameter set that reads a snapshot file instead of the account.</summary>
    protected const string SnapshotParameterSet = "Snapshot";

    /// <summary>The JSON written by `aws iam get-account-authorization-details`; without it, the account is read live.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SnapshotParameterSet)]
    [Alias("Path", "SnapshotPath")]
    [ValidateNotNullOrEmpty]
    public string AuthorizationDetailsPath { get; set; } = string.Empty;

    /// <summary>Service control policy documents of the account's organization level (an account audited on its own).</summary>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [Parameter(ParameterSetName = SnapshotParameterSet)]
    [ValidateNotNullOrEmpty]
    public string[]? ServiceControlPolicyPath { get; set; }

    /// <summary>The parameter set that reads an organization snapshot folder instead of the organization.</summary>
    protected const string OrganizationSnapshotParameterSet = "OrganizationSnapshot";

    /// <summary>Audits a snapshot that says it is truncated ("IsTruncated": true) instead of refusing it; the audit then never passes.</summary>
    [Parameter(ParameterSetName = SnapshotParameterSet)]
    [Parameter(ParameterSetName = OrganizationSnapshotParameterSet)]
    public SwitchParameter AllowIncomplete { get; set; }

    /// <summary>An organization snapshot folder (Export-MarketplaceOrganizationSnapshot): its accounts are audited offline, with their SCPs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = OrganizationSnapshotParameterSet)]
    [ValidateNotNullOrEmpty]
    public string OrganizationSnapshotPath { get; set; } = string.Empty;

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [Parameter(ParameterSetName = OrganizationSnapshotParameterSet)]
    [ValidateNotNullOrEmpty]
    public override string[]? AccountId { get => base.AccountId; set => base.AccountId = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    public override SwitchParameter AllAccounts { get => base.AllAccounts; set => base.AllAccounts = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [ValidateNotNullOrEmpty]
    public override string? RoleName { get => base.RoleName; set => base.RoleName = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [ValidateNotNullOrEmpty]
    public override string? ExternalId { get => base.ExternalId; set => base.ExternalId = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [ValidateNotNullOrEmpty]
    public override string? RoleSessionName { get => base.RoleSessionName; set => base.RoleSessionName = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [Parameter(ParameterSetName = OrganizationSnapshotParameterSet)]
    [ValidateRange(1, MaximumThrottleLimit)]
    public override int ThrottleLimit { get => base.ThrottleLimit; set => base.ThrottleLimit = value; }

    /// <summary>True when the command works on the accounts of an organization (-AccountId, -AllAccounts, -OrganizationSnapshotPath).</summary>
    protected override bool IsOrganizationRun => ParameterSetName == OrganizationSnapshotParameterSet || base.IsOrganizationRun;

    // The AWS parameters, in the Live set only: with -AuthorizationDetailsPath they would be silently ignored, and a
    // user could believe a live account was audited. PowerShell reads only these overrides' attributes.

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [Alias("AK")]
    public override string? AccessKey { get => base.AccessKey; set => base.AccessKey = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [Alias("SK", "SecretAccessKey")]
    public override string? SecretKey { get => base.SecretKey; set => base.SecretKey = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [Alias("ST")]
    public override string? SessionToken { get => base.SessionToken; set => base.SessionToken = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [Alias("StoredCredentials", "AWSProfileName")]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public override string? ProfileName { get => base.ProfileName; set => base.ProfileName = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    public override string? ProfileLocation { get => base.ProfileLocation; set => base.ProfileLocation = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    public override object? Credential { get => base.Credential; set => base.Credential = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [Alias("RegionToCall")]
    [ArgumentCompleter(typeof(RegionCompleter))]
    public override object? Region { get => base.Region; set => base.Region = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = LiveParameterSet)]
    public override string? EndpointUrl { get => base.EndpointUrl; set => base.EndpointUrl = value; }

    /// <summary>
    /// Runs <paramref name="work"/> for each account of the organization run (-AccountId, -AllAccounts,
    /// -OrganizationSnapshotPath), a bounded number at a time on worker threads: what it writes goes through the pump to
    /// the pipeline thread. Accounts that cannot be audited are non-terminating errors naming them; the returned scope
    /// holds the runs the work added and the accounts left out.
    /// </summary>
    internal OrganizationScope AuditAccounts(Action<PreparedAccount, PipelinePump> work, out int audited)
    {
        CheckOrganizationParameters();
        if (ServiceControlPolicyPath is not null)
        {
            ThrowTerminatingError(ModuleErrors.Create(
                "-ServiceControlPolicyPath gives the SCPs of an account audited on its own; an organization run reads each account's SCPs from the organization. Leave it out.",
                ErrorIds.ParameterConflict,
                ErrorCategory.InvalidArgument,
                "-ServiceControlPolicyPath"));
        }

        var offline = ParameterSetName == OrganizationSnapshotParameterSet;
        LiveRun? live = null;
        Organization? organization;
        OrganizationScope scope;
        IReadOnlyList<SelectedAccount> targets;
        if (offline)
        {
            var folder = ResolveFolder(OrganizationSnapshotPath, nameof(OrganizationSnapshotPath));
            organization = ReadOrganizationSnapshot(folder);
            scope = NewScope(organization, notRead: null);
            targets = SelectAccounts(organization, scope, folder);
        }
        else
        {
            live = StartLiveRun();
            (organization, scope, targets) = (live.Organization, live.Scope, live.Accounts);
        }

        var notRead = scope.NotReadReason;
        if (organization is null)
        {
            WriteWarning($"SCPs were not considered: {notRead}. Every report says so, and no account passes: an SCP may block access these findings report, or cause a lockout they do not show.");
        }

        var runner = new AccountRunner(organization, scope, notRead);
        if (offline)
        {
            AuditOffline(runner, targets, work);
        }
        else
        {
            FanOut(live!.Connection, live.CallerAccountId, targets, scope, async (target, aws, pump) =>
            {
                using var client = new IamClient(aws.Connection) { CallCompleted = aws.CallCompleted };
                var snapshot = await AuthorizationDetailsExporter.ReadAsync(client, target.AccountId, entityFilter: null, aws.Cancellation).ConfigureAwait(false);
                work(runner.Prepare(target, Checked(snapshot, target, pump)), pump);
                return true;
            }, (_, _) => runner.CountAudited());
        }

        audited = runner.Audited;
        WriteAccountSummary(scope, audited);
        return scope;
    }

    /// <summary>The accounts of an organization snapshot audited offline, a bounded number at a time.</summary>
    private void AuditOffline(AccountRunner runner, IReadOnlyList<SelectedAccount> targets, Action<PreparedAccount, PipelinePump> work)
    {
        var progress = AccountProgress("Auditing accounts", targets.Count);
        using var pump = new PipelinePump();
        var task = runner.RunOfflineAsync(
            targets,
            ThrottleLimit,
            target => LoadAccountSnapshot(target, pump),
            account => work(account, pump),
            (target, reason, cause) => pump.Post(() => WriteError(ModuleErrors.Create($"Account {target.Label} was not audited: {reason}", ErrorIds.AccountNotAudited, ErrorCategory.NotSpecified, target.AccountId, cause))),
            done => pump.Post(() => progress(done)),
            Cancellation);
        RunPumped(pump, task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default));
    }

    /// <summary>The organization of a snapshot folder; one that cannot be read is a terminating error naming the file and JSON path.</summary>
    private Organization ReadOrganizationSnapshot(string folder)
    {
        try
        {
            var organization = OrganizationSnapshotFile.Read(folder);
            foreach (var problem in organization.Validate())
            {
                WriteWarning($"{folder}: {problem}.");
            }

            return organization;
        }
        catch (OrganizationSnapshotException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.OrganizationSnapshotInvalid, ErrorCategory.InvalidData, OrganizationSnapshotPath));
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ModuleErrors.Create($"-OrganizationSnapshotPath: {folder} cannot be read: {e.Message}", ErrorIds.OrganizationSnapshotInvalid, ErrorCategory.ReadError, OrganizationSnapshotPath, e));
            throw;
        }
    }

    /// <summary>Reads one account's authorization snapshot of an organization snapshot (on a worker thread).</summary>
    private AuthorizationSnapshot LoadAccountSnapshot(SelectedAccount target, PipelinePump pump)
    {
        AuthorizationSnapshot snapshot;
        try
        {
            snapshot = SnapshotLoader.Load(target.SnapshotFile!);
        }
        catch (SnapshotFormatException e)
        {
            throw new AccountFailedException($"its snapshot {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AccountFailedException($"its snapshot {target.SnapshotFile} cannot be read: {e.Message}", e);
        }

        return Checked(snapshot, target, pump);
    }

    /// <summary>An account snapshot's problems as warnings; an incomplete one fails the account unless -AllowIncomplete.</summary>
    private AuthorizationSnapshot Checked(AuthorizationSnapshot snapshot, SelectedAccount target, PipelinePump pump)
    {
        foreach (var problem in snapshot.Problems)
        {
            pump.Post(() => WriteWarning($"Account {target.Label}: {problem}; the principals it concerns cannot be judged (MG1007)."));
        }

        if (snapshot.Incomplete && !AllowIncomplete)
        {
            throw new AccountFailedException($"{snapshot.Source} is incomplete (it says IsTruncated, or holds a Marker or NextToken), so an audit of it would pass what it never saw; export the account again, or give -AllowIncomplete");
        }

        return snapshot;
    }

    /// <summary>A folder input resolved against PowerShell's location; a missing one is a terminating FileNotFound.</summary>
    protected string ResolveFolder(string path, string parameter)
    {
        var resolved = GetUnresolvedProviderPathFromPSPath(path);
        if (!Directory.Exists(resolved))
        {
            ThrowTerminatingError(ModuleErrors.Create(
                File.Exists(resolved)
                    ? $"-{parameter}: {ModuleErrors.Quote(resolved)} is a file; give the folder that Export-MarketplaceOrganizationSnapshot wrote (it holds {OrganizationSnapshotFile.FileName})."
                    : $"-{parameter}: the folder {ModuleErrors.Quote(resolved)} does not exist.",
                ErrorIds.FileNotFound,
                ErrorCategory.ObjectNotFound,
                path));
        }

        return resolved;
    }

    /// <summary>Loads (from the file, or live from IAM) and builds the account; a failure is a terminating error.</summary>
    protected Account LoadAccount()
    {
        UseBatchCollections();
        var scps = (ServiceControlPolicyPath ?? []).Select(ReadServiceControlPolicy).ToList();
        var stopwatch = Stopwatch.StartNew();
        var snapshot = ParameterSetName == SnapshotParameterSet ? ReadSnapshotFile() : ReadLiveAccount();
        var loaded = stopwatch.Elapsed;
        foreach (var problem in snapshot.Problems)
        {
            WriteWarning($"{problem}; the principals it concerns cannot be judged (MG1007).");
        }

        if (snapshot.Incomplete)
        {
            if (!AllowIncomplete)
            {
                ThrowTerminatingError(ModuleErrors.Create(
                    $"{snapshot.Source} is incomplete: it says \"IsTruncated\": true or holds a continuation token (Marker, NextToken), so users, groups, roles or policies may be missing and an audit of it would pass what it never saw. Export the whole account (Export-MarketplaceAuthorizationSnapshot, or aws iam get-account-authorization-details without --max-items), or give -AllowIncomplete to audit it anyway (it then never passes).",
                    ErrorIds.SnapshotIncomplete,
                    ErrorCategory.InvalidData,
                    AuthorizationDetailsPath));
            }

            WriteWarning($"{snapshot.Source} is incomplete (it says IsTruncated, or holds a Marker or NextToken): the audit covers only what it holds and cannot pass.");
        }

        var account = Account.Build(snapshot, scps);
        WriteVerbose($"Read {snapshot.Source}: {snapshot.Bytes:N0} bytes, {snapshot.Users.Count} users, {snapshot.Groups.Count} groups, {snapshot.Roles.Count} roles, {snapshot.Policies.Count} managed policies in {loaded.TotalMilliseconds:N0} ms.");
        WriteVerbose($"Built the account: {account.DistinctDocuments} distinct policy documents compiled in {(stopwatch.Elapsed - loaded).TotalMilliseconds:N0} ms.");
        return account;
    }

    private AuthorizationSnapshot ReadLiveAccount()
    {
        var connection = Connect();
        return RunAws(connection, async (client, cancellation) =>
        {
            var (accountId, _) = await client.GetCallerIdentityAsync(cancellation).ConfigureAwait(false);
            return await AuthorizationDetailsExporter.ReadAsync(client, accountId, entityFilter: null, cancellation).ConfigureAwait(false);
        }, null);
    }

    private AuthorizationSnapshot ReadSnapshotFile()
    {
        var path = ResolveFile(AuthorizationDetailsPath, nameof(AuthorizationDetailsPath));

        var size = new FileInfo(path).Length;
        ExpectSnapshotFile(size);
        var progress = new ProgressRecord(1, "Reading the account snapshot", Path.GetFileName(path));
        AuthorizationSnapshot snapshot;
        try
        {
            snapshot = SnapshotLoader.Load(path, new CallbackProgress<long>(read =>
            {
                progress.PercentComplete = (int)Math.Min(100, read * 100 / Math.Max(1, size));
                WriteProgress(progress);
            }));
        }
        catch (SnapshotFormatException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, e.IsNotAuthorizationSnapshot ? ErrorIds.NotAuthorizationSnapshot : ErrorIds.SnapshotInvalid, ErrorCategory.InvalidData, path));
            throw; // unreachable: ThrowTerminatingError throws
        }
        catch (IOException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.SnapshotUnreadable, ErrorCategory.ReadError, path));
            throw;
        }

        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        return snapshot;
    }

    /// <summary>
    /// Reads and validates one -ServiceControlPolicyPath file before the account is read: a file that is not a valid
    /// policy is a terminating error naming the file and the JSON path, never a reason to leave principals unjudged.
    /// </summary>
    private (string Name, string Document) ReadServiceControlPolicy(string path)
    {
        var resolved = ResolveFile(path, nameof(ServiceControlPolicyPath));
        string text;
        try
        {
            text = File.ReadAllText(resolved);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ModuleErrors.Create($"-ServiceControlPolicyPath: {resolved} cannot be read: {e.Message}", ErrorIds.ServiceControlPolicyInvalid, ErrorCategory.ReadError, path, e));
            throw;
        }

        if (!PolicyParser.TryParse(text, PolicyParseOptions.Default.WithSource(resolved), out _, out var errors))
        {
            var shown = errors.Take(5).Select(e => $"{e.Path}: {e.Message}");
            var more = errors.Count > 5 ? $" (and {errors.Count - 5} more)" : string.Empty;
            ThrowTerminatingError(ModuleErrors.Create(
                $"-ServiceControlPolicyPath: {resolved} is not a valid service control policy: {string.Join("; ", shown)}{more}.",
                ErrorIds.ServiceControlPolicyInvalid,
                ErrorCategory.InvalidData,
                path,
                new PolicyValidationException(resolved, errors)));
        }

        return (Path.GetFileNameWithoutExtension(resolved), text);
    }

    /// <summary>
    /// The users and roles principal values name (a group means its members); a value that names nothing, or
    /// cannot name a principal, is a terminating error.
    /// </summary>
    protected IReadOnlyList<AccountPrincipal> Resolve(Account account, IEnumerable<string> values, string parameter)
    {
        var principals = account.Resolve(values, out var resolution);
        if (PrincipalErrors.Of(resolution, parameter, account.Snapshot.Source) is { } error)
        {
            ThrowTerminatingError(error);
        }

        return principals;
    }

    /// <summary>Reports a phase's progress as principals are evaluated.</summary>
    protected IProgress<int> EvaluationProgress(int total)
    {
        var record = new ProgressRecord(2, "Evaluating principals", $"0 of {total}");
        return new CallbackProgress<int>(done =>
        {
            record.StatusDescription = $"{done} of {total}";
            record.PercentComplete = total == 0 ? 100 : done * 100 / total;
            if (done >= total)
            {
                record.RecordType = ProgressRecordType.Completed;
            }

            WriteProgress(record);
        });
    }

    /// <summary>A named input file resolved against PowerShell's location; a missing one is a terminating FileNotFound.</summary>
    protected string ResolveFile(string path, string parameter) => Output.InputFile.Resolve(this, path, parameter);

    /// <summary>
    /// Progress reported on the pipeline thread. System.Progress would post to another thread, and PowerShell only
    /// accepts WriteProgress from the cmdlet's own thread.
    /// </summary>
    private sealed class CallbackProgress<T> : IProgress<T>
    {
        private readonly Action<T> report;

        public CallbackProgress(Action<T> report)
        {
            this.report = report;
        }

        public void Report(T value) => report(value);
    }
}
