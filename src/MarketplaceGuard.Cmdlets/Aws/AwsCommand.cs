using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Engine.Runtime;

namespace MarketplaceGuard.Cmdlets.Aws;

/// <summary>
/// Base of every cmdlet that calls AWS: AWS.Tools' common credential, region and endpoint parameters (same names and
/// aliases), $StoredAWSCredentials and $StoredAWSRegion, cancellation on Ctrl+C, -Verbose lines for each call, and
/// IAM errors turned into ErrorRecords of the right category. Parameter types are framework types only (see
/// ModuleLoader). The AWS parameters belong to every parameter set; cmdlets that can also read a snapshot instead
/// (AccountAuditCommand) override them into their Live set only, so PowerShell refuses them with a snapshot.
/// </summary>
public abstract class AwsCommand : PSCmdlet, IDisposable
{
    /// <summary>
    /// Asks ShouldProcess for each planned change in order, in words, and returns those approved. A change that needs a
    /// declined one (<paramref name="dependsOn"/>: change, declined) is declined too, with a warning; under -WhatIf
    /// nothing is declined, so every change is shown, and <c>WhatIf</c> is true.
    /// </summary>
    protected (List<T> Approved, bool WhatIf) ConfirmChanges<T>(IEnumerable<T> changes, Func<T, string> describe, Func<T, T, bool> dependsOn, string target)
    {
        var approved = new List<T>();
        var declined = new List<T>();
        var whatIf = false;
        foreach (var change in changes)
        {
            if (declined.FirstOrDefault(d => dependsOn(change, d)) is { } needed)
            {
                declined.Add(change);
                WriteWarning($"Skipped '{describe(change)}': it needs '{describe(needed)}', which was declined.");
                continue;
            }

            if (ShouldProcess(
                $"Performing the operation \"{describe(change)}\" on target \"{target}\".",
                $"Are you sure you want to perform this action?{Environment.NewLine}Performing the operation \"{describe(change)}\" on target \"{target}\".",
                "Confirm",
                out var reason))
            {
                approved.Add(change);
            }
            else if (reason == ShouldProcessReason.WhatIf)
            {
                whatIf = true; // a preview: nothing is declined, so every later change is shown too
            }
            else
            {
                declined.Add(change);
            }
        }

        return (approved, whatIf);
    }

    /// <summary>The parameter set of cmdlets that can also read a snapshot file instead of the account.</summary>
    protected const string LiveParameterSet = "Live";

    private readonly CancellationTokenSource cancellation = new();

    /// <summary>AWS access key id, with -SecretKey.</summary>
    [Parameter]
    [Alias("AK")]
    public virtual string? AccessKey { get; set; }

    /// <summary>AWS secret access key, with -AccessKey.</summary>
    [Parameter]
    [Alias("SK", "SecretAccessKey")]
    public virtual string? SecretKey { get; set; }

    /// <summary>Session token of temporary credentials.</summary>
    [Parameter]
    [Alias("ST")]
    public virtual string? SessionToken { get; set; }

    /// <summary>A profile of the shared credentials/config files.</summary>
    [Parameter]
    [Alias("StoredCredentials", "AWSProfileName")]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public virtual string? ProfileName { get; set; }

    /// <summary>The credentials file to read profiles from.</summary>
    [Parameter]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    public virtual string? ProfileLocation { get; set; }

    /// <summary>An AWSCredentials object (for example from AWS.Tools).</summary>
    [Parameter]
    public virtual object? Credential { get; set; }

    /// <summary>The region; IAM is global, the region picks the partition (aws, aws-cn, aws-us-gov).</summary>
    [Parameter]
    [Alias("RegionToCall")]
    [ArgumentCompleter(typeof(RegionCompleter))]
    public virtual object? Region { get; set; }

    /// <summary>Sends IAM calls to this URL instead of the partition's endpoint.</summary>
    [Parameter]
    public virtual string? EndpointUrl { get; set; }

    /// <summary>The region the connection is resolved for: -Region's text; cmdlets whose -Region takes several override it.</summary>
    protected virtual string? ConnectionRegion => Unwrap(Region)?.ToString();

    /// <summary>The token cancelled when the user presses Ctrl+C.</summary>
    protected CancellationToken Cancellation => cancellation.Token;

    protected override void StopProcessing() => cancellation.Cancel();

    /// <summary>
    /// Holds the garbage collector in batch mode until the cmdlet is done (PowerShell disposes it when its pipeline
    /// ends, failed or not): for the cmdlets that read and audit whole accounts (see BatchCollections).
    /// </summary>
    protected void UseBatchCollections() => batchCollections ??= BatchCollections.Open();

    /// <summary>
    /// Says that the audit reads a snapshot file of this size, so that the collector can stay out of its way (see
    /// BatchCollections.ExpectSnapshot); only within <see cref="UseBatchCollections"/>.
    /// </summary>
    protected void ExpectSnapshotFile(long bytes)
    {
        if (batchCollections is not null && BatchCollections.ExpectSnapshot(bytes) is > 0 and var region)
        {
            WriteVerbose($"No garbage collection while the audit allocates up to {region >> 20:N0} MB (a no-GC region, with full collections before and after it).");
        }
    }

