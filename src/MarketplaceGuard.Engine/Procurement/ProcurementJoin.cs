using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.PaidResources;

namespace MarketplaceGuard.Engine.Procurement;

/// <summary>
/// The join behind <see cref="ProcurementInventory.Build"/>: paid resources indexed by product code, account and region;
/// agreements by product id; then each rule judged once per product code and account (MG4001, MG4003, MG4005), per
/// agreement (MG4002) and per account (MG4004). Every lookup is a dictionary, so the work grows with the input, not with
/// its square.
/// </summary>
internal sealed class ProcurementJoin
{
    private readonly IReadOnlyList<Agreement> agreements;
    private readonly IReadOnlyList<PaidResource> resources;
    private readonly ProductCodeMap map;
    private readonly IReadOnlyList<AccountNotRead> accountsNotRead;
    private readonly DateTimeOffset now;
    private readonly TimeSpan expiresWithin;

    private readonly Dictionary<string, string?> accountNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccountNotRead> notRead = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Agreement>> agreementsByProduct = new(StringComparer.Ordinal);
    private readonly HashSet<string> accountsWithAgreements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<(string Account, string Region), ProductPlacement>> placementsByCode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (HashSet<string> Running, HashSet<string> Stopped)> instancesByAccount = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PaidResource>> unprotectedImagesByAccount = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> leakingByAccount = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Account, string Code), SortedSet<string>> rulesByPlacement = [];
    private readonly List<ProcurementFinding> findings = [];
    private readonly List<InventoryGap> gaps = [];

    public ProcurementJoin(IReadOnlyList<Agreement> agreements, IReadOnlyList<PaidResource> resources, ProductCodeMap map, IReadOnlyList<AccountNotRead> accountsNotRead, IReadOnlyList<AccountRead> accountsRead, DateTimeOffset now, TimeSpan expiresWithin)
    {
        this.accountsRead = accountsRead;
        this.agreements = agreements;
        this.resources = resources;
        this.map = map;
        this.accountsNotRead = accountsNotRead;
        this.now = now;
        this.expiresWithin = expiresWithin;
    }

    private DateTimeOffset Horizon => expiresWithin >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + expiresWithin;

    private readonly IReadOnlyList<AccountRead> accountsRead;

    public ProcurementInventory Run()
    {
        // Accounts read whole are in the inventory even with nothing procured or running: that is their answer.
        foreach (var account in accountsRead)
        {
            Name(account.AccountId, account.AccountName);
        }

        foreach (var account in accountsNotRead)
        {
            notRead.TryAdd(account.AccountId, account);
            Name(account.AccountId, account.AccountName);
            gaps.Add(new InventoryGap(InventoryGapKind.AccountNotRead, account.AccountId, account.AccountName, ReportAccount(account.AccountId),
                $"not read ({account.Reason}): no billing leak, shared subscription or expiry is judged for it"));
        }

        IndexAgreements();
        IndexResources();

        var products = new List<ProductInventory>();
        foreach (var (code, placements) in placementsByCode.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var mapping = map.Find(code);
            var ordered = placements.Values.OrderBy(p => p.AccountId, StringComparer.Ordinal).ThenBy(p => p.Region, StringComparer.Ordinal).ToList();
            foreach (var placement in ordered)
            {
                placement.AccountName = accountNames.GetValueOrDefault(placement.AccountId);
            }

            var product = new ProductInventory(code, mapping, ordered, mapping is null ? [] : AgreementsOf(mapping.ProductId));
            products.Add(product);
            if (mapping is null)
            {
                NotJoined(product);
            }
            else
            {
                JudgeAccounts(product);
            }
        }

        var productsById = products.Where(p => p.Mapped).ToLookup(p => p.ProductId!, StringComparer.Ordinal);
        foreach (var agreement in agreements)
        {
            JudgeExpiry(agreement, productsById);
        }

        foreach (var (account, images) in unprotectedImagesByAccount)
        {
            UnprotectedImages(account, images);
        }

        var sorted = findings
            .OrderBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.AccountId, StringComparer.Ordinal)
            .ThenBy(f => f.Target, StringComparer.Ordinal)
            .ToList();
        return new ProcurementInventory(now, expiresWithin, map, agreements, resources, products, sorted, accountsNotRead, gaps, Accounts(), Rows(products));
    }

    private void IndexAgreements()
    {
        foreach (var agreement in agreements)
        {
            Name(agreement.AccountId, agreement.AccountName);
            accountsWithAgreements.Add(agreement.AccountId);
            var ids = ProductIds(agreement);
            if (ids.Count == 0)
            {
                gaps.Add(new InventoryGap(InventoryGapKind.AgreementWithoutProduct, agreement.AccountId, agreement.AccountName, agreement.AgreementId,
                    $"names no product ({agreement.Status ?? "no status"}, account {ReportAccount(agreement.AccountId)}): it cannot be joined to any instance"));
                continue;
            }

            foreach (var id in ids)
            {
                if (!agreementsByProduct.TryGetValue(id, out var list))
                {
                    agreementsByProduct[id] = list = [];
                }

                list.Add(agreement);
            }
        }
    }

    private void IndexResources()
    {
        foreach (var resource in resources)
        {
            Name(resource.AccountId, resource.AccountName);
            var isInstance = resource.ResourceType == PaidResourceType.Instance;
            var ownImage = resource.ResourceType == PaidResourceType.Image && resource.IsAccountOwned;
            if ((!isInstance && !ownImage) || resource.ProductCodes.Count == 0)
            {
                continue;
            }

            var running = isInstance && IsRunning(resource.State);
            var stopped = isInstance && string.Equals(resource.State, "stopped", StringComparison.OrdinalIgnoreCase);
            if (isInstance)
            {
                if (!instancesByAccount.TryGetValue(resource.AccountId, out var counts))
                {
                    instancesByAccount[resource.AccountId] = counts = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
                }

                (running ? counts.Running : stopped ? counts.Stopped : null)?.Add(resource.ResourceId);
            }
            else if (!resource.Protected)
            {
                if (!unprotectedImagesByAccount.TryGetValue(resource.AccountId, out var images))
                {
                    unprotectedImagesByAccount[resource.AccountId] = images = [];
                }

                images.Add(resource);
            }

            foreach (var code in resource.ProductCodes)
            {
                if (!placementsByCode.TryGetValue(code, out var placements))
                {
                    placementsByCode[code] = placements = [];
                }

                var key = (resource.AccountId, resource.Region);
                if (!placements.TryGetValue(key, out var placement))
                {
                    placements[key] = placement = new ProductPlacement(resource.AccountId, null, resource.Region);
                }

                if (running)
                {
                    placement.Running.Add(resource.ResourceId);
                }
                else if (stopped)
                {
                    placement.Stopped.Add(resource.ResourceId);
                }
                else if (ownImage)
                {
                    placement.Images.Add(resource.ResourceId);
                    if (!resource.Protected)
                    {
                        placement.Unprotected.Add(resource.ResourceId);
                    }
                }
            }
        }
    }

    /// <summary>Pending, running and stopping instances bill for the software; stopped ones do not, and terminated ones are gone.</summary>
    internal static bool IsRunning(string? state) => state?.ToLowerInvariant() is "running" or "pending" or "stopping";

    /// <summary>Every product id an agreement names: its first resource's and every resource of its proposal.</summary>
    internal static IReadOnlyList<string> ProductIds(Agreement agreement)
    {
        var ids = new List<string>(1 + agreement.Resources.Count);
        if (!string.IsNullOrWhiteSpace(agreement.ProductId))
        {
            ids.Add(agreement.ProductId);
        }

        foreach (var resource in agreement.Resources)
        {
            if (!string.IsNullOrWhiteSpace(resource.Id) && !ids.Contains(resource.Id, StringComparer.Ordinal))
            {
                ids.Add(resource.Id);
            }
        }

        return ids;
    }

    private IReadOnlyList<Agreement> AgreementsOf(string productId) => agreementsByProduct.TryGetValue(productId, out var list) ? list : [];

    /// <summary>MG4001 and MG4003: each account where the product's instances run, against that account's own agreements.</summary>
    private void JudgeAccounts(ProductInventory product)
    {
        var productAgreements = product.Agreements;
        var holders = productAgreements.Where(a => a.IsActive).GroupBy(a => a.AccountId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        foreach (var placements in product.Placements.GroupBy(p => p.AccountId, StringComparer.Ordinal))
        {
            var account = placements.Key;
            if (notRead.ContainsKey(account))
            {
                continue;
            }

            var running = placements.Sum(p => p.Running.Count);
            var stopped = placements.Sum(p => p.Stopped.Count);
            var own = productAgreements.Where(a => a.AccountId == account).ToList();
            if (own.Any(a => a.IsActive))
            {
                continue;
            }

            var otherHolders = holders.Where(h => h.Key != account).ToList();
            if (own.Count > 0 && running > 0)
            {
                Leak(product, account, placements.ToList(), own, otherHolders);
            }
            else if (own.Count == 0 && running + stopped > 0)
            {
                Shared(product, account, placements.ToList(), running, stopped, otherHolders);
            }
        }
    }

    private void Leak(ProductInventory product, string account, List<ProductPlacement> placements, List<Agreement> own, List<IGrouping<string, Agreement>> holders)
    {
        var running = placements.Where(p => p.Running.Count > 0).ToList();
        var count = running.Sum(p => p.Running.Count);
        if (!leakingByAccount.TryGetValue(account, out var leaking))
        {
            leakingByAccount[account] = leaking = new HashSet<string>(StringComparer.Ordinal);
        }

        leaking.UnionWith(running.SelectMany(p => p.Running));
        var ended = string.Join(", ", own.Select(a => $"{a.AgreementId} {a.Status ?? "no status"}"));
        var elsewhere = holders.Count == 0
            ? string.Empty
            : $" Account(s) {string.Join(", ", holders.Select(h => ReportAccount(h.Key)))} hold an ACTIVE agreement for the product: if this account should use it through a License Manager grant, make sure the grant is active; the instances it started under its own subscription bill on.";
        Add(new ProcurementFinding(ProcurementRules.BillingLeak, Severity.High, account, accountNames.GetValueOrDefault(account), product.ProductCode, product.ProductId, product.ProductName)
        {
            Reason = $"{Count(count, "instance")} of {ProductLabel(product)} still running in account {ReportAccount(account)}, whose agreements for the product have all ended ({ended}): a cancelled or expired AMI subscription keeps billing for running instances, and no new instance can start.{elsewhere}",
            AgreementIds = own.Select(a => a.AgreementId).ToList(),
            ResourceIds = running.SelectMany(p => p.Running).ToList(),
            Regions = running.Select(p => p.Region).Distinct(StringComparer.Ordinal).ToList(),
            RunningInstances = count,
            Evidence = own.Select(AgreementEvidence).Concat(running.Select(p => $"{p.Region}: running {string.Join(", ", p.Running)}")).ToList(),
            Recommendation = string.Join("; ", running.Select(p => $"Remove-EC2Instance -Region {p.Region} -InstanceId {Ids(p.Running)}")),
        });
    }

    private void Shared(ProductInventory product, string account, List<ProductPlacement> placements, int running, int stopped, List<IGrouping<string, Agreement>> holders)
    {
        var used = placements.Where(p => p.Running.Count + p.Stopped.Count > 0).ToList();
        var instances = $"{Count(running + stopped, "paid instance")} ({ReportText(running)} running, {ReportText(stopped)} stopped) of {ProductLabel(product)}";
        var noneOfItsOwn = accountsWithAgreements.Contains(account)
            ? string.Empty
            : $" The inventory holds no agreement of account {ReportAccount(account)} at all: if its agreements were not read, add them.";
        var arns = holders.SelectMany(h => h.SelectMany(a => a.LicenseArns)).Distinct(StringComparer.Ordinal).ToList();
        string reason;
        string recommendation;
        Severity severity;
        if (holders.Count > 0)
        {
            severity = Severity.Low;
            var licenses = arns.Count == 0 ? "their agreements name no license ARN" : "license " + string.Join(", ", arns);
            reason = $"{instances} are in account {ReportAccount(account)}, which has no agreement of its own for the product: they run on another account's subscription shared through License Manager grants. Account(s) {string.Join(", ", holders.Select(h => ReportAccount(h.Key)))} hold an ACTIVE agreement ({licenses}).{noneOfItsOwn}";
            recommendation = arns.Count == 0
                ? "Get-LICMReceivedLicenseList -Region us-east-1"
                : $"Get-LICMReceivedLicenseList -Region us-east-1 -LicenseArn {Ids(arns)}";
        }
        else
        {
            severity = Severity.Medium;
            var endedElsewhere = product.Agreements.Select(a => a.AccountId).Distinct(StringComparer.Ordinal).ToList();
            var ended = endedElsewhere.Count == 0
                ? string.Empty
                : $" Account(s) {string.Join(", ", endedElsewhere.Select(ReportAccount))} hold only agreements that are not ACTIVE.";
            reason = $"{instances} are in account {ReportAccount(account)}, which has no agreement of its own for the product, and no account of the inventory holds an ACTIVE agreement for it: nothing shows what subscription they run on.{ended}{noneOfItsOwn}";
            recommendation = string.Join("; ", used.Where(p => p.Running.Count > 0).Select(p => $"Stop-EC2Instance -Region {p.Region} -InstanceId {Ids(p.Running)}"));
            if (recommendation.Length == 0)
            {
                recommendation = "Subscribe to the product from the procurement team's account, or share its license to this account with License Manager";
            }
        }

        Add(new ProcurementFinding(ProcurementRules.SharedSubscription, severity, account, accountNames.GetValueOrDefault(account), product.ProductCode, product.ProductId, product.ProductName)
        {
            Reason = reason,
            AgreementIds = holders.SelectMany(h => h.Select(a => a.AgreementId)).ToList(),
            ResourceIds = used.SelectMany(p => p.Running.Concat(p.Stopped)).ToList(),
            Regions = used.Select(p => p.Region).Distinct(StringComparer.Ordinal).ToList(),
            RunningInstances = running,
            HolderAccountIds = holders.Select(h => h.Key).ToList(),
            LicenseArns = arns,
            Evidence = holders.SelectMany(h => h.Select(AgreementEvidence))
                .Concat(used.Select(p => $"{p.Region}: running {Listed(p.Running)}; stopped {Listed(p.Stopped)}")).ToList(),
            Recommendation = recommendation,
        });
    }

    /// <summary>MG4005: a code no mapping covers, once per account where it is found.</summary>
    private void NotJoined(ProductInventory product)
    {
        gaps.Add(new InventoryGap(InventoryGapKind.ProductCodeNotMapped, null, null, product.ProductCode,
            $"not in the product-code map: {ReportText(product.RunningInstances)} running and {ReportText(product.StoppedInstances)} stopped instance(s), {ReportText(product.Images)} image(s) cannot be joined to agreements"));
        foreach (var placements in product.Placements.GroupBy(p => p.AccountId, StringComparer.Ordinal))
        {
            var list = placements.ToList();
            var running = list.Sum(p => p.Running.Count);
            var stopped = list.Sum(p => p.Stopped.Count);
            var images = list.Sum(p => p.Images.Count);
            Add(new ProcurementFinding(ProcurementRules.NotJoined, ProcurementRules.NotJoined.DefaultSeverity, placements.Key, accountNames.GetValueOrDefault(placements.Key), product.ProductCode, product.ProductId, product.ProductName)
            {
                Reason = $"Product code {product.ProductCode} is on {ReportText(running)} running and {ReportText(stopped)} stopped instance(s) and {ReportText(images)} image(s) of account {ReportAccount(placements.Key)}, but no mapping joins it to a Marketplace product, and no AWS API maps product codes to product ids for a buyer: whether they run under an active, ended or missing agreement cannot be told.",
                ResourceIds = list.SelectMany(p => p.Running.Concat(p.Stopped).Concat(p.Images)).ToList(),
                Regions = list.Select(p => p.Region).Distinct(StringComparer.Ordinal).ToList(),
                RunningInstances = running,
                Evidence = list.Select(p => $"{p.Region}: running {Listed(p.Running)}; stopped {Listed(p.Stopped)}; images {Listed(p.Images)}").ToList(),
                Recommendation = $"Add \"{product.ProductCode}\": {{ \"productId\": \"prod-…\" }} to the product-code map (-ProductCodeMapPath)",
            });
        }
    }

    /// <summary>MG4002: an ACTIVE agreement that ends within the window, unless another ACTIVE one of the account for its product outlasts it.</summary>
    private void JudgeExpiry(Agreement agreement, ILookup<string, ProductInventory> productsById)
    {
        if (!agreement.IsActive || agreement.EndTime is not { } end || end > Horizon)
        {
            return;
        }

        var ids = ProductIds(agreement);
        var horizon = Horizon;
        var outlasted = ids.SelectMany(AgreementsOf).Any(other => !ReferenceEquals(other, agreement) && other.IsActive && other.AccountId == agreement.AccountId
            && (other.EndTime is null || other.EndTime > horizon));
        if (outlasted)
        {
            return;
        }

        var days = (int)Math.Floor((end - now).TotalDays);
        var products = ids.SelectMany(id => productsById[id]).ToList();
        var mappedIds = ids.Where(id => map.CodesOf(id).Count > 0).ToList();
        var own = products.SelectMany(p => p.Placements).Where(p => p.AccountId == agreement.AccountId).Sum(p => p.Running.Count);
        var shared = products.SelectMany(p => p.Placements)
            .Where(p => p.AccountId != agreement.AccountId && !ids.SelectMany(AgreementsOf).Any(a => a.AccountId == p.AccountId))
            .Sum(p => p.Running.Count);
        var when = days >= 0
            ? $"ends on {Date(end)} (in {Count(days, "day")})"
            : $"ended on {Date(end)} ({Count(-days, "day")} ago) but is still ACTIVE";
        string dependents;
        Severity severity;
        if (ids.Count == 0 || mappedIds.Count == 0)
        {
            severity = Severity.Medium;
            dependents = ids.Count == 0
                ? "it names no product, so the instances that depend on it cannot be counted"
                : $"no product code in the map is mapped to {string.Join(", ", ids)}, so the instances that depend on it cannot be counted";
        }
        else
        {
            severity = own + shared > 0 ? Severity.Medium : Severity.Low;
            dependents = $"{Count(own, "running instance")} of the account depend on it" + (shared > 0 ? $", and {ReportText(shared)} in accounts with no agreement of their own for the product may use it through License Manager grants" : string.Empty);
        }

        var product = products.FirstOrDefault();
        Add(new ProcurementFinding(ProcurementRules.AgreementExpiring, severity, agreement.AccountId, accountNames.GetValueOrDefault(agreement.AccountId), null, ids.Count > 0 ? ids[0] : null, agreement.ProductName ?? product?.ProductName)
        {
            Reason = $"Agreement {agreement.AgreementId} for {(agreement.ProductName ?? product?.ProductName ?? (ids.Count > 0 ? ids[0] : null) ?? "an unnamed product")} in account {ReportAccount(agreement.AccountId)} {when}; {dependents}.",
            AgreementIds = [agreement.AgreementId],
            ResourceIds = products.SelectMany(p => p.Placements).Where(p => p.AccountId == agreement.AccountId).SelectMany(p => p.Running).ToList(),
            Regions = products.SelectMany(p => p.Placements).Where(p => p.AccountId == agreement.AccountId && p.Running.Count > 0).Select(p => p.Region).Distinct(StringComparer.Ordinal).ToList(),
            RunningInstances = own + shared,
            DaysLeft = days,
            EndTime = end,
            Evidence = [AgreementEvidence(agreement)],
            Recommendation = ids.Count == 0
                ? "Renew the agreement in the AWS Marketplace console (Manage subscriptions) before it ends"
                : $"Renew the agreement in the AWS Marketplace console (Manage subscriptions), or plan its instances' end: Get-MarketplaceAgreement -ProductId {Ids(ids)}",
        });
    }

    /// <summary>MG4004: the account's own paid AMIs without the guard tag, one finding per account.</summary>
    private void UnprotectedImages(string account, List<PaidResource> images)
    {
        var regions = images.GroupBy(i => i.Region, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        foreach (var image in images)
        {
            foreach (var code in image.ProductCodes)
            {
                MarkRule(account, code, ProcurementRules.UnprotectedPaidImage.Id);
            }
        }

        findings.Add(new ProcurementFinding(ProcurementRules.UnprotectedPaidImage, ProcurementRules.UnprotectedPaidImage.DefaultSeverity, account, accountNames.GetValueOrDefault(account))
        {
            Reason = $"Account {ReportAccount(account)} owns {Count(images.Count, "AMI")} with Marketplace product codes but without the guard tag {GuardTag.Key}: sharing, copying and snapshotting have no product-code condition key, so the Rule 2 denies do not reach them.",
            ResourceIds = images.Select(i => i.ResourceId).ToList(),
            Regions = regions.Select(g => g.Key).ToList(),
            Evidence = images.Select(i => $"{i.Region}: {i.ResourceId} ({string.Join(", ", i.ProductCodes)})").ToList(),
            Recommendation = string.Join("; ", regions.Select(g =>
                $"Get-MarketplacePaidResource -Region {g.Key} -ResourceType Image | Where-Object ImageId -in {Ids(g.Select(i => i.ResourceId))} | Protect-MarketplacePaidResource")),
        });
    }

    private void Add(ProcurementFinding finding)
    {
        findings.Add(finding);
        if (finding.ProductCode is { } code)
        {
            MarkRule(finding.AccountId, code, finding.RuleId);
        }
    }

    private void MarkRule(string account, string code, string ruleId)
    {
        if (!rulesByPlacement.TryGetValue((account, code), out var rules))
        {
            rulesByPlacement[(account, code)] = rules = new SortedSet<string>(StringComparer.Ordinal);
        }

        rules.Add(ruleId);
    }

    private List<AccountUsage> Accounts() => accountNames.Keys
        .Order(StringComparer.Ordinal)
        .Select(id =>
        {
            var instances = instancesByAccount.GetValueOrDefault(id);
            return new AccountUsage(
                id,
                accountNames[id],
                instances.Running?.Count ?? 0,
                instances.Stopped?.Count ?? 0,
                leakingByAccount.GetValueOrDefault(id)?.Count ?? 0,
                notRead.GetValueOrDefault(id)?.Reason);
        })
        .ToList();

    private List<ProcurementRow> Rows(List<ProductInventory> products)
    {
        var rows = new List<ProcurementRow>();
        foreach (var product in products)
        {
            var byAccount = product.Agreements.ToLookup(a => a.AccountId, StringComparer.Ordinal);
            var holders = product.Agreements.Where(a => a.IsActive).Select(a => a.AccountId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            foreach (var placement in product.Placements)
            {
                var own = byAccount[placement.AccountId].ToList();
                var active = own.Where(a => a.IsActive).ToList();
                var status = notRead.ContainsKey(placement.AccountId) ? "not read"
                    : !product.Mapped ? "not mapped"
                    : active.Count > 0 ? AgreementStatuses.Active
                    : own.Count > 0 ? string.Join(", ", own.Select(a => a.Status ?? "no status").Distinct(StringComparer.Ordinal))
                    : holders.Count > 0 ? $"none (shared from {string.Join(", ", holders)})"
                    : "none";
                var end = active.Count == 0 || active.Any(a => a.EndTime is null) ? null : Date(active.Max(a => a.EndTime!.Value));
                rows.Add(new ProcurementRow(
                    product.ProductCode,
                    product.ProductId,
                    product.ProductName,
                    placement.AccountId,
                    placement.AccountName,
                    placement.Region,
                    placement.Running.Count,
                    placement.Stopped.Count,
                    placement.Images.Count,
                    placement.Unprotected.Count,
                    status,
                    string.Join(";", own.Select(a => a.AgreementId)),
                    end,
                    rulesByPlacement.TryGetValue((placement.AccountId, product.ProductCode), out var rules) ? string.Join(",", rules) : string.Empty));
            }
        }

        return rows;
    }

    private void Name(string accountId, string? name)
    {
        if (!accountNames.TryGetValue(accountId, out var known) || (known is null && name is not null))
        {
            accountNames[accountId] = name;
        }
    }

    private string ReportAccount(string accountId) => Reports.ReportText.Account(accountId, accountNames.GetValueOrDefault(accountId));

    private static string ProductLabel(ProductInventory product) =>
        (product.ProductName is { } name ? $"{name} ({product.ProductId}, code {product.ProductCode})" : $"{product.ProductId} (code {product.ProductCode})");

    private static string AgreementEvidence(Agreement agreement) =>
        $"{agreement.AgreementId} ({ReportAccountId(agreement)}): {agreement.Status ?? "no status"}, {(agreement.StartTime is { } start ? "started " + Date(start) : "no start time")}, {(agreement.EndTime is { } end ? "ends " + Date(end) : "no end time")}"
        + (agreement.LicenseArns.Count > 0 ? ", license " + string.Join(", ", agreement.LicenseArns) : string.Empty);

    private static string ReportAccountId(Agreement agreement) => "account " + agreement.AccountId;

    /// <summary>Ids as a PowerShell list of single-quoted strings: 'i-1','i-2'.</summary>
    private static string Ids(IEnumerable<string> ids) => string.Join(",", ids.Select(LeastPrivilegeAudit.Quoted));

    private static string Listed(List<string> ids) => ids.Count == 0 ? "none" : string.Join(", ", ids);

    private static string Date(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Count(int count, string noun) => Reports.ReportText.Count(count, noun);

    private static string ReportText(int value) => Reports.ReportText.Number(value);
}
