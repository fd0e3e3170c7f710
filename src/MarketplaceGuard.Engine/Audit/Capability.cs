using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// Something a principal may be able to do, as sets of requests: the capability is held through any of its paths,
/// and a path needs every one of its requests. A Rule 1 request is an action on "*" ("Procure" is Subscribe, or an
/// agreement request); a Rule 2 request names its resource and what
/// is known of its context ("RunInstances on any image whose ec2:Owner is aws-marketplace").
/// </summary>
public sealed class Capability
{
    /// <summary>A capability whose paths are actions on "*".</summary>
    public Capability(string name, int rule, string description, IReadOnlyList<IReadOnlyList<string>> paths)
        : this(name, rule, description, paths.Select(p => (IReadOnlyList<AccessRequest>)p.Select(a => new AccessRequest(a)).ToArray()).ToArray())
    {
    }

    public Capability(string name, int rule, string description, IReadOnlyList<IReadOnlyList<AccessRequest>> paths)
    {
        Name = name;
        Rule = rule;
        Description = description;
        RequestPaths = paths;
        Paths = paths.Select(p => (IReadOnlyList<string>)p.Select(r => r.Action).Distinct(StringComparer.OrdinalIgnoreCase).ToArray()).ToArray();

        // Requests that are the same (action, resource and facts) are evaluated once.
        var requests = new List<AccessRequest>();
        var indexes = new List<int[]>();
        foreach (var path in paths)
        {
            var positions = new int[path.Count];
            for (var i = 0; i < path.Count; i++)
            {
                var found = requests.FindIndex(r => Same(r, path[i]));
                if (found < 0)
                {
                    found = requests.Count;
                    requests.Add(path[i]);
                }

                positions[i] = found;
            }

            indexes.Add(positions);
        }

        RequestList = requests;
        PathIndexes = indexes;
        ActionList = requests.Select(r => r.Action).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    public string Name { get; }

    /// <summary>The least-privilege rule (1, 2 or 3) the capability belongs to.</summary>
    public int Rule { get; }

    public string Description { get; }

    /// <summary>Each path as the actions it needs (what a person reads; the requests say on what).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Paths { get; }

    /// <summary>Each path as the requests that, all allowed, give the capability.</summary>
    public IReadOnlyList<IReadOnlyList<AccessRequest>> RequestPaths { get; }

    /// <summary>Every action of every path, each once.</summary>
    public IEnumerable<string> Actions => ActionList;

    /// <summary>Every distinct request, in a fixed order (the analyzer indexes results by position).</summary>
    internal IReadOnlyList<AccessRequest> RequestList { get; }

    internal IReadOnlyList<string> ActionList { get; }

    /// <summary>Each path as positions in <see cref="RequestList"/>.</summary>
    internal IReadOnlyList<int[]> PathIndexes { get; }

    /// <summary>The actions of <see cref="RequestList"/>, as the set policies remember their reach by.</summary>
    internal ActionSet ActionSet => actionSet ??= new ActionSet(RequestList.Select(r => r.Action));

    private ActionSet? actionSet;

    public override string ToString() => Name;

    private static bool Same(AccessRequest a, AccessRequest b) =>
        a.Action.Equals(b.Action, StringComparison.OrdinalIgnoreCase) && a.Resource == b.Resource && a.ToString() == b.ToString();
}

/// <summary>The capabilities the audit reasons about: Rule 1's (subscriptions), Rule 2's (paid AMIs) and Rule 3's (distribution).</summary>
public static class Capabilities
{
    /// <summary>
    /// Subscribing, or buying through the Agreement API (RULE2-RULE3-FACTS section 6): CreateAgreementRequest asks for
    /// a quote, AcceptAgreementRequest accepts it and makes the agreement. Whether AWS also checks Subscribe on that
    /// path is unconfirmed (section 8, section 10 question 5), so each agreement action is a path of its own rather
    /// than a path that also needs Subscribe: assuming the extra check would call a principal that holds
    /// AcceptAgreementRequest and is denied Subscribe unable to buy, a "safe" verdict no fact supports. Accepting is
    /// the purchase, and it needs no request of the principal's own (anyone in the account may have created it).
    /// CreateAgreementRequest alone is flagged too: the facts describe the request's terms and intent, not that it
    /// can never bind, and a false flag costs a review where a false "denied" costs an unapproved purchase.
    /// </summary>
    public static Capability Procure { get; } = new(
        "Procure",
        1,
        "Subscribe to products (accepting their EULA and spending money), directly or through an agreement request",
        [["aws-marketplace:Subscribe"], ["aws-marketplace:CreateAgreementRequest"], ["aws-marketplace:AcceptAgreementRequest"]]);

    /// <summary>
    /// Ending what was bought (section 6): Unsubscribe; CancelAgreement, by which the acceptor cancels an active
    /// agreement; and AcceptAgreementCancellationRequest, by which the buyer accepts the cancellation a seller asked for
    /// (SendAgreementCancellationRequest is the seller's), so the agreement ends as well. Rejecting or reading a
    /// cancellation request ends nothing, and CancelAgreementRequest withdraws a purchase request, not an agreement.
    /// </summary>
    public static Capability Cancel { get; } = new(
        "Cancel",
        1,
        "Unsubscribe from products, cancel agreements, or accept a seller's cancellation request",
        [["aws-marketplace:Unsubscribe"], ["aws-marketplace:CancelAgreement"], ["aws-marketplace:AcceptAgreementCancellationRequest"]]);

    public static Capability ViewSubscriptions { get; } = new(
        "ViewSubscriptions",
        1,
        "See the account's Marketplace subscriptions",
        [["aws-marketplace:ViewSubscriptions"]]);

    /// <summary>The legacy Private Marketplace actions and each Private Marketplace change type of the Catalog API.</summary>
    public static Capability ManagePrivateMarketplace { get; } = new(
        "ManagePrivateMarketplace",
        3,
        "Change which products the Private Marketplace offers, who it applies to and how: legacy product approvals, or Catalog API change sets on experiences, audiences and procurement policies",
        DistributionCapabilities.PrivateMarketplacePaths);

    public static Capability LaunchPaidAmi => PaidAmiCapabilities.LaunchPaidAmi;

    public static Capability ReplicatePaidAmi => PaidAmiCapabilities.ReplicatePaidAmi;

    public static Capability SharePaidAmi => PaidAmiCapabilities.SharePaidAmi;

    public static Capability DistributeLicenses => DistributionCapabilities.DistributeLicenses;

    public static Capability ShareThroughServiceCatalog => DistributionCapabilities.ShareThroughServiceCatalog;

    public static Capability BedrockAutoSubscribe => DistributionCapabilities.BedrockAutoSubscribe;

    /// <summary>Every capability, in report order.</summary>
    public static IReadOnlyList<Capability> All { get; } =
        [Procure, Cancel, ViewSubscriptions, ManagePrivateMarketplace, LaunchPaidAmi, ReplicatePaidAmi, SharePaidAmi, DistributeLicenses, ShareThroughServiceCatalog, BedrockAutoSubscribe];

    /// <summary>The capability with this name (case-insensitive), or null.</summary>
    public static Capability? Find(string name) => All.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
