using System;

namespace MarketplaceGuard.Aws.Iam;

/// <summary>
/// One attempt of an AWS call as -Verbose shows it: which service and operation, how it ended, which attempt, how
/// long. Nothing secret: no parameters, no reply.
/// </summary>
public sealed record IamCallRecord(string Service, string Operation, int StatusCode, string Outcome, int Attempt, TimeSpan Elapsed, string? RequestId)
{
    public override string ToString() =>
        $"{Service} {Operation}: {(StatusCode == 0 ? Outcome : $"HTTP {StatusCode} {Outcome}")}, attempt {Attempt}, {Elapsed.TotalMilliseconds:N0} ms" +
        (RequestId is null ? string.Empty : $", request id {RequestId}");
}
