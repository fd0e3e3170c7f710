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
/// How the cmdlets that call EC2 in several regions at once run their work: on worker threads, with everything the
/// work wants written (objects, errors, -Verbose lines for each call, progress) posted to the pipeline thread, which
/// alone may call Write*. EC2 and IAM/STS errors that escape the work are terminating; per-region errors are posted as
/// non-terminating ErrorRecords by the cmdlet itself. A helper rather than a base class: Get-MarketplacePaidResource
/// also fans out over accounts (OrganizationCommand), Protect-MarketplacePaidResource does not.
/// </summary>
public static class Ec2Runner
{
    /// <summary>Runs <paramref name="work"/> with an EC2 session and an STS/IAM client, pumping what it posts until it ends.</summary>
    public static void Run(PSCmdlet cmdlet, AwsConnection connection, Func<Ec2Work, Task> work, CancellationToken cancellation)
    {
        cmdlet.WriteVerbose($"Calling EC2 at {connection.Ec2EndpointOverride?.ToString() ?? "each region's endpoint"}, signed for each region.");
        using var posted = new BlockingCollection<Action>();
        using var session = new Ec2Session(connection) { CallCompleted = record => posted.Add(() => cmdlet.WriteVerbose(record.ToString())) };
        using var iam = new IamClient(connection) { CallCompleted = record => posted.Add(() => cmdlet.WriteVerbose(record.ToString())) };
        var context = new Ec2Work(session, iam, posted.Add, cancellation);
        var task = Task.Run(() => work(context), CancellationToken.None);
        task.ContinueWith(_ => posted.CompleteAdding(), TaskScheduler.Default);
        foreach (var action in posted.GetConsumingEnumerable(CancellationToken.None))
        {
            action();
        }

        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (IamException e)
        {
            cmdlet.ThrowTerminatingError(IamErrors.ToErrorRecord(e, null));
        }
        catch (Ec2Exception e)
        {
            cmdlet.ThrowTerminatingError(Ec2Errors.ToErrorRecord(e, e.Region));
        }
    }
}

/// <summary>What the work run by <see cref="Ec2Runner"/> gets: the clients, a way to reach the pipeline thread, the Ctrl+C token.</summary>
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
