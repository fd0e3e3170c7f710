using System;
using System.Collections.Generic;

namespace MarketplaceGuard.FakeIam.Organizations;

/// <summary>
/// The Organizations endpoint's switches (<c>server.Organizations</c>): which organization it serves, whether it is in
/// use at all, whether listings start with an empty page, and operations refused to a caller.
/// </summary>
public sealed class FakeOrganizationsService
{
    private readonly object gate = new();
    private readonly HashSet<(string Operation, string? AccountId)> denied = new();
    private readonly Dictionary<string, (int Successes, string Code)> failures = new(StringComparer.Ordinal);

    /// <summary>The organization served; null answers AWSOrganizationsNotInUseException to everyone.</summary>
    public FakeOrganization? Organization { get; set; }

    /// <summary>Answers AWSOrganizationsNotInUseException to every operation, as for an account outside any organization.</summary>
    public bool NotInUse { get; set; }

    /// <summary>
    /// Every listing starts with an empty page that carries a NextToken, as the documentation warns can happen
    /// ("always check NextToken even if you receive an empty result set").
    /// </summary>
    public bool EmptyPagesFirst { get; set; }

    /// <summary>Refuses an operation with AccessDeniedException, to one caller account or (null) to everyone.</summary>
    public void Deny(string operation, string? callerAccountId = null)
    {
        lock (gate)
        {
            denied.Add((operation, callerAccountId));
        }
    }

    /// <summary>Undoes a <see cref="Deny"/> with the same arguments.</summary>
    public void Allow(string operation, string? callerAccountId = null)
    {
        lock (gate)
        {
            denied.Remove((operation, callerAccountId));
        }
    }

    internal bool IsDenied(string operation, string callerAccountId)
    {
        lock (gate)
        {
            return denied.Contains((operation, null)) || denied.Contains((operation, callerAccountId));
        }
    }

    /// <summary>
    /// Lets <paramref name="operation"/> succeed <paramref name="successes"/> more times, then refuses every later call
    /// with <paramref name="code"/> (HTTP 400, a client error: not retried), e.g. a write that fails part way through
    /// a run. <see cref="ClearFailures"/> undoes it.
    /// </summary>
    public void FailAfter(string operation, int successes, string code = "ConcurrentModificationException")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        lock (gate)
        {
            failures[operation] = (successes, code);
        }
    }

    public void ClearFailures()
    {
        lock (gate)
        {
            failures.Clear();
        }
    }

    /// <summary>The error code a call of <paramref name="operation"/> fails with now (counting it), or null.</summary>
    internal string? TakeFailure(string operation)
    {
        lock (gate)
        {
            if (!failures.TryGetValue(operation, out var failure))
            {
                return null;
            }

            if (failure.Successes > 0)
            {
                failures[operation] = (failure.Successes - 1, failure.Code);
                return null;
            }

            return failure.Code;
        }
    }
}
