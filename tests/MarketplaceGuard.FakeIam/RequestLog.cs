using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// One request as the server saw and answered it. Parameters are the decoded form (and query string) values, or for
/// Organizations the JSON body's members (strings as they are, other values as JSON text); secrets are not kept: no
/// signature, no session token (only whether there was one), no MFA code.
/// </summary>
public sealed record RecordedRequest(
    long Sequence,
    DateTimeOffset Time,
    string HttpMethod,
    string? Operation,
    IReadOnlyDictionary<string, string> Parameters,
    string? AccessKeyId,
    string? SigningRegion,
    string? SigningService,
    bool HasSessionToken,
    int StatusCode,
    string? ErrorCode,
    FaultKind Fault,
    string RequestId)
{
    /// <summary>The account the request acted as; null when it was refused before its caller was known.</summary>
    public string? AccountId { get; init; }

    /// <summary>True when the connection was dropped; <see cref="StatusCode"/> is then 0.</summary>
    public bool WasDropped => Fault == FaultKind.DropConnection;

    public string? Parameter(string name) => Parameters.TryGetValue(name, out var value) ? value : null;
}

/// <summary>The requests the server answered, in the order it answered them; safe to read while requests arrive.</summary>
public sealed class RequestLog : IReadOnlyList<RecordedRequest>
{
    private readonly object gate = new();
    private readonly List<RecordedRequest> requests = new();

    public int Count
    {
        get
        {
            lock (gate)
            {
                return requests.Count;
            }
        }
    }

    public RecordedRequest this[int index]
    {
        get
        {
            lock (gate)
            {
                return requests[index];
            }
        }
    }

    /// <summary>A copy of the log as it is now.</summary>
    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (gate)
        {
            return requests.ToArray();
        }
    }

    public IReadOnlyList<RecordedRequest> ForOperation(string operation) =>
        Snapshot().Where(r => r.Operation == operation).ToArray();

    public void Clear()
    {
        lock (gate)
        {
            requests.Clear();
        }
    }

    public IEnumerator<RecordedRequest> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Add(RecordedRequest request)
    {
        lock (gate)
        {
            requests.Add(request);
        }
    }
}
