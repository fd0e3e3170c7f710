using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading.Tasks;

namespace MarketplaceGuard.Cmdlets.Organizations;

/// <summary>
/// Carries what background work has to say to the cmdlet's pipeline thread: PowerShell accepts WriteObject,
/// WriteError, WriteWarning, WriteVerbose and WriteProgress only from that thread, while an organization audit works
/// on several accounts at once. Workers <see cref="Post"/> actions; <see cref="Run"/> performs them on the pipeline
/// thread, in the order posted, until the work is done.
/// </summary>
internal sealed class PipelinePump : IDisposable
{
    private readonly BlockingCollection<Action> actions = new();

    /// <summary>Queues an action for the pipeline thread (from any thread).</summary>
    public void Post(Action action)
    {
        try
        {
            actions.Add(action);
        }
        catch (InvalidOperationException)
        {
            // The pump has stopped (the pipeline was stopped): nothing is written any more.
        }
    }

    /// <summary>
    /// Performs the posted actions on the calling (pipeline) thread until <paramref name="work"/> completes, then
    /// returns its result or throws its exception.
    /// </summary>
    public T Run<T>(Task<T> work)
    {
        work.ContinueWith(_ => actions.CompleteAdding(), TaskScheduler.Default);
        try
        {
            foreach (var action in actions.GetConsumingEnumerable())
            {
                action();
            }
        }
        catch (PipelineStoppedException)
        {
            actions.CompleteAdding();
            throw;
        }

        return work.GetAwaiter().GetResult();
    }

    public void Dispose() => actions.Dispose();
}
