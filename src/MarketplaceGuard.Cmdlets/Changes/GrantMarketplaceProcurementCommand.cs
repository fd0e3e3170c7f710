using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Changes;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Engine.Principals;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Cmdlets.Changes;

/// <summary>
/// Grant-MarketplaceProcurement: the procurement (Buyer), billing (Viewer), paid-AMI launcher (Launcher) or
/// distribution governance (Governance) policy, converged and attached.
/// </summary>
[Cmdlet(VerbsSecurity.Grant, "MarketplaceProcurement", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = GroupSet)]
[OutputType(typeof(AccessChangeResult))]
public sealed class GrantMarketplaceProcurementCommand : AccessChangeCommand
{
    // IAM's rule for policy names (CreatePolicy's PolicyName: 1 to 128 of these characters).
    private static readonly Regex PolicyNamePattern = new(@"^[\w+=,.@-]{1,128}$", RegexOptions.CultureInvariant);

    /// <summary>Buyer (the Procurement template), Viewer (BillingViewer), Launcher (PaidAmiLauncher, Rule 2) or Governance (MarketplaceDistributionAdmin, Rule 3).</summary>
    [Parameter]
    [ValidateSet("Buyer", "Viewer", "Launcher", "Governance", IgnoreCase = true)]
    public string AccessLevel { get; set; } = "Buyer";

    /// <summary>The IAM policy name; the template's default when omitted. Buyer and Viewer only.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PolicyName { get; set; }

    /// <summary>
    /// The edition of the Buyer or Viewer document: Article (the default) or Current (the Agreement API covered too).
    /// Both create the same policy name, so switching converges the policy's document. The launcher grant has one.
    /// </summary>
    [Parameter]
    [ValidateSet(nameof(PolicyTemplateEdition.Article), nameof(PolicyTemplateEdition.Current), IgnoreCase = true)]
    public string Edition { get; set; } = nameof(PolicyTemplateEdition.Article);

    protected override string OperationName => $"Grant {Level}";

    private static readonly string[] Levels = ["Buyer", "Viewer", "Launcher", "Governance"];

    private string Level => Levels.First(l => l.Equals(AccessLevel, StringComparison.OrdinalIgnoreCase));

    private PolicyTemplate Template => PolicyTemplateCatalog.Get(
        Level switch
        {
            "Viewer" => PolicyTemplateCatalog.BillingViewer,
            "Launcher" => PolicyTemplateCatalog.PaidAmiLauncher,
            "Governance" => PolicyTemplateCatalog.MarketplaceDistributionAdmin,
            _ => PolicyTemplateCatalog.Procurement,
        },
        Enum.Parse<PolicyTemplateEdition>(Edition, ignoreCase: true));

    protected override void BeginProcessing()
    {
        if (PolicyName is null)
        {
            return;
        }

        if (!PolicyNamePattern.IsMatch(PolicyName))
        {
            ThrowTerminatingError(ModuleErrors.Create(
                $"-PolicyName: {ModuleErrors.Quote(PolicyName)} is not an IAM policy name (1 to 128 letters, digits and +=,.@_-).",
                ErrorIds.PolicyNameInvalid,
                ErrorCategory.InvalidArgument,
                PolicyName));
        }

        // Revoke's lockout guard and Remove know a launcher (a governance principal) by the launcher (governance)
        // policy's name: a custom-named copy would pass for a procurement grant.
        if (Level is "Launcher" or "Governance")
        {
            ThrowTerminatingError(ModuleErrors.Create(
                $"-PolicyName: {ModuleErrors.Quote(PolicyName)} cannot name the {Level.ToLowerInvariant()} grant: it is always {Template.PolicyName}, the name Revoke-MarketplaceAccess's lockout guard knows {(Level == "Launcher" ? "launchers" : "governance principals")} by. Omit -PolicyName with -AccessLevel {Level}.",
                ErrorIds.PolicyNameInvalid,
                ErrorCategory.InvalidArgument,
                PolicyName));
        }

        // Another template's name would rewrite that policy (the deny everyone carries, or the procurement grant) into
        // this template's document.
        if (PolicyTemplateCatalog.All.FirstOrDefault(t => t.Name != Template.Name && t.PolicyName.Equals(PolicyName, StringComparison.OrdinalIgnoreCase)) is { } other)
        {
            ThrowTerminatingError(ModuleErrors.Create(
                $"-PolicyName: {ModuleErrors.Quote(PolicyName)} is the module's {other.Name} policy; granting {Level} under that name would replace its document. Choose another name, or omit -PolicyName.",
                ErrorIds.PolicyNameInvalid,
                ErrorCategory.InvalidArgument,
                PolicyName));
        }
    }

