using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.Policies;
using MarketplaceGuard.Engine.Principals;

namespace MarketplaceGuard.Engine.Audit;

/// <summary>
/// An audit's cause finders, one per rule's authorized principals: Rule 1's (procurement and viewers), Rule 2's
/// (launchers) and Rule 3's (governance). Their findings name the cause of an access and where a fix applies with them.
/// </summary>
internal sealed record FindingCauses(CauseFinder Procurement, CauseFinder Launch, CauseFinder Governance);

/// <summary>
/// Test-MarketplaceLeastPrivilege's engine: evaluates every principal's capabilities and applies the MG rules.
/// A principal named both procurement and viewer is treated as procurement.
/// </summary>
public sealed class LeastPrivilegeAudit
{
    private readonly AccessAnalyzer analyzer;

    public LeastPrivilegeAudit(AccessAnalyzer? analyzer = null)
    {
        this.analyzer = analyzer ?? new AccessAnalyzer();
    }

    /// <summary>Runs the audit; <paramref name="progress"/> receives the number of principals done.</summary>
    public AuditRun Run(
        Account account,
        IReadOnlyList<AccountPrincipal> procurement,
        IReadOnlyList<AccountPrincipal> viewers,
        IReadOnlyList<Suppression> suppressions,
        DateOnly today,
        IProgress<int>? progress = null,
        AuditDeclaration? declaration = null,
        IReadOnlyList<AccountPrincipal>? launchers = null,
        IReadOnlyList<AccountPrincipal>? governance = null)
    {
        launchers ??= [];
        governance ??= [];
        var run = new AuditRun(account, procurement, viewers, launchers, governance, declaration ?? new AuditDeclaration(), DateTime.UtcNow) { Incomplete = account.Snapshot.Incomplete };
        var procurementSet = procurement.ToHashSet();
        var viewerSet = viewers.Where(v => !procurementSet.Contains(v)).ToHashSet();
        var launcherSet = launchers.ToHashSet();
        var causes = new CauseFinder(analyzer.Evaluator, account, procurementSet.Concat(viewerSet));
        var governanceSet = governance.ToHashSet();
        var governanceCauses = new CauseFinder(analyzer.Evaluator, account, governanceSet);
        run.Causes = new FindingCauses(causes, new CauseFinder(analyzer.Evaluator, account, launcherSet), governanceCauses);

        // Principals are independent: evaluate them on every core, a chunk at a time so that progress is reported
        // from the caller's thread (PowerShell accepts WriteProgress from no other). Rules then run in account order.
        var principals = account.Principals;
        var entries = new AccessEntry[principals.Count][];
        const int Chunk = 512;
        for (var start = 0; start < principals.Count; start += Chunk)
        {
            var end = Math.Min(start + Chunk, principals.Count);
            Parallel.For(start, end, i =>
            {
                // A loop, not Select: no iterator and delegate per principal.
                var capabilities = Capabilities.All;
                var row = new AccessEntry[capabilities.Count];
                for (var c = 0; c < row.Length; c++)
                {
                    row[c] = analyzer.Analyze(principals[i], capabilities[c]);
                }

                entries[i] = row;
            });
            progress?.Report(end);
        }

        // Launching through a role needs every role's own answer first; it is asked only of principals that cannot
        // launch directly (MG2004 is "only through a role").
        var access = new AccountAccess(account, analyzer);
        var launch = IndexOf(Capabilities.LaunchPaidAmi);
        Parallel.For(0, principals.Count, i => entries[i][launch] = access.Complete(entries[i][launch]));

        // The rules, per principal on every core; the findings then join the run in account order.
        // Each principal's findings gathered in a list of the thread's and kept as an array of the exact length.
        var found = new Finding[principals.Count][];
        Parallel.For(0, principals.Count, i =>
        {
            var principal = principals[i];
            var role = procurementSet.Contains(principal) ? Role.Procurement : viewerSet.Contains(principal) ? Role.Viewer : Role.Other;
            var gathered = scratchFindings ??= [];
            gathered.Clear();
            Apply(run, gathered, principal, role, governanceSet.Contains(principal), entries[i]);
            ApplyRule2(run, gathered, principal, launcherSet.Contains(principal), entries[i]);
            ApplyRule3(run, gathered, principal, role == Role.Procurement, governanceSet.Contains(principal), entries[i], governanceCauses);
            found[i] = gathered.Count == 0 ? [] : gathered.ToArray();
            gathered.Clear(); // the list outlives the audit: it must not keep its findings
        });

        var total = 0;
        foreach (var list in found)
        {
            total += list.Length;
        }

        run.Reserve(total);
        for (var i = 0; i < principals.Count; i++)
        {
            foreach (var finding in found[i])
            {
                run.Add(finding);
            }
        }

        run.Matrix = new RowList<AccessEntry>(entries, Capabilities.All.Count);
        var expired = new List<Suppression>();
        foreach (var finding in run.Findings)
        {
            foreach (var suppression in suppressions)
            {
                if (!Applies(suppression, finding, account))
                {
                    continue;
                }

                if (suppression.IsExpired(today))
                {
                    expired.Add(suppression);
                }
                else
                {
                    finding.Suppression = suppression;
                    break;
                }
            }
        }

        run.ExpiredSuppressions = expired.Distinct().ToList();
        return run;
    }

