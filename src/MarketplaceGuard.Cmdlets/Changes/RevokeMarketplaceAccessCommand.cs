using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Changes;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Principals;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Engine.Principals;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Cmdlets.Changes;

/// <summary>
/// Revoke-MarketplaceAccess: the explicit denies of the chosen rules converged and attached (Rule 1: every
/// aws-marketplace action; Rule 2: launching and replicating paid AMIs; Rule 3: distributing licenses, sharing through
/// Service Catalog, changing the Private Marketplace), and the module's grants of those rules detached. Refuses,
/// changing nothing, when a deny would reach someone authorized today (to procure for Rule 1, to launch paid AMIs for
/// Rule 2, to administer distribution for Rule 3); a -ProcurementPrincipal, -LauncherPrincipal or -GovernancePrincipal
/// value that names nothing stops the command before any change.
/// </summary>
[Cmdlet(VerbsSecurity.Revoke, "MarketplaceAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = GroupSet)]
[OutputType(typeof(AccessChangeResult))]
public sealed class RevokeMarketplaceAccessCommand : AccessChangeCommand
{
    private IReadOnlyList<PrincipalEntry> procurement = [];
    private IReadOnlyList<PrincipalEntry> launchers = [];
    private IReadOnlyList<PrincipalEntry> governance = [];

    /// <summary>The rules whose access is revoked: 1 (subscriptions), 2 (paid AMIs), 3 (distribution); 1 and 2 by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateSet("1", "2", "3")]
    public int[] Rule { get; set; } = [1, 2];

    /// <summary>Who must keep procuring (users, groups or roles: names, type/name, ARNs, wildcards, or objects): the Rule 1 deny may not reach them.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [PrincipalTransformation]
    public string[] ProcurementPrincipal { get; set; } = [];

    /// <summary>Who must keep launching paid AMIs (as -ProcurementPrincipal): the Rule 2 denies may not reach them.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [PrincipalTransformation]
    public string[] LauncherPrincipal { get; set; } = [];

    /// <summary>Who must keep administering distribution (as -ProcurementPrincipal): the Rule 3 deny may not reach them.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [PrincipalTransformation]
    public string[] GovernancePrincipal { get; set; } = [];

    /// <summary>
    /// The edition of the denies: Article (the default) or Current. Both editions deny with the same documents (the
    /// article's aws-marketplace:* covers the Agreement API), so either converges to the same policies; the parameter
    /// lets a script pass one -Edition to every change command.
    /// </summary>
    [Parameter]
    [ValidateSet(nameof(PolicyTemplateEdition.Article), nameof(PolicyTemplateEdition.Current), IgnoreCase = true)]
    public string Edition { get; set; } = nameof(PolicyTemplateEdition.Article);

    /// <summary>Apply the denies even to principals authorized to procure, launch or administer distribution today.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override string OperationName => "Revoke";

    protected override Task<AccessPlan> PlanAsync(AccessManager manager, PrincipalRef principal, CancellationToken cancellation) =>
        manager.PlanRevokeAsync(principal, Rule, Enum.Parse<PolicyTemplateEdition>(Edition, ignoreCase: true), cancellation);

    protected override void BeforeChanges(AuthorizationSnapshot directory, string account)
    {
        var errors = new List<ErrorRecord>();
        procurement = Resolve(directory, account, ProcurementPrincipal, nameof(ProcurementPrincipal), errors);
        launchers = Resolve(directory, account, LauncherPrincipal, nameof(LauncherPrincipal), errors);
        governance = Resolve(directory, account, GovernancePrincipal, nameof(GovernancePrincipal), errors);
        if (errors.Count > 0)
        {
            Stop(errors);
        }
    }

    protected override IEnumerable<ErrorRecord> Refusals(AccessPlan plan)
    {
        if (Force)
        {
            yield break;
        }

        if (Rule.Contains(1))
        {
            var reached = ReachedByDeny(plan, Arns.Of(PolicyTemplateCatalog.DenyMarketplace), procurement, Arns.IsProcurementGrant, "-ProcurementPrincipal");
            if (Refusal(plan, reached, "Marketplace access", "procure", "revoke the others one by one", ErrorIds.WouldLockOutProcurement) is { } refused)
            {
                yield return refused;
            }
        }

        if (Rule.Contains(2))
        {
            var reached = AccessPlanner.DeniesOf(2)
                .SelectMany(deny => ReachedByDeny(plan, Arns.Of(deny), launchers, Arns.IsLauncherGrant, "-LauncherPrincipal"))
                .Distinct()
                .ToList();
            if (Refusal(plan, reached, "paid-AMI access", "launch paid AMIs", "revoke the others one by one, revoke only -Rule 1", ErrorIds.WouldLockOutLauncher) is { } refused)
            {
                yield return refused;
            }
        }

        if (Rule.Contains(3))
        {
            var reached = ReachedByDeny(plan, Arns.Of(PolicyTemplateCatalog.DenyMarketplaceDistribution), governance, Arns.IsGovernanceGrant, "-GovernancePrincipal");
            if (Refusal(plan, reached, "distribution access", "administer distribution", "revoke the others one by one, revoke only -Rule 1 and 2", ErrorIds.WouldLockOutGovernance) is { } refused)
            {
                yield return refused;
            }
        }
    }

    private static ErrorRecord? Refusal(AccessPlan plan, IReadOnlyList<string> reached, string access, string authorizedTo, string alternatives, string errorId) =>
        reached.Count == 0
            ? null
            : ModuleErrors.Create(
                $"Revoking {access} from {plan.Principal} would lock out who may {authorizedTo} today: {string.Join("; ", reached)}. " +
                $"Take them out of the group first, {alternatives}, or use -Force to deny them anyway.",
                errorId,
                ErrorCategory.PermissionDenied,
                plan.Principal.DisplayName);

    private static IReadOnlyList<PrincipalEntry> Resolve(AuthorizationSnapshot directory, string account, string[] values, string parameter, List<ErrorRecord> errors)
    {
        var resolution = PrincipalResolver.Resolve(directory.Directory, values, account);
        if (PrincipalErrors.Of(resolution, parameter, $"account {account}") is { } error)
        {
            errors.Add(error);
        }

        return resolution.Matches;
    }

    /// <summary>
    /// A finding whose fix is not a revoke of its own principal is refused: a lockout (MG1003, MG2005) would get worse,
    /// an MG2004 is fixed at the passed role or at iam:PassRole, an MG1007 by fixing the policy. Its recommendation says
    /// what to run instead. So is one whose fix revokes a rule this call does not (an MG3001 piped without -Rule 3):
    /// the default rules would deny something else and leave the finding open.
    /// </summary>
    protected override string? RefuseFinding(PSObject item)
    {
        if (!item.TypeNames.Any(t => t.EndsWith("MarketplaceGuard.Engine.Audit.Finding", StringComparison.Ordinal)))
        {
            return null;
        }

        var rule = item.Properties["RuleId"]?.Value?.ToString();
        var fix = item.Properties["Recommendation"]?.Value?.ToString() ?? string.Empty;
        var principal = item.Properties["Principal"]?.Value?.ToString();
        if (rule is "MG2004" || !fix.StartsWith("Revoke-MarketplaceAccess", StringComparison.Ordinal))
        {
            return $"the {rule} finding of {principal} is not fixed by revoking {principal}'s access. Its recommendation: {fix}";
        }

        var needed = System.Text.RegularExpressions.Regex.Match(fix, @" -Rule (?<rule>[1-3])\b");
        return needed.Success && !Rule.Contains(int.Parse(needed.Groups["rule"].Value, System.Globalization.CultureInfo.InvariantCulture))
            ? $"the {rule} finding of {principal} is fixed by -Rule {needed.Groups["rule"].Value}, which this call does not revoke (-Rule {string.Join(",", Rule)}). Its recommendation: {fix}"
            : null;
    }
}
