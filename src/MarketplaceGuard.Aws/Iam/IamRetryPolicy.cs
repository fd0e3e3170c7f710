using System;

namespace MarketplaceGuard.Aws.Iam;

/// <summary>
/// When and how long to wait before trying a call again: exponential backoff with full jitter, bounded both in
/// attempts and in total time. Throttling, 5xx and transport failures are retried; quota errors (LimitExceeded),
/// missing entities, malformed documents and permission errors are not: retrying cannot fix them. One policy for every
/// service the module calls (IAM, STS, Organizations, EC2).
/// </summary>
public sealed class IamRetryPolicy
{
    /// <summary>Defaults for real accounts: 6 attempts, 200 ms doubling up to 10 s, at most 60 s in all.</summary>
    public static IamRetryPolicy Default { get; } = new();

    public int MaxAttempts { get; init; } = 6;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxTotalTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one attempt may take before it counts as a timeout.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(100);

    public static bool IsTransient(string code, int statusCode) =>
        IsThrottling(code)
        || code is "ServiceUnavailable" or "InternalFailure" or "InternalError" or "ServiceFailure" or "ConnectionFailed" or "Timeout" or "MalformedResponse"
        || statusCode >= 500;

    /// <summary>The services' ways of saying "too many requests" (IAM, STS, EC2, Organizations' TooManyRequestsException).</summary>
    public static bool IsThrottling(string code) =>
        code is "Throttling" or "ThrottlingException" or "RequestLimitExceeded" or "TooManyRequestsException" or "RequestThrottled";

    /// <summary>
    /// Writes that IAM would apply twice if repeated (a second policy, a second version). After a failure that may
    /// have been applied they are not retried blindly: the caller re-reads the state and decides.
    /// </summary>
    public static bool IsNonIdempotent(string operation) => operation is "CreatePolicy" or "CreatePolicyVersion";

    /// <summary>
    /// Failures after which the request may have been applied: the reply was lost (connection dropped, timeout, a
    /// cut reply) or the server failed. Throttling and client errors are refused before anything is done.
    /// </summary>
    public static bool MayHaveApplied(string code, int statusCode) =>
        code is "ConnectionFailed" or "Timeout" or "MalformedResponse" || statusCode >= 500;

    /// <summary>The wait before attempt <paramref name="attempt"/> (2, 3, ...): random in [0, min(max, base·2^(n-2))].</summary>
    public TimeSpan DelayBefore(int attempt, Random random)
    {
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 2));
        return TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
    }
}