    [ThreadStatic]
    private static List<Finding>? scratchFindings;

    private enum Role
    {
        Procurement,
        Viewer,
        Other,
    }

    private static void Apply(AuditRun run, List<Finding> found, AccountPrincipal principal, Role role, bool isGovernance, AccessEntry[] entries)
    {
        // A finding's words are worked out when first read (see Finding), from the finding itself: each rule hands over a
        // static lambda, so that judging a principal allocates nothing but the findings it makes.
        void Add(AuditRule rule, Severity severity, AccessEntry? access, Func<Finding, Finding.FindingWords> words) =>
            found.Add(new Finding(rule, severity, access, principal, words, run));

        if (!principal.CanBeJudged)
        {
            Add(AuditRules.CannotBeJudged, Severity.Medium, null, static f => new(
                $"{Who(f)} cannot be judged: {string.Join("; ", Subject(f).Problems)}",
                "Fix the policy the reason names, or export the snapshot with every policy (aws iam get-account-authorization-details, no --filter), then audit again.",
                Who(f)));
        }

        var procure = entries[ProcureIndex];
        var cancel = entries[CancelIndex];
        var view = entries[ViewSubscriptionsIndex];
        var pmp = entries[ManagePrivateMarketplaceIndex];

        switch (role)
        {
            case Role.Procurement:
                if (IsDenied(procure.Decision))
                {
                    Add(AuditRules.ProcurementLockedOut, Severity.High, procure, static f => new(
                        $"{Who(f)} is authorized to procure but cannot: {Describe(Access(f))}",
                        LockoutFix(Subject(f), Access(f), PrincipalParameter(Subject(f)), Causes(f).Procurement),
                        Causes(f).Procurement.Of(Subject(f), Access(f), PolicyEffect.Deny).Text));
                }

                break;

            case Role.Viewer:
                foreach (var entry in (ReadOnlySpan<AccessEntry>)[procure, cancel])
                {
                    if (IsAllowed(entry.Decision))
                    {
                        Add(AuditRules.ViewerMisconfigured, SeverityOf(entry), entry, static f => new(
                            $"{Who(f)} is a billing viewer but can {Access(f).Capability.ToLowerInvariant()}: {Describe(Access(f))}",
                            $"Grant-MarketplaceProcurement {PrincipalParameter(Subject(f))} -AccessLevel Viewer -Edition Current",
                            Causes(f).Procurement.Of(Subject(f), Access(f), PolicyEffect.Allow).Text));
                    }
                }

                if (IsDenied(view.Decision))
                {
                    Add(AuditRules.ViewerMisconfigured, Severity.Medium, view, static f => new(
                        $"{Who(f)} is a billing viewer but cannot view subscriptions: {Describe(Access(f))}",
                        $"Grant-MarketplaceProcurement {PrincipalParameter(Subject(f))} -AccessLevel Viewer -Edition Current",
                        Causes(f).Procurement.Of(Subject(f), Access(f), PolicyEffect.Deny).Text));
                }

                if (procure.Decision == AuditDecision.ImplicitDeny && !principal.IsServiceLinkedRole)
                {
                    Add(AuditRules.OnlyImplicitlyDenied, Severity.Low, procure, static f => new(
                        $"{Who(f)} cannot procure only because nothing allows it; no explicit deny protects {Unprotected(Access(f))}",
                        $"Grant-MarketplaceProcurement {PrincipalParameter(Subject(f))} -AccessLevel Viewer -Edition Current",
                        Who(f)));
                }

                break;

            default:
                if (IsAllowed(procure.Decision))
                {
                    Add(AuditRules.UnauthorizedProcurement, SeverityOf(procure), procure,
                        static f => Unauthorized(f, Causes(f).Procurement, 1, null, $"{Who(f)} is not authorized to procure but "));
                }
                else if (procure.Decision == AuditDecision.ImplicitDeny && !principal.IsServiceLinkedRole)
                {
                    // The missing deny is best attached to one of the user's groups that holds nobody authorized: one
                    // command then protects all its members.
                    Add(AuditRules.OnlyImplicitlyDenied, Severity.Low, procure, static f =>
                    {
                        var group = Causes(f).Procurement.DenyGroupFor(Subject(f));
                        return new(
                            $"{Who(f)} cannot procure only because nothing allows it; no explicit deny protects {Unprotected(Access(f))}",
                            group is null ? $"Revoke-MarketplaceAccess {PrincipalParameter(Subject(f))} -Rule 1" : $"Revoke-MarketplaceAccess -GroupName {Quoted(group)} -Rule 1",
                            group is null ? Who(f) : "group/" + group);
                    });
                }

                if (IsAllowed(cancel.Decision))
                {
                    Add(AuditRules.UnauthorizedCancellation, SeverityOf(cancel), cancel,
                        static f => Unauthorized(f, Causes(f).Procurement, 1, null, $"{Who(f)} is not authorized to cancel subscriptions or agreements but "));
                }

                break;
        }

        // The Private Marketplace is administered by procurement and by the governance principals (Rule 3).
        if (role != Role.Procurement && !isGovernance && IsAllowed(pmp.Decision))
        {
            Add(AuditRules.PrivateMarketplaceAdministration, pmp.Decision == AuditDecision.Allowed ? Severity.Medium : Severity.Low, pmp,
                static f => Unauthorized(f, Causes(f).Procurement, 1, null, $"{Who(f)} is outside the procurement team and the governance principals but "));
        }
    }

