using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Ec2;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Cmdlets.Aws;
using MarketplaceGuard.Cmdlets.Errors;

namespace MarketplaceGuard.Cmdlets.PaidResources;

/// <summary>
/// Base of the cmdlets that call EC2 in several regions at once. The work runs on worker threads; everything it
/// wants written (objects, errors, -Verbose lines for each call, progress) is posted to this, the pipeline thread,
/// which alone may call Write*. EC2 and IAM/STS errors that escape the work are terminating; per-region errors
/// are posted as non-terminating ErrorRecords by the cmdlet itself.
/// </summary>
public abstract class Ec2Command : AwsCommand
{
    /// <summary>Runs <paramref name="work"/> with an EC2 session and an STS/IAM client, pumping what it posts until it ends.</summary>
    protected void RunEc2(AwsConnection connection, Func<Ec2Work, Task> work)
    {
        WriteVerbose($"Calling EC2 at {connection.Ec2EndpointOverride?.ToString() ?? "each region's endpoint"}, signed for each region.");
        using var posted = new BlockingCollection<Action>();
        using var session = new Ec2Session(connection) { CallCompleted = record => posted.Add(() => WriteVerbose(record.ToString())) };
        using var iam = new IamClient(connection) { CallCompleted = record => posted.Add(() => WriteVerbose(record.ToString())) };
        var context = new Ec2Work(session, iam, posted.Add, Cancellation);
        var task = Task.Run(() => work(context));
        task.ContinueWith(_ => posted.CompleteAdding(), TaskScheduler.Default);
        foreach (var action in posted.GetConsumingEnumerable())
        {
            action();
        }

        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (IamException e)
        {
            ThrowTerminatingError(IamErrors.ToErrorRecord(e, null));
        }
        catch (Ec2Exception e)
        {
            ThrowTerminatingError(Ec2Errors.ToErrorRecord(e, e.Region));
        }
    }
}

/// <summary>What the work of an <see cref="Ec2Command"/> gets: the clients, a way to reach the pipeline thread, the Ctrl+C token.</summary>
public sealed record Ec2Work(Ec2Session Session, IamClient Iam, Action<Action> Post, CancellationToken Cancellation);

/// <summary>How EC2's error codes become PowerShell errors: id Ec2&lt;Code&gt;, a category, the region (or resources) as target.</summary>
public static class Ec2Errors
{
    public static ErrorCategory CategoryOf(string code) => code switch
    {
        "OptInRequired" => ErrorCategory.ResourceUnavailable,
        "AuthFailure" => ErrorCategory.AuthenticationError,
        "InvalidParameterCombination" or "MissingParameter" or "InvalidID" => ErrorCategory.InvalidArgument,
        _ when code.EndsWith(".NotFound", StringComparison.Ordinal) => ErrorCategory.ObjectNotFound,
        _ when code.EndsWith(".Malformed", StringComparison.Ordinal) => ErrorCategory.InvalidArgument,
        _ => IamErrors.CategoryOf(code),
    };

    public static ErrorRecord ToErrorRecord(Ec2Exception e, object? target) =>
        new(e, ErrorIds.Ec2Prefix + e.Code, CategoryOf(e.Code), target);
}
