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
}