    /// <summary>Rule 2: MG2001–MG2005, for launchers and everyone else; service-linked roles launch for AWS services by design.</summary>
    private static void ApplyRule2(AuditRun run, List<Finding> found, AccountPrincipal principal, bool isLauncher, AccessEntry[] entries)
    {
        void Add(AuditRule rule, Severity severity, AccessEntry access, Func<Finding, Finding.FindingWords> words) =>
            found.Add(new Finding(rule, severity, access, principal, words, run));

        var launch = entries[LaunchPaidAmiIndex];
        var replicate = entries[ReplicatePaidAmiIndex];
        var share = entries[SharePaidAmiIndex];

        if (isLauncher)
        {
            if (IsDenied(launch.Decision))
            {
                Add(AuditRules.LauncherLockedOut, Severity.High, launch, static f => new(
                    $"{Who(f)} is authorized to launch paid AMIs but cannot: {Describe(Access(f))}",
                    LockoutFix(Subject(f), Access(f), PrincipalParameter(Subject(f)) + " -AccessLevel Launcher", Causes(f).Launch),
                    Causes(f).Launch.Of(Subject(f), Access(f), PolicyEffect.Deny).Text));
            }

            return;
        }

        if (principal.IsServiceLinkedRole)
        {
            return;
        }

        if (IsAllowed(launch.Decision) && launch.ThroughRole is not null)
        {
            Add(AuditRules.PaidAmiLaunchThroughRole, SeverityOf(launch), launch, static f =>
            {
                var launch = Access(f);
                var role = launch.ThroughRole!;
                var (cause, _) = Causes(f).Launch.Of(Subject(f), launch, PolicyEffect.Allow);
                var fix = f.Run.IsLauncher(role)
                    ? $"The role is a launcher: restrict iam:PassRole on {role.Arn} (granted by {cause}) to the launchers"
                    : $"Revoke-MarketplaceAccess -RoleName {Quoted(role.Name)} -Rule 2{Force(role.HoldsIdentityPolicy(LauncherPolicyName))}";
                return new($"{Who(f)} is not authorized to launch paid AMIs but can pass {launch.Through}: {Describe(launch)}", fix, cause);
            });
        }
        else if (IsAllowed(launch.Decision))
        {
            Add(AuditRules.UnauthorizedPaidAmiLaunch, SeverityOf(launch), launch,
                static f => Unauthorized(f, Causes(f).Launch, 2, LauncherPolicyName, $"{Who(f)} is not authorized to launch paid AMIs but "));
        }

        if (IsAllowed(replicate.Decision))
        {
            Add(AuditRules.UnauthorizedPaidAmiReplication, SeverityOf(replicate), replicate,
                static f => Unauthorized(f, Causes(f).Launch, 2, LauncherPolicyName, $"{Who(f)} is not authorized to replicate paid AMIs but "));
        }

        if (IsAllowed(share.Decision))
        {
            Add(AuditRules.UnauthorizedPaidAmiSharing, SeverityOf(share), share,
                static f => Unauthorized(f, Causes(f).Launch, 2, LauncherPolicyName, $"{Who(f)} is not authorized to share paid AMIs but "));
        }
    }