    protected override Task<AccessPlan> PlanAsync(AccessManager manager, PrincipalRef principal, CancellationToken cancellation) =>
        manager.PlanGrantAsync(principal, PolicyName is null ? Template : Template.WithPolicyName(PolicyName), cancellation);

    /// <summary>
    /// The billing view denies Subscribe explicitly: granting it to someone who may procure today (or to a group of
    /// theirs) would lock them out, so it is refused before any write, as Revoke's guard does.
    /// </summary>
    protected override IEnumerable<ErrorRecord> Refusals(AccessPlan plan)
    {
        if (Level != "Viewer")
        {
            yield break;
        }

        var viewer = plan.Changes.FirstOrDefault(c => c.Template.Name == PolicyTemplateCatalog.BillingViewer)?.PolicyArn;
        var reached = viewer is null ? [] : ReachedByDeny(plan, viewer, [], Arns.IsProcurementGrant, "-ProcurementPrincipal");
        if (reached.Count == 0)
        {
            yield break;
        }

        yield return ModuleErrors.Create(
            $"Granting the billing view to {plan.Principal} would lock out who may procure today: {string.Join("; ", reached)}. " +
            $"{PolicyTemplateCatalog.Get(PolicyTemplateCatalog.BillingViewer).PolicyName} denies Subscribe explicitly. Remove their procurement grant first (Remove-MarketplaceAccess), or grant the view only to those who must not procure.",
            ErrorIds.WouldLockOutProcurement,
            ErrorCategory.PermissionDenied,
            plan.Principal.DisplayName);
    }

    /// <summary>
    /// A deny of the grant's rule that a group of the user carries still overrides the grant: say so, with the way out.
    /// A grant to a group warns for each member another group denies.
    /// </summary>
    protected override IEnumerable<string> Warnings(AccessPlan plan)
    {
        if (Directory is null || plan.Principal.Kind == PrincipalKind.Role)
        {
            yield break;
        }

        var users = plan.Principal.Kind == PrincipalKind.User
            ? Directory.Users.Where(u => u.Name.Equals(plan.Principal.Name, StringComparison.OrdinalIgnoreCase))
            : Directory.Users.Where(u => u.GroupNames.Contains(plan.Principal.Name, StringComparer.OrdinalIgnoreCase));
        foreach (var user in users)
        {
            foreach (var deny in AccessPlanner.DeniesOf(Template.Rule))
            {
                foreach (var group in Directory.Groups.Where(g => user.GroupNames.Contains(g.Name, StringComparer.OrdinalIgnoreCase)
                    && !g.Name.Equals(plan.Principal.Name, StringComparison.OrdinalIgnoreCase) && g.AttachedPolicies.Any(a => a.Arn == Arns.Of(deny))))
                {
                    var who = plan.Principal.Kind == PrincipalKind.User ? plan.Principal.ToString() : $"user {user.Name} (a member of {plan.Principal})";
                    yield return $"{who} is in group {group.Name}, which has {deny.PolicyName}: its explicit deny still overrides the grant. Take the user out of {group.Name} (Remove-IAMUserFromGroup), or Remove-MarketplaceAccess -GroupName {group.Name}.";
                }
            }
        }
    }
}
