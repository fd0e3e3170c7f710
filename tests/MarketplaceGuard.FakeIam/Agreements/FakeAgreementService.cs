using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MarketplaceGuard.FakeIam.Agreements;

/// <summary>
/// The Marketplace Agreement endpoint's state (<c>server.Agreements</c>): agreements by acceptor account, and the
/// accounts whose callers are refused (AccessDeniedException, as for a role without aws-marketplace:SearchAgreements).
/// Safe to change between requests from any thread.
/// </summary>
public sealed class FakeAgreementService
{
    private readonly object gate = new();
    private readonly List<FakeAgreement> agreements = new();
    private readonly HashSet<string> denied = new(StringComparer.Ordinal);

    /// <summary>Adds agreements (each found by its acceptor account, and by its proposer with PartyType=Proposer).</summary>
    public void Add(params FakeAgreement[] added)
    {
        ArgumentNullException.ThrowIfNull(added);
        lock (gate)
        {
            foreach (var agreement in added)
            {
                if (agreements.Any(a => a.AgreementId == agreement.AgreementId))
                {
                    throw new ArgumentException($"The agreement {agreement.AgreementId} is already served.", nameof(added));
                }

                agreements.Add(agreement);
            }
        }
    }

    /// <summary>Every agreement served, in the order added.</summary>
    public IReadOnlyList<FakeAgreement> All
    {
        get
        {
            lock (gate)
            {
                return agreements.ToList();
            }
        }
    }

    /// <summary>Refuses every Agreement API call from this account with AccessDeniedException.</summary>
    public void Deny(string accountId)
    {
        lock (gate)
        {
            denied.Add(accountId);
        }
    }

    /// <summary>Undoes <see cref="Deny"/>.</summary>
    public void Allow(string accountId)
    {
        lock (gate)
        {
            denied.Remove(accountId);
        }
    }

    public void LoadSeedFile(string path) => AgreementSeedLoader.Load(this, File.ReadAllText(path));

    public void LoadSeed(string json) => AgreementSeedLoader.Load(this, json);

    internal bool IsDenied(string accountId)
    {
        lock (gate)
        {
            return denied.Contains(accountId);
        }
    }
}