    /// <summary>
    /// Rule 3: MG3001–MG3004. Distribution (License Manager, Service Catalog) is the governance principals'; the Private
    /// Marketplace is MG1006's. Bedrock's subscription on first use is judged for everyone but service-linked roles,
    /// which invoke models for AWS services by design.
    /// </summary>
    private static void ApplyRule3(AuditRun run, List<Finding> found, AccountPrincipal principal, bool isProcurement, bool isGovernance, AccessEntry[] entries, CauseFinder causes)
    {
        void Add(AuditRule rule, Severity severity, AccessEntry access, Func<Finding, Finding.FindingWords> words) =>
            found.Add(new Finding(rule, severity, access, principal, words, run));

        var licenses = entries[DistributeLicensesIndex];
        var catalog = entries[ShareThroughServiceCatalogIndex];
        var bedrock = entries[BedrockAutoSubscribeIndex];

        if (isGovernance)
        {
            var pmp = entries[ManagePrivateMarketplaceIndex];
            if (IsDenied(licenses.Decision) && IsDenied(catalog.Decision) && IsDenied(pmp.Decision))
            {
                Add(AuditRules.GovernanceLockedOut, Severity.High, GovernanceBlocker(principal, causes, [licenses, catalog, pmp]), GovernanceLockout(licenses, catalog, pmp));
            }
        }

        if (principal.IsServiceLinkedRole)
        {
            return;
        }

        if (!isGovernance && IsAllowed(licenses.Decision))
        {
            Add(AuditRules.UnauthorizedLicenseDistribution, SeverityOf(licenses), licenses,
                static f => Unauthorized(f, Causes(f).Governance, 3, GovernancePolicyName, $"{Who(f)} is not a governance principal but "));
        }

        if (!isGovernance && IsAllowed(catalog.Decision))
        {
            Add(AuditRules.UnauthorizedServiceCatalogSharing, SeverityOf(catalog), catalog,
                static f => Unauthorized(f, Causes(f).Governance, 3, GovernancePolicyName, $"{Who(f)} is not a governance principal but "));
        }

        if (IsAllowed(bedrock.Decision))
        {
            // Rule 1's deny stops it: the cause and the group to deny at are Rule 1's (a group of no procurement principal).
            Add(AuditRules.BedrockAutoSubscription, isProcurement ? Severity.Low : SeverityOf(bedrock), bedrock, isProcurement
                ? static f => new(
                    $"{Who(f)} is a procurement principal and {Describe(Access(f))}: its model invocations subscribe the account without a purchase decision",
                    "Run Bedrock workloads under a separate role that is denied aws-marketplace:Subscribe (Revoke-MarketplaceAccess -RoleName <that role> -Rule 1), and keep this principal for purchases.",
                    Causes(f).Procurement.Of(Subject(f), Access(f), PolicyEffect.Allow).Text)
                : static f =>
                {
                    // Denying Subscribe stops the subscription on first use; models the account already subscribed to keep working.
                    var procurementCauses = Causes(f).Procurement;
                    var allowedBy = procurementCauses.Of(Subject(f), Access(f), PolicyEffect.Allow);
                    return new(
                        $"{Who(f)} is not authorized to procure but {Describe(Access(f))}: invoking a third-party model subscribes the account on first use",
                        allowedBy.Group is { } group && procurementCauses.CanDenyAt(group)
                            ? $"Revoke-MarketplaceAccess -GroupName {Quoted(group)} -Rule 1"
                            : $"Revoke-MarketplaceAccess {PrincipalParameter(Subject(f))} -Rule 1",
                        allowedBy.Text);
                });
        }
    }

