using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Aws.Snapshots;
using MarketplaceGuard.Cmdlets.Aws;
using MarketplaceGuard.Cmdlets.Principals;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Cmdlets.Errors;

namespace MarketplaceGuard.Cmdlets.Audit;

/// <summary>
/// What the audit cmdlets share: reading a snapshot (with progress and timings in -Verbose), the account's service
/// control policies, and resolving principal selectors into principals.
/// </summary>
public abstract class AccountAuditCommand : AwsCommand
{
    /// <summary>The parameter set that reads a snapshot file instead of the account.</summary>
    protected const string SnapshotParameterSet = "Snapshot";

    /// <summary>The JSON written by `aws iam get-account-authorization-details`; without it, the account is read live.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SnapshotParameterSet)]
    [Alias("Path", "SnapshotPath")]
    [ValidateNotNullOrEmpty]
    public string AuthorizationDetailsPath { get; set; } = string.Empty;

    /// <summary>Service control policy documents of the account's organization level.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ServiceControlPolicyPath { get; set; }

    /// <summary>Loads (from the file, or live from IAM) and builds the account; a failure is a terminating error.</summary>
    protected Account LoadAccount()
    {
        var scps = (ServiceControlPolicyPath ?? [])
            .Select(p => ResolveFile(p, nameof(ServiceControlPolicyPath)))
            .Select(p => (Name: Path.GetFileNameWithoutExtension(p), Document: File.ReadAllText(p)))
            .ToList();
        var stopwatch = Stopwatch.StartNew();
        var snapshot = ParameterSetName == SnapshotParameterSet ? ReadSnapshotFile() : ReadLiveAccount();
        var loaded = stopwatch.Elapsed;
        foreach (var problem in snapshot.Problems)
        {
            WriteWarning($"{problem}: skipped");
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
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.SnapshotInvalid, ErrorCategory.InvalidData, path));
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

    private string ResolveFile(string path, string parameter)
    {
        string resolved;
        try
        {
            resolved = GetUnresolvedProviderPathFromPSPath(path);
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, path));
            throw;
        }

        if (!File.Exists(resolved))
        {
            ThrowTerminatingError(new ErrorRecord(
                new FileNotFoundException($"-{parameter}: the file '{resolved}' does not exist.", resolved),
                ErrorIds.FileNotFound,
                ErrorCategory.ObjectNotFound,
                path));
        }

        return resolved;
    }

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
