using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Policies;
using MarketplaceGuard.Engine.Principals;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Engine.Changes;

public enum ChangeKind
{
    CreatePolicy,
    DeletePolicyVersion,
    CreatePolicyVersion,
    TagPolicy,
    AttachPolicy,
    DetachPolicy,
    DeletePolicy,
}

/// <summary>One IAM write, with the words -WhatIf shows ("attach MarketplaceGuard-Procurement to group Procurement"); its template's rule scopes <see cref="AccessPlanner.DependsOn"/>.</summary>
public sealed record PlannedChange(ChangeKind Kind, PolicyTemplate Template, string PolicyArn, string Description)
{
    public string? VersionId { get; init; }

    public PrincipalRef? Principal { get; init; }

    public override string ToString() => Description;
}

/// <summary>What Grant-, Revoke- and Remove-MarketplaceAccess did (or, with -WhatIf, would do) to one principal.</summary>
public sealed class AccessChangeResult
{
    public AccessChangeResult(string operation, PrincipalRef principal, IReadOnlyList<string> planned, IReadOnlyList<string> made, bool whatIf)
    {
        Operation = operation;
        PrincipalType = principal.Kind;
        PrincipalName = principal.Name;
        Planned = planned;
        Changes = made;
        WhatIf = whatIf;
    }

    /// <summary>Grant Buyer, Grant Viewer, Grant Launcher, Revoke or Remove.</summary>
    public string Operation { get; }

    public PrincipalKind PrincipalType { get; }

    public string PrincipalName { get; }

    /// <summary>"group/Billing": the principal as findings name it.</summary>
    public string Principal => new PrincipalRef(PrincipalType, PrincipalName).DisplayName;

    /// <summary>Every change the account needed, in words; empty when it already was as asked.</summary>
    public IReadOnlyList<string> Planned { get; }

    /// <summary>The IAM changes made, in words: the planned ones that were confirmed and succeeded; none with -WhatIf.</summary>
    public IReadOnlyList<string> Changes { get; }

    /// <summary>True when this is a preview (-WhatIf): <see cref="Planned"/> is what a run would change.</summary>
    public bool WhatIf { get; }

    public bool Changed => Changes.Count > 0;

    /// <summary>NoChange, Changed, WhatIf (would change), or Incomplete (some planned changes were declined or failed).</summary>
    public string Status =>
        Planned.Count == 0 ? "NoChange"
        : WhatIf ? "WhatIf"
        : Changes.Count == Planned.Count ? "Changed"
        : "Incomplete";

    public override string ToString() => $"{Operation} {Principal}: " + Status switch
    {
        "NoChange" => "no change",
        "WhatIf" => "would " + string.Join("; ", Planned),
        "Changed" => string.Join("; ", Changes),
        _ => $"{Changes.Count} of {Planned.Count} changes made: " + string.Join("; ", Changes),
    };
}

/// <summary>What the account holds today of one of the module's managed policies.</summary>
public sealed record ManagedPolicyState(string Arn, bool Exists, string? DefaultDocument, IReadOnlyList<PolicyVersionState> Versions, bool IsTaggedAsOurs);

/// <summary>One version of a managed policy.</summary>
public sealed record PolicyVersionState(string VersionId, bool IsDefault, DateTimeOffset? CreateDate);

/// <summary>
/// Decides the IAM writes that bring one of the module's policies, and a principal's attachments, to the wanted
/// state. Pure: the AWS layer reads the state, asks for the plan, and applies it. Only what differs is written, so a
/// second identical run plans nothing. Changing a document creates a new default version (CreatePolicyVersion with
/// SetAsDefault moves the default in the same call), after deleting the oldest non-default version when IAM's five
/// are used: an interruption between the two leaves the old default in force, and a re-run converges.
/// </summary>
public static class AccessPlanner
{
    /// <summary>The tag that marks a policy as the module's.</summary>
    public const string TagKey = "managed-by";

    public const string TagValue = "MarketplaceGuard";

    /// <summary>IAM keeps at most five versions of a managed policy.</summary>
    public const int MaxVersions = 5;

    /// <summary>
    /// The grants of each rule: one access level per rule, so granting one detaches the others. Both editions of a
    /// template share its policy name, so the default edition's templates name every grant's ARN.
    /// </summary>
    public static IReadOnlyList<PolicyTemplate> GrantsOf(int rule) => rule switch
    {
        1 => [PolicyTemplateCatalog.Get(PolicyTemplateCatalog.Procurement), PolicyTemplateCatalog.Get(PolicyTemplateCatalog.BillingViewer)],
        2 => [PolicyTemplateCatalog.Get(PolicyTemplateCatalog.PaidAmiLauncher)],
        3 => [PolicyTemplateCatalog.Get(PolicyTemplateCatalog.MarketplaceDistributionAdmin)],
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Rules 1, 2 and 3 have changes."),
    };