    /// <summary>
    /// Which of a locked-out governance principal's capabilities its finding is about. Any one of the three ends the
    /// lockout, so the fix is the smallest that restores one: leaving a group whose deny is all that stops it; else the
    /// grant, for one that nothing denies (the Rule 1 deny stops only the Private Marketplace); else lifting the first
    /// explicit deny, and granting too if nothing else allows. The entry chosen is the finding's (its capability and
    /// decision), so it is chosen when the finding is made. A method of its own: its lambda's closure is made only here.
    /// </summary>
    private static AccessEntry GovernanceBlocker(AccountPrincipal principal, CauseFinder causes, AccessEntry[] denied) =>
        denied.FirstOrDefault(e => LockingGroup(e) is { } group && causes.HoldsOutOf(principal, e.CapabilityDefinition, group))
            ?? denied.FirstOrDefault(e => e.Decision == AuditDecision.ImplicitDeny)
            ?? denied.First(e => e.Decision == AuditDecision.ExplicitDeny);

    /// <summary>
    /// The words of a governance principal that can do none of its work: they describe all three of its capabilities, of
    /// which the finding holds one. Made only for such a principal, so the closure over the other two costs nothing else.
    /// </summary>
    private static Func<Finding, Finding.FindingWords> GovernanceLockout(AccessEntry licenses, AccessEntry catalog, AccessEntry pmp) => f => new(
        $"{Who(f)} is authorized to administer distribution but can do none of it: distribute licenses: {Describe(licenses)}; share through Service Catalog: {Describe(catalog)}; manage the Private Marketplace: {Describe(pmp)}",
        LockoutFix(Subject(f), Access(f), PrincipalParameter(Subject(f)) + " -AccessLevel Governance", Causes(f).Governance),
        Causes(f).Governance.Of(Subject(f), Access(f), PolicyEffect.Deny).Text);

