using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Iam;

namespace MarketplaceGuard.Aws.Transport;

/// <summary>A successful attempt: the result and what the call record shows of it.</summary>
internal readonly record struct Attempt<T>(T Result, int StatusCode, string? RequestId);

/// <summary>
/// An attempt refused for its signing time after the reply's Date taught the sender a new clock offset: worth one
/// more attempt at once, signed with the corrected clock, whatever the error code says about retrying.
/// </summary>
internal sealed class ClockCorrectedException : Exception
{
    public ClockCorrectedException(AwsServiceException failure)
        : base(failure.Message, failure)
    {
        Failure = failure;
    }

    public AwsServiceException Failure { get; }
}

/// <summary>
/// The attempt loop every AWS call of the module goes through, whatever the service and protocol: a call record
/// for each attempt, retries of transient failures after <see cref="IamRetryPolicy.DelayBefore"/> (bounded in
/// attempts and in total time), no blind retry of a non-idempotent write that may have been applied, an immediate
/// retry after a clock correction, and cancellation between and during attempts. It throws the last failure,
/// counted over its attempts.
/// </summary>
internal static class RetryLoop
{
    /// <param name="service">How the call records name the service ("IAM", "STS", "Organizations", "EC2 eu-west-1").</param>
    /// <param name="attempt">One attempt; throws the service's <see cref="AwsServiceException"/> (attempts 1) when it fails.</param>
    public static async Task<T> RunAsync<T>(
        IamRetryPolicy retry,
        string service,
        string operation,
        Func<CancellationToken, Task<Attempt<T>>> attempt,
        Action<IamCallRecord>? report,
        CancellationToken cancellation)
    {
        var started = Stopwatch.StartNew();
        for (var number = 1; ; number++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            AwsServiceException failure;
            var clockCorrected = false;
            try
            {
                var done = await attempt(cancellation).ConfigureAwait(false);
                report?.Invoke(new IamCallRecord(service, operation, done.StatusCode, "OK", number, clock.Elapsed, done.RequestId));
                return done.Result;
            }
            catch (ClockCorrectedException e)
            {
                failure = e.Failure;
                clockCorrected = true;
            }
            catch (AwsServiceException e)
            {
                failure = e;
            }

            report?.Invoke(new IamCallRecord(service, operation, failure.StatusCode, failure.Code, number, clock.Elapsed, failure.RequestId));
            if (!(failure.IsTransient || clockCorrected) || number >= retry.MaxAttempts
                || (IamRetryPolicy.IsNonIdempotent(operation) && failure.MayHaveApplied))
            {
                throw failure.WithAttempts(number);
            }

            var delay = clockCorrected ? TimeSpan.Zero : retry.DelayBefore(number + 1, Random.Shared);
            if (started.Elapsed + delay > retry.MaxTotalTime)
            {
                throw failure.WithAttempts(number);
            }

            await Task.Delay(delay, cancellation).ConfigureAwait(false);
        }
    }
}