    /// <summary>The explicit denies Revoke attaches for each rule (the default edition's).</summary>
    public static IReadOnlyList<PolicyTemplate> DeniesOf(int rule) => DeniesOf(rule, PolicyTemplateEdition.Article);

    /// <summary>The explicit denies Revoke attaches for each rule, in an edition.</summary>
    public static IReadOnlyList<PolicyTemplate> DeniesOf(int rule, PolicyTemplateEdition edition) => rule switch
    {
        1 => [PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyMarketplace, edition)],
        2 => [PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyPaidAmiLaunch, edition), PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyPaidAmiReplication, edition)],
        3 => [PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyMarketplaceDistribution, edition)],
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Rules 1, 2 and 3 have changes."),
    };

    /// <summary>
    /// Grant: the template's policy converged and attached; the rule's other grant detached (one access level per rule),
    /// and the rule's denies detached, since their explicit deny would override the grant. Other rules' policies are
    /// left as they are.
    /// </summary>
    public static AccessPlan PlanGrant(AccessState state, PolicyTemplate grant)
    {
        var arns = state.Arns;
        var changes = new List<PlannedChange>();
        var warnings = new List<string>();
        changes.AddRange(EnsurePolicy(grant, state.Policy(arns.Of(grant))));
        if (!state.IsAttached(arns.Of(grant)))
        {
            changes.Add(Attach(grant, arns.Of(grant), state.Principal));
        }

        foreach (var other in GrantsOf(grant.Rule).Where(t => arns.Of(t) != arns.Of(grant) && state.IsAttached(arns.Of(t))))
        {
            changes.Add(Detach(other, arns.Of(other), state.Principal));
        }

        foreach (var deny in DeniesOf(grant.Rule).Where(t => state.IsAttached(arns.Of(t))))
        {
            changes.Add(Detach(deny, arns.Of(deny), state.Principal));
            warnings.Add($"{deny.PolicyName} is attached to {state.Principal} and its explicit deny would override the grant, so the grant detaches it.");
        }

        return new AccessPlan(state.Principal, changes, warnings);
    }

    /// <summary>
    /// Revoke: for each rule, its denies converged and attached, then the module's grants of those rules detached
    /// (Rule 1: Procurement, BillingViewer and grants made with -PolicyName, of either edition; Rule 2: PaidAmiLauncher).
    /// </summary>
    public static AccessPlan PlanRevoke(AccessState state, IReadOnlyCollection<int> rules, PolicyTemplateEdition edition = PolicyTemplateEdition.Article)
    {
        var arns = state.Arns;
        var ordered = rules.Distinct().Order().ToList();
        var denyTemplates = ordered.SelectMany(rule => DeniesOf(rule, edition)).ToList();
        var changes = new List<PlannedChange>();
        foreach (var deny in denyTemplates)
        {
            changes.AddRange(EnsurePolicy(deny, state.Policy(arns.Of(deny))));
            if (!state.IsAttached(arns.Of(deny)))
            {
                changes.Add(Attach(deny, arns.Of(deny), state.Principal));
            }
        }

        var denies = denyTemplates.Select(arns.Of).ToHashSet(StringComparer.Ordinal);
        changes.AddRange(OursAttached(state)
            .Where(p => ordered.Contains(p.Template.Rule) && !denies.Contains(p.Arn))
            .Select(p => Detach(p.Template, p.Arn, state.Principal)));
        return new AccessPlan(state.Principal, changes, []);
    }

    /// <summary>
    /// Remove, the undo of Grant and Revoke: every policy of the module detached from the principal, and deleted when
    /// nothing else uses it. A policy of the module's (under its path, tagged as ours) that nothing uses any more,
    /// because an interrupted run detached it and did not delete it, is deleted too rather than left behind.
    /// </summary>
    public static AccessPlan PlanRemove(AccessState state)
    {
        var changes = new List<PlannedChange>();
        var deleting = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (template, arn) in OursAttached(state))
        {
            changes.Add(Detach(template, arn, state.Principal));

            // Attached to this principal and to nothing else. A policy the listing missed is kept: never delete blind.
            if (state.PathPolicy(arn) is { AttachmentCount: <= 1 })
            {
                changes.Add(Delete(template, arn));
                deleting.Add(arn);
            }
        }

        foreach (var orphan in state.PathPolicies.Where(p => p.AttachmentCount == 0 && p.IsTaggedAsOurs && !deleting.Contains(p.Arn)))
        {
            changes.Add(Delete(TemplateOrCustom(state.Arns, orphan.Arn, orphan.Name), orphan.Arn));
        }

        return new AccessPlan(state.Principal, changes, []);
    }

    /// <summary>
    /// The module's policies attached to the principal: the templates' by their default names, and the grants made
    /// under another -PolicyName (under the module's path, carrying its tag). A custom-named one is a Rule 1 grant
    /// (only Buyer and Viewer take -PolicyName), described by its own name: the template only words the change, and
    /// detaching and deleting never use its document.
    /// </summary>
    public static IEnumerable<(PolicyTemplate Template, string Arn)> OursAttached(AccessState state) =>
        state.Attached
            .Where(a => state.Arns.TemplateOf(a.Arn) is not null || (state.Arns.IsUnderPath(a.Arn) && state.PathPolicy(a.Arn) is { IsTaggedAsOurs: true }))
            .Select(a => (TemplateOrCustom(state.Arns, a.Arn, a.Name), a.Arn));

    private static PolicyTemplate TemplateOrCustom(ModulePolicyArns arns, string arn, string name) =>
        arns.TemplateOf(arn) ?? PolicyTemplateCatalog.Get(PolicyTemplateCatalog.Procurement).WithPolicyName(name);

    /// <summary>The writes that make <paramref name="state"/> hold the template's document, tagged as ours.</summary>
    public static IEnumerable<PlannedChange> EnsurePolicy(PolicyTemplate template, ManagedPolicyState state)
    {
        if (!state.Exists)
        {
            yield return new PlannedChange(ChangeKind.CreatePolicy, template, state.Arn, $"create policy {template.PolicyName} at {template.PolicyPath}, tagged {TagKey}={TagValue}");
            yield break;
        }

        if (!IsCurrent(template, state.DefaultDocument))
        {
            if (state.Versions.Count >= MaxVersions)
            {
                var oldest = state.Versions.Where(v => !v.IsDefault).OrderBy(v => v.CreateDate ?? DateTimeOffset.MinValue).ThenBy(v => VersionNumber(v.VersionId)).First();
                yield return new PlannedChange(ChangeKind.DeletePolicyVersion, template, state.Arn, $"delete version {oldest.VersionId} of {template.PolicyName} (IAM keeps five)") { VersionId = oldest.VersionId };
            }

            yield return new PlannedChange(ChangeKind.CreatePolicyVersion, template, state.Arn, $"update {template.PolicyName} to the template's document (new default version)");
        }

        if (!state.IsTaggedAsOurs)
        {
            yield return new PlannedChange(ChangeKind.TagPolicy, template, state.Arn, $"tag {template.PolicyName} {TagKey}={TagValue}");
        }
    }

    public static PlannedChange Attach(PolicyTemplate template, string policyArn, PrincipalRef principal) =>
        new(ChangeKind.AttachPolicy, template, policyArn, $"attach {template.PolicyName} to {principal}") { Principal = principal };

    public static PlannedChange Detach(PolicyTemplate template, string policyArn, PrincipalRef principal) =>
        new(ChangeKind.DetachPolicy, template, policyArn, $"detach {template.PolicyName} from {principal}") { Principal = principal };

    /// <summary>
    /// True when <paramref name="later"/> must not be made unless <paramref name="earlier"/> (of the same plan) was:
    /// nothing can be versioned, tagged or attached before the policy exists; the new version needs the slot the
    /// rotation frees; an attach must attach the template's document, not the old one; IAM refuses to delete a policy
    /// still attached; and a detach the plan makes because an attach of the same rule replaces it (Grant swapping the
    /// deny for the grant, Revoke swapping grants for the deny) keeps the principal as it was when the attach was
    /// declined. Rules are independent: declining Rule 1's deny does not keep Rule 2's grant.
    /// </summary>
    public static bool DependsOn(PlannedChange later, PlannedChange earlier)
    {
        if (later.Kind == ChangeKind.DetachPolicy && earlier.Kind == ChangeKind.AttachPolicy)
        {
            return later.Principal == earlier.Principal && later.Template.Rule == earlier.Template.Rule;
        }

        return later.PolicyArn == earlier.PolicyArn && (earlier.Kind, later.Kind) switch
        {
            (ChangeKind.CreatePolicy, _) => true,
            (ChangeKind.DeletePolicyVersion, ChangeKind.CreatePolicyVersion) => true,
            (ChangeKind.CreatePolicyVersion, ChangeKind.AttachPolicy) => true,
            (ChangeKind.DetachPolicy, ChangeKind.DeletePolicy) => true,
            _ => false,
        };
    }

    public static PlannedChange Delete(PolicyTemplate template, string policyArn) =>
        new(ChangeKind.DeletePolicy, template, policyArn, $"delete policy {template.PolicyName} (nothing uses it any more)");

    /// <summary>True when the default document grants and denies what the template does (Sid and formatting aside).</summary>
    public static bool IsCurrent(PolicyTemplate template, string? defaultDocument) =>
        defaultDocument is not null
        && PolicyParser.TryParse(defaultDocument, null, out var document, out _)
        && document!.SemanticallyEquals(template.Policy);

    private static int VersionNumber(string versionId) =>
        int.TryParse(versionId.TrimStart('v').Split('.')[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
}