    // What a rule's words are made of: the finding's principal and access, and the run's cause finders. A finding is
    // explained before it lets go of them (see Finding.Release), and its run keeps the finders until then.
    private static AccountPrincipal Subject(Finding finding) => finding.Subject!;

    private static AccessEntry Access(Finding finding) => finding.Access!;

    private static string Who(Finding finding) => finding.Subject!.DisplayName;

    private static FindingCauses Causes(Finding finding) => finding.Run.Causes!;

    /// <summary>The words of an access held without authorization (<paramref name="reason"/> is how the sentence starts).</summary>
    private static Finding.FindingWords Unauthorized(Finding finding, CauseFinder causes, int rule, string? protectedGrant, string reason)
    {
        var (cause, fix) = RevokeFix(Subject(finding), Access(finding), causes, rule, protectedGrant);
        return new(reason + Describe(Access(finding)), fix, cause);
    }

    /// <summary>
    /// The fix of an unauthorized access: revoke the rule at the group it arrives through, once for all its members,
    /// unless the group holds someone authorized (a viewer's own groups always do, so a viewer keeps its view); else at
    /// the principal. Revoke refuses to deny a holder of <paramref name="protectedGrant"/> (the launcher or governance
    /// grant: its lockout guard) unless forced; a holder not named as authorized is not authorized for this audit, so
    /// the fix says -Force.
    /// </summary>
    private static (string Cause, string Fix) RevokeFix(AccountPrincipal principal, AccessEntry entry, CauseFinder causes, int rule, string? protectedGrant)
    {
        var cause = causes.Of(principal, entry, PolicyEffect.Allow);
        if (cause.Group is { } group && causes.CanDenyAt(group))
        {
            var force = protectedGrant is not null && causes.AnyMemberHolds(group, protectedGrant);
            return (cause.Text, $"Revoke-MarketplaceAccess -GroupName {Quoted(group)} -Rule {rule}{Force(force)}");
        }

        var forced = protectedGrant is not null && principal.HoldsIdentityPolicy(protectedGrant);
        return (cause.Text, $"Revoke-MarketplaceAccess {PrincipalParameter(principal)} -Rule {rule}{Force(forced)}");
    }

    private static string Force(bool holdsProtectedGrant) => holdsProtectedGrant ? " -Force" : string.Empty;

    /// <summary>"-UserName 'name'" or "-RoleName 'name'": how a change cmdlet names the principal.</summary>
    private static string PrincipalParameter(AccountPrincipal principal) =>
        $"-{(principal.Type == PrincipalType.User ? "UserName" : "RoleName")} {Quoted(principal.Name)}";

    private static readonly string LauncherPolicyName = Templates.PolicyTemplateCatalog.Get(Templates.PolicyTemplateCatalog.PaidAmiLauncher).PolicyName;

    private static readonly string GovernancePolicyName = Templates.PolicyTemplateCatalog.Get(Templates.PolicyTemplateCatalog.MarketplaceDistributionAdmin).PolicyName;

    private static readonly int ProcureIndex = IndexOf(Capabilities.Procure);

    private static readonly int CancelIndex = IndexOf(Capabilities.Cancel);

    private static readonly int ViewSubscriptionsIndex = IndexOf(Capabilities.ViewSubscriptions);

    private static readonly int ManagePrivateMarketplaceIndex = IndexOf(Capabilities.ManagePrivateMarketplace);

    private static readonly int LaunchPaidAmiIndex = IndexOf(Capabilities.LaunchPaidAmi);

    private static readonly int ReplicatePaidAmiIndex = IndexOf(Capabilities.ReplicatePaidAmi);

    private static readonly int SharePaidAmiIndex = IndexOf(Capabilities.SharePaidAmi);

    private static readonly int DistributeLicensesIndex = IndexOf(Capabilities.DistributeLicenses);

    private static readonly int ShareThroughServiceCatalogIndex = IndexOf(Capabilities.ShareThroughServiceCatalog);

