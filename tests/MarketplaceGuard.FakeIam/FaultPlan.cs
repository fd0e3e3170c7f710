using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.FakeIam;

public enum FaultKind
{
    None,

    /// <summary>A throttling error (IAM and STS: 400 Throttling, EC2: 503 RequestLimitExceeded, Organizations: 400 TooManyRequestsException); the operation does not run.</summary>
    Throttle,

    /// <summary>An error status (500 ServiceFailure for IAM and STS, InternalError for EC2, ServiceException for Organizations, by default); the operation does not run.</summary>
    Failure,

    /// <summary>The connection closes inside the status line of the reply.</summary>
    DropConnection,

    /// <summary>The reply comes late; otherwise normal.</summary>
    Delay,

    /// <summary>A 200 whose body (the operation's XML or JSON reply, or its error) is cut in half; the operation runs.</summary>
    Malformed,
}

/// <summary>
/// One planned fault; <see cref="Operation"/> null means any operation. <see cref="Status"/> 0 and <see cref="Code"/>
/// null stand for the answering service's own throttling or failure reply.
/// </summary>
public sealed record PlannedFault(FaultKind Kind, string? Operation, int Status = 0, string? Code = null, TimeSpan Delay = default, bool AfterProcessing = false);

/// <summary>
/// What goes wrong, and when. Planned faults form a queue: each authenticated request takes the first planned fault
/// whose operation matches (or that names none), one fault per request, in the order they were planned. A request that
/// takes no planned fault is throttled at random when <see cref="ThrottleRandomly"/> is on (seeded: the same request
/// sequence is throttled the same way on every run).
/// </summary>
public sealed class FaultPlan
{
    private readonly object gate = new();
    private readonly List<PlannedFault> planned = new();
    private Random? random;
    private double randomFraction;

    /// <summary>How many planned faults have not happened yet.</summary>
    public int Pending
    {
        get
        {
            lock (gate)
            {
                return planned.Count;
            }
        }
    }

    /// <summary>
    /// The next <paramref name="n"/> requests are throttled: IAM and STS answer 400 Throttling ("Rate exceeded"), EC2 503
    /// RequestLimitExceeded, Organizations 400 TooManyRequestsException, unless <paramref name="code"/> names another
    /// code (with the service's own status).
    /// </summary>
    public void ThrottleNext(int n, string? code = null, string? operation = null) =>
        Plan(n, new PlannedFault(FaultKind.Throttle, operation, 0, code));

    /// <summary>The next <paramref name="n"/> requests get <paramref name="status"/> with <paramref name="code"/> (IAM: ServiceFailure, EC2: InternalError, Organizations: ServiceException).</summary>
    public void FailNext(int n, int status = 500, string? code = null, string? operation = null) =>
        Plan(n, new PlannedFault(FaultKind.Failure, operation, status, code));

    /// <summary>
    /// The next <paramref name="n"/> requests see their connection close after the first bytes of the reply (the client
    /// gets an HttpRequestException). With <paramref name="afterProcessing"/> the operation runs first (a write that
    /// succeeded although the caller never heard so); by default it does not.
    /// </summary>
    public void DropNextConnection(int n, bool afterProcessing = false, string? operation = null) =>
        Plan(n, new PlannedFault(FaultKind.DropConnection, operation, AfterProcessing: afterProcessing));

    /// <summary>The next <paramref name="n"/> requests wait <paramref name="delay"/> before they are processed.</summary>
    public void DelayNext(int n, TimeSpan delay, string? operation = null) =>
        Plan(n, new PlannedFault(FaultKind.Delay, operation, Delay: delay));

    /// <summary>The next <paramref name="n"/> requests run, then get a 200 whose body is truncated.</summary>
    public void MalformedNext(int n, string? operation = null) =>
        Plan(n, new PlannedFault(FaultKind.Malformed, operation));

    /// <summary>Throttles about <paramref name="fraction"/> of the requests that take no planned fault; 0 turns it off.</summary>
    public void ThrottleRandomly(double fraction, int seed)
    {
        if (fraction is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), "The fraction is between 0 and 1.");
        }

        lock (gate)
        {
            randomFraction = fraction;
            random = fraction > 0 ? new Random(seed) : null;
        }
    }

    /// <summary>Forgets planned faults and turns random throttling off.</summary>
    public void Clear()
    {
        lock (gate)
        {
            planned.Clear();
            random = null;
        }
    }

    /// <summary>Takes the fault for a request, or null.</summary>
    internal PlannedFault? Take(string? operation)
    {
        lock (gate)
        {
            var fault = planned.FirstOrDefault(f => f.Operation is null || f.Operation == operation);
            if (fault is not null)
            {
                planned.Remove(fault);
                return fault;
            }

            return random is not null && random.NextDouble() < randomFraction
                ? new PlannedFault(FaultKind.Throttle, null)
                : null;
        }
    }

    private void Plan(int n, PlannedFault fault)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        lock (gate)
        {
            for (var i = 0; i < n; i++)
            {
                planned.Add(fault);
            }
        }
    }
}
