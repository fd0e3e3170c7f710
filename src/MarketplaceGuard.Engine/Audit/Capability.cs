using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// Something a principal may be able to do in AWS Marketplace, as sets of actions: the capability is held through
/// any of its paths, and a path needs every one of its actions. "Procure" is Subscribe, or an agreement request,
/// which AWS only honours together with Subscribe.
/// </summary>
public sealed class Capability
{
    public Capability(string name, int rule, string description, IReadOnlyList<IReadOnlyList<string>> paths, string resource = "*")
    {
        Name = name;
        Rule = rule;
        Description = description;
        Paths = paths;
        Resource = resource;
        var actions = paths.SelectMany(p => p).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        ActionList = actions;
        PathIndexes = paths.Select(p => p.Select(a => Array.FindIndex(actions, x => x.Equals(a, StringComparison.OrdinalIgnoreCase))).ToArray()).ToArray();
    }

    public string Name { get; }

    /// <summary>The least-privilege rule (1, 2 or 3) the capability belongs to.</summary>
    public int Rule { get; }

    public string Description { get; }

    /// <summary>Each path is a set of actions that, all allowed, give the capability.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Paths { get; }

    /// <summary>The resource the actions are evaluated on.</summary>
    public string Resource { get; }

    /// <summary>Every action of every path, each once.</summary>
    public IEnumerable<string> Actions => ActionList;

    /// <summary>The actions, each once, in a fixed order (the analyzer indexes results by position).</summary>
    internal IReadOnlyList<string> ActionList { get; }

    /// <summary>Each path as positions in <see cref="ActionList"/>.</summary>
    internal IReadOnlyList<int[]> PathIndexes { get; }

    public override string ToString() => Name;
}

/// <summary>The capabilities the audit reasons about. The list is open: Rule 2's AMI capabilities join it.</summary>
public static class Capabilities
{
    public static Capability Procure { get; } = new(
        "Procure",
        1,
        "Subscribe to products (accepting their EULA and spending money), directly or through an agreement request",
        [["aws-marketplace:Subscribe"], ["aws-marketplace:CreateAgreementRequest", "aws-marketplace:Subscribe"], ["aws-marketplace:AcceptAgreementRequest", "aws-marketplace:Subscribe"]]);

    public static Capability Cancel { get; } = new(
        "Cancel",
        1,
        "Unsubscribe from products or cancel agreements",
        [["aws-marketplace:Unsubscribe"], ["aws-marketplace:CancelAgreement"]]);

    public static Capability ViewSubscriptions { get; } = new(
        "ViewSubscriptions",
        1,
        "See the account's Marketplace subscriptions",
        [["aws-marketplace:ViewSubscriptions"]]);

    public static Capability ManagePrivateMarketplace { get; } = new(
        "ManagePrivateMarketplace",
        3,
        "Change which products the Private Marketplace offers",
        [["aws-marketplace:AssociateProductsWithPrivateMarketplace"], ["aws-marketplace:DisassociateProductsFromPrivateMarketplace"]]);

    /// <summary>Every capability, in report order.</summary>
    public static IReadOnlyList<Capability> All { get; } = [Procure, Cancel, ViewSubscriptions, ManagePrivateMarketplace];

    /// <summary>The capability with this name (case-insensitive), or null.</summary>
    public static Capability? Find(string name) => All.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