    private static readonly int BedrockAutoSubscribeIndex = IndexOf(Capabilities.BedrockAutoSubscribe);

    private static int IndexOf(Capability capability)
    {
        for (var i = 0; i < Capabilities.All.Count; i++)
        {
            if (Capabilities.All[i] == capability)
            {
                return i;
            }
        }

        throw new ArgumentException($"{capability} is not one of the audit's capabilities.", nameof(capability));
    }

    private static bool IsAllowed(AuditDecision decision) => decision is AuditDecision.Allowed or AuditDecision.ConditionallyAllowed;

    private static bool IsDenied(AuditDecision decision) => decision is AuditDecision.ExplicitDeny or AuditDecision.ImplicitDeny;

    private static Severity SeverityOf(AccessEntry entry) => entry.Decision == AuditDecision.Allowed ? Severity.High : Severity.Medium;

    private static string Describe(AccessEntry entry) => entry.Decision switch
    {
        AuditDecision.Allowed => $"can always {Verb(entry)} ({Evidence(entry)})",
        AuditDecision.ConditionallyAllowed => $"can {Verb(entry)} {string.Join(" and ", entry.Conditions)} ({Evidence(entry)})",
        AuditDecision.ExplicitDeny => $"explicitly denied by {Evidence(entry)}",
        _ => ServiceControlPolicyGaps(entry) is { Count: > 0 } gaps ? string.Join("; ", gaps) : "no policy allows it",
    };

    /// <summary>
    /// For an implicit deny: the SCP levels that allow none of it. Asked only of principals under SCPs: the answer
    /// needs each deciding request evaluated again, and most implicit denies of an account on its own have no SCP.
    /// </summary>
    private static List<string> ServiceControlPolicyGaps(AccessEntry entry) =>
        entry.Decision != AuditDecision.ImplicitDeny || entry.Principal.Policies.ServiceControlPolicyLevels.Count == 0
            ? []
            : entry.Deciding.SelectMany(r => r.Result.ServiceControlPolicyGaps).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// For an implicit deny whose other paths are explicitly denied (the article's BillingViewer denies Subscribe, not
    /// the Agreement API): the requests nothing denies, so the reason does not read as if the explicit deny were absent.
    /// </summary>
    private static string Unprotected(AccessEntry entry)
    {
        // An implicit denial is decided by the requests only implicitly denied; the others are denied explicitly.
        var open = entry.DecidingRequests.Select(r => r.Label).ToList();
        return open.Count < entry.CapabilityDefinition.RequestList.Count ? string.Join(", ", open) : "it";
    }

    private static string Verb(AccessEntry entry) => entry.Capability switch
    {
        "Procure" => "procure",
        "Cancel" => "cancel subscriptions or agreements",
        "ViewSubscriptions" => "view subscriptions",
        "ManagePrivateMarketplace" => "manage the Private Marketplace",
        "LaunchPaidAmi" => "launch paid AMIs",
        "ReplicatePaidAmi" => "replicate paid AMIs",
        "SharePaidAmi" => "share paid AMIs",
        "DistributeLicenses" => "distribute Marketplace licenses",
        "ShareThroughServiceCatalog" => "share products through Service Catalog",
        "BedrockAutoSubscribe" => "invoke third-party Bedrock models while holding the subscription rights",
        _ => entry.Capability,
    };

    /// <summary>
    /// A name as a PowerShell single-quoted string (quotes doubled): recommendations are commands people paste, and a
    /// name in a snapshot is data, never code.
    /// </summary>
    internal static string Quoted(string name) => "'" + name.Replace("'", "''", StringComparison.Ordinal)
        .Replace("\u2018", "\u2018\u2018", StringComparison.Ordinal).Replace("\u2019", "\u2019\u2019", StringComparison.Ordinal) + "'";

    private static string Evidence(AccessEntry entry) => string.Join("; ", entry.Evidence.Select(e => e.ToString()));