    /// <summary>
    /// Gives the collector its mode back before the results go down the pipeline, where the commands that read them
    /// run (as Dispose would, later).
    /// </summary>
    protected void EndBatchCollections() => batchCollections?.Dispose();

    private BatchCollections.Scope? batchCollections;

    public void Dispose()
    {
        batchCollections?.Dispose();
        cancellation.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Resolves credentials, region and endpoint; a failure is a terminating error.</summary>
    protected AwsConnection Connect()
    {
        var request = new AwsConnectionRequest
        {
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            SessionToken = SessionToken,
            ProfileName = ProfileName,
            ProfileLocation = ProfileLocation is null ? null : GetUnresolvedProviderPathFromPSPath(ProfileLocation),
            Credential = Credential is PSObject wrapped ? wrapped.BaseObject : Credential,
            StoredCredentials = Unwrap(SessionState.PSVariable.GetValue("StoredAWSCredentials")),
            Region = ConnectionRegion,
            StoredRegion = Unwrap(SessionState.PSVariable.GetValue("StoredAWSRegion"))?.ToString(),
            EndpointUrl = EndpointUrl,
        };

        try
        {
            var connection = AwsConnection.Resolve(request);
            WriteVerbose($"Calling IAM at {connection.Endpoint.Url} (signing region {connection.Endpoint.SigningRegion}) with credentials from {connection.CredentialSource}.");
            return connection;
        }
        catch (AwsConnectionException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.CredentialsUnresolved, ErrorCategory.AuthenticationError, null));
            throw;
        }
    }

    /// <summary>
    /// Runs AWS work on a worker thread while this (the pipeline) thread writes its -Verbose lines: PowerShell only
    /// accepts Write* calls from the pipeline thread. IAM errors become terminating errors.
    /// </summary>
    protected T RunAws<T>(AwsConnection connection, Func<IamClient, CancellationToken, Task<T>> work, object? target) =>
        RunAws(connection, work, target, terminating: true, out _)!;

    /// <summary>Like RunAws, with IAM errors written as non-terminating errors (false returned) when not terminating.</summary>
    protected T? RunAws<T>(AwsConnection connection, Func<IamClient, CancellationToken, Task<T>> work, object? target, bool terminating, out bool succeeded)
    {
        succeeded = false;
        using var messages = new BlockingCollection<string>();
        using var client = new IamClient(connection) { CallCompleted = record => messages.Add(record.ToString()) };
        var task = Task.Run(() => work(client, Cancellation));
        task.ContinueWith(_ => messages.CompleteAdding(), TaskScheduler.Default);
        foreach (var message in messages.GetConsumingEnumerable())
        {
            WriteVerbose(message);
        }

        try
        {
            var result = task.GetAwaiter().GetResult();
            succeeded = true;
            return result;
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (IamException e)
        {
            var record = IamErrors.ToErrorRecord(e, target);
            if (terminating)
            {
                ThrowTerminatingError(record);
            }

            WriteError(record);
            return default;
        }
    }

    protected static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}

/// <summary>How IAM's error codes become PowerShell error categories.</summary>
public static class IamErrors
{
    public static ErrorCategory CategoryOf(string code) => code switch
    {
        "NoSuchEntity" => ErrorCategory.ObjectNotFound,
        "AccessDenied" or "AccessDeniedException" or "UnauthorizedOperation" or "UnauthorizedAccess" => ErrorCategory.PermissionDenied,
        "MalformedPolicyDocument" => ErrorCategory.InvalidData,
        "LimitExceeded" => ErrorCategory.LimitsExceeded,
        "EntityAlreadyExists" => ErrorCategory.ResourceExists,
        "DeleteConflict" or "ConcurrentModification" => ErrorCategory.ResourceBusy,
        "InvalidInput" or "ValidationError" or "InvalidParameterValue" => ErrorCategory.InvalidArgument,
        "InvalidClientTokenId" or "SignatureDoesNotMatch" or "ExpiredToken" or "ExpiredTokenException" or "IncompleteSignature" or "MissingAuthenticationToken" => ErrorCategory.AuthenticationError,
        "Timeout" => ErrorCategory.OperationTimeout,
        "ConnectionFailed" => ErrorCategory.ConnectionError,
        "MalformedResponse" => ErrorCategory.InvalidResult,
        _ when IamRetryPolicy.IsTransient(code, 0) => ErrorCategory.ResourceBusy, // still throttled or failing after every retry
        _ => ErrorCategory.NotSpecified,
    };

    public static ErrorRecord ToErrorRecord(IamException e, object? target) =>
        new(e, ErrorIds.IamPrefix + e.Code, CategoryOf(e.Code), target);
}