    /// <summary>How an authorized principal gets its access back: out of the group whose deny blocks it, or a Grant.</summary>
    /// <summary>The deny a lockout fix must lift: an SCP's first (no change in the account lifts it), else any.</summary>
    private static MatchedStatement? LockingDeny(AccessEntry entry) =>
        entry.Evidence.FirstOrDefault(e => e.Effect == Policies.PolicyEffect.Deny && e.Layer == PolicyLayer.ServiceControlPolicy)
        ?? entry.Evidence.FirstOrDefault(e => e.Effect == Policies.PolicyEffect.Deny);

    /// <summary>The group whose deny locks the principal out, when leaving that group is the fix to try.</summary>
    private static string? LockingGroup(AccessEntry entry) =>
        entry.Decision == AuditDecision.ExplicitDeny && LockingDeny(entry)?.Via is { } via && via.StartsWith(CauseFinder.GroupVia, StringComparison.Ordinal)
            ? via[CauseFinder.GroupVia.Length..]
            : null;

    private static string LockoutFix(AccountPrincipal principal, AccessEntry procure, string grantArguments, CauseFinder causes)
    {
        var deny = LockingDeny(procure);
        if (LockingGroup(procure) is { } group)
        {
            // No MarketplaceGuard command lifts a deny that another group carries: taking the user out of that group
            // does. Leaving it grants nothing, though: when nothing else allows the capability, the grant is needed too.
            var leave = $"Remove-IAMUserFromGroup -GroupName {Quoted(group)} -UserName {Quoted(principal.Name)}";
            return causes.HoldsOutOf(principal, procure.CapabilityDefinition, group)
                ? leave
                : $"{leave}; Grant-MarketplaceProcurement {grantArguments}";
        }

        if (procure.Decision == AuditDecision.ExplicitDeny && deny is { Layer: PolicyLayer.ServiceControlPolicy })
        {
            return $"The explicit deny comes from the SCP {deny.PolicyName}{(deny.Via is null ? string.Empty : " attached to " + deny.Via)}: change the SCP or the account's place in AWS Organizations; no IAM change in the account can override an SCP.";
        }

        if (procure.Decision == AuditDecision.ExplicitDeny && deny is not null && deny.Layer != PolicyLayer.Identity)
        {
            return $"The explicit deny comes from the {deny.Layer} {deny.PolicyName}: change it there; MarketplaceGuard cannot override a {deny.Layer}.";
        }

        if (ServiceControlPolicyGaps(procure).FirstOrDefault() is { } gap)
        {
            return $"The organization's SCPs do not allow it ({gap}): allow it in AWS Organizations; an IAM grant in the account cannot pass an SCP.";
        }

        return $"Grant-MarketplaceProcurement {grantArguments}";
    }

    /// <summary>
    /// Whether a suppression covers a finding. Its principal is read like every principal value (see
    /// <see cref="PrincipalSelector"/>: name, type/name, ARN, wildcards); a plain name that names principals of two kinds
    /// in the account (a user and a role called bill) covers neither: suppressing the wrong one would hide a finding.
    /// </summary>
    private static bool Applies(Suppression suppression, Finding finding, Account account)
    {
        if (!suppression.RuleId.Equals(finding.RuleId, StringComparison.OrdinalIgnoreCase) || finding.Subject is not { } subject)
        {
            return false;
        }

        PrincipalSelector selector;
        try
        {
            selector = PrincipalSelector.Parse(suppression.Principal);
        }
        catch (PrincipalSelectorException)
        {
            return false;
        }

        var entry = new PrincipalEntry(subject.Type == PrincipalType.User ? PrincipalKind.User : PrincipalKind.Role, subject.Name, subject.Arn, subject.Path);
        if (!selector.Matches(entry))
        {
            return false;
        }

        return selector.Kind is not null || selector.HasWildcards
            || account.Directory.Where(selector.Matches).Select(e => e.Kind).Distinct().Count() == 1;
    }
}
