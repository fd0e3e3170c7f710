using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Organizations;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Guardrails;

/// <summary>
/// Decides the Organizations writes that bring a target's guardrails (the module's SCPs, see
/// <see cref="GuardrailNames"/>) to the wanted state. Pure: the AWS layer reads the state
/// (<see cref="GuardrailState"/>), asks for the plan, and applies it. Only what differs is written, so a second
/// identical run plans nothing. Order: policies are created (tagged as ours) and updated before they are attached;
/// attachments are added while the target has room (at most <see cref="MaxPoliciesPerTarget"/>) and removed while it
/// keeps one, so neither quota is crossed part way; a policy of ours left attached nowhere is deleted last. Refusals
/// are decided before any write: more than five SCPs or none on the target, an exception principal that would lose
/// its capability (<see cref="GuardrailLockoutGuard"/>), the root, and a Rule 1 guardrail that excepts nobody
/// (facts: RULE2-RULE3-FACTS.md §4, quotas).
/// </summary>
public static class GuardrailPlanner
{
    /// <summary>Organizations attaches at most five SCPs directly to a root, OU or account, and at least one.</summary>
    public const int MaxPoliciesPerTarget = 5;

    /// <summary>
    /// Set: each desired guardrail created or converged under its name for the target and attached; the module's SCPs
    /// attached to the target for the same rules that are no longer desired (a part no longer needed) detached, and
    /// deleted when attached nowhere else.
    /// </summary>
    public static GuardrailPlan PlanSet(GuardrailState state, IReadOnlyList<GuardrailPolicy> desired, PolicyEvaluator? evaluator = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var duplicate = desired.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two guardrails are named {duplicate.Key}; each name is set once per target.", nameof(desired));
        }

        var target = state.Target;
        var preparing = new List<GuardrailChange>();
        var attaches = new List<GuardrailChange>();
        var desiredNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var policy in desired)
        {
            var name = GuardrailNames.For(policy, target.Id);
            desiredNames.Add(name);
            var tags = GuardrailNames.TagsOf(policy.Rules);
            var existing = state.Named(name);
            if (existing is null)
            {
                preparing.Add(new GuardrailChange(GuardrailChangeKind.CreatePolicy, name, null, $"create SCP {name}, tagged {GuardrailNames.TagKey}={GuardrailNames.TagValue}")
                {
                    Content = policy.Content,
                    PolicyDescription = policy.Description,
                    Tags = tags,
                });
                attaches.Add(Attach(name, null, target));
                continue;
            }

            var contentChanged = !SameDocument(existing.Content, policy.Content);
            var descriptionChanged = existing.Description != policy.Description;
            if (contentChanged || descriptionChanged)
            {
                var what = contentChanged && descriptionChanged ? "its document and description" : contentChanged ? "its document" : "its description";
                preparing.Add(new GuardrailChange(GuardrailChangeKind.UpdatePolicy, name, existing.Id, $"update SCP {name} ({existing.Id}): {what}")
                {
                    Content = contentChanged ? policy.Content : null,
                    PolicyDescription = descriptionChanged ? policy.Description : null,
                    PreviousContent = contentChanged ? existing.Content : null,
                    PreviousDescription = descriptionChanged ? existing.Description ?? string.Empty : null,
                });
            }

            if (!existing.IsTaggedAsOurs || !existing.Rules.Order().SequenceEqual(policy.Rules.Distinct().Order()))
            {
                preparing.Add(new GuardrailChange(GuardrailChangeKind.TagPolicy, name, existing.Id, $"tag SCP {name} ({existing.Id}) {GuardrailNames.TagKey}={GuardrailNames.TagValue}, {GuardrailNames.RulesTagKey}={tags[GuardrailNames.RulesTagKey]}") { Tags = tags });
            }

            if (!existing.Targets.Contains(target.Id, StringComparer.Ordinal))
            {
                attaches.Add(Attach(name, existing.Id, target));
            }
        }

        var rules = desired.SelectMany(p => p.Rules).ToHashSet();
        var stale = state.Attached.Where(p => p.IsOurs && !desiredNames.Contains(p.Name) && p.Rules.Any(rules.Contains)).ToList();
        var plan = Assemble(state, preparing, attaches, stale, desiredNames);

        var refusals = new List<GuardrailRefusal>(plan.Refusals);
        var warnings = new List<string>();
        if (target.Kind == OrganizationTargetKind.Root)
        {
            refusals.Add(new GuardrailRefusal(GuardrailRefusalKind.Root,
                $"{target.Label} is the organization's root: a guardrail there applies to every member account at once. Attach it to an OU or an account first, or use -Force."));
        }

        foreach (var policy in desired.Where(p => p.Rules.Contains(1)))
        {
            var excepted = policy.Exceptions.ProcurementPrincipalArns;
            if (excepted.Count == 0)
            {
                refusals.Add(new GuardrailRefusal(GuardrailRefusalKind.NoProcurementException,
                    $"The guardrail {policy.Name} excepts no procurement principal: it would deny procurement to every principal of the member accounts under {target.Label}. Build it with the procurement principals, or use -Force."));
            }
            else if (target.Kind == OrganizationTargetKind.Account && !excepted.Any(arn => CanBeIn(arn, target.Id)))
            {
                // The exceptions name principals of other accounts only: in this account they except nobody, which is a
                // guardrail without procurement for it (the lockout guard, which checks the excepted principals, passes).
                refusals.Add(new GuardrailRefusal(GuardrailRefusalKind.NoProcurementException,
                    $"The guardrail {policy.Name} excepts procurement principals of other accounts only ({string.Join(", ", excepted)}): it would deny procurement to every principal of {target.Label}. Except a principal of account {target.Id} (or of any account: arn:aws:iam::*:...), or use -Force."));
            }
        }

        if (state.IsManagementAccount)
        {
            warnings.Add($"{target.Label} is the management account: SCPs never restrict it (RULE2-RULE3-FACTS.md §4), so the guardrail has no effect there.");
        }
        else
        {
            refusals.AddRange(GuardrailLockoutGuard.Check(state, desired, plan.AttachedAfter, evaluator));
        }

        return new GuardrailPlan(target, plan.Changes, refusals, warnings, plan.AttachedAfter);
    }

    /// <summary>
    /// Remove, the undo of Set: the module's SCPs attached to the target (for <paramref name="rules"/>, or all of them)
    /// detached, and deleted when attached nowhere else; the module's SCPs named for this target and attached nowhere
    /// (left by an interrupted run) deleted too.
    /// </summary>
    public static GuardrailPlan PlanRemove(GuardrailState state, IReadOnlyCollection<int>? rules = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        bool Selected(ServiceControlPolicyState policy) => rules is null || rules.Count == 0 || policy.Rules.Any(rules.Contains);
        var stale = state.Attached.Where(p => p.IsOurs && Selected(p)).ToList();
        var plan = Assemble(state, [], [], stale, new HashSet<string>(StringComparer.Ordinal), Selected);
        return new GuardrailPlan(state.Target, plan.Changes, plan.Refusals, [], plan.AttachedAfter);
    }

    /// <summary>
    /// True when <paramref name="later"/> must not be made unless <paramref name="earlier"/> (of the same plan) was:
    /// nothing can be updated, tagged or attached before the policy exists; an attach must attach the new document,
    /// tagged as ours; Organizations refuses to delete a policy still attached; and a detach the plan makes because an
    /// attach replaces it (a part swapped for another) keeps the target as it was when the attach was declined.
    /// </summary>
    public static bool DependsOn(GuardrailChange later, GuardrailChange earlier)
    {
        if (later.Kind == GuardrailChangeKind.DetachPolicy && earlier.Kind == GuardrailChangeKind.AttachPolicy)
        {
            return later.TargetId == earlier.TargetId;
        }

        return later.PolicyName == earlier.PolicyName && (earlier.Kind, later.Kind) switch
        {
            (GuardrailChangeKind.CreatePolicy, _) => true,
            (GuardrailChangeKind.UpdatePolicy or GuardrailChangeKind.TagPolicy, GuardrailChangeKind.AttachPolicy) => true,
            (GuardrailChangeKind.DetachPolicy, GuardrailChangeKind.DeletePolicy) => true,
            _ => false,
        };
    }

    /// <summary>True when two documents are the same text, or the same policy (formatting and Sids aside).</summary>
    public static bool SameDocument(string current, string wanted) =>
        current == wanted
        || (PolicyParser.TryParse(current, null, out var a, out _) && PolicyParser.TryParse(wanted, null, out var b, out _) && a!.SemanticallyEquals(b!));

    /// <summary>
    /// The changes in order (preparation, attachments and detachments interleaved within the quotas, deletions), the
    /// quota refusals, and the names attached afterwards.
    /// </summary>
    /// <summary>
    /// Whether an exception pattern can name a principal of <paramref name="accountId"/>: its account is <c>*</c>, or
    /// 12 characters each the account's digit or <c>?</c> (GuardrailValues checked the shape).
    /// </summary>
    private static bool CanBeIn(string arnPattern, string accountId)
    {
        var account = arnPattern.Split(':')[4];
        return account == "*"
            || (account.Length == accountId.Length && account.Zip(accountId).All(pair => pair.First == '?' || pair.First == pair.Second));
    }

    private static GuardrailPlan Assemble(
        GuardrailState state,
        List<GuardrailChange> preparing,
        List<GuardrailChange> attaches,
        List<ServiceControlPolicyState> detaching,
        HashSet<string> desiredNames,
        Func<ServiceControlPolicyState, bool>? orphanSelected = null)
    {
        var target = state.Target;
        var changes = new List<GuardrailChange>(preparing);
        var detaches = detaching.Select(p => new GuardrailChange(GuardrailChangeKind.DetachPolicy, p.Name, p.Id, $"detach SCP {p.Name} from {target.Label}") { TargetId = target.Id }).ToList();
        var attachedAfter = state.Attached.Select(p => p.Name).Except(detaching.Select(p => p.Name)).Concat(attaches.Select(a => a.PolicyName)).ToList();
        var refusals = new List<GuardrailRefusal>();
        if (attachedAfter.Count > MaxPoliciesPerTarget)
        {
            refusals.Add(new GuardrailRefusal(GuardrailRefusalKind.TooManyPolicies,
                $"{target.Label} would have {attachedAfter.Count} SCPs attached directly ({string.Join(", ", attachedAfter)}); AWS Organizations allows at most {MaxPoliciesPerTarget}. Detach one, or build fewer guardrail parts."));
        }
        else if (attachedAfter.Count == 0 && (attaches.Count > 0 || detaches.Count > 0))
        {
            refusals.Add(new GuardrailRefusal(GuardrailRefusalKind.NoPolicyLeft,
                $"{target.Label} would be left without any SCP attached directly ({string.Join(", ", detaching.Select(p => p.Name))} would be detached); AWS Organizations requires at least one. Attach another SCP (FullAWSAccess) to it first."));
        }

        // Attach while there is room, detach while one stays: the target never holds more than five nor none.
        var count = state.Attached.Count;
        var (a, d) = (0, 0);
        while (a < attaches.Count || d < detaches.Count)
        {
            if (a < attaches.Count && (count < MaxPoliciesPerTarget || d >= detaches.Count))
            {
                changes.Add(attaches[a++]);
                count++;
            }
            else
            {
                changes.Add(detaches[d++]);
                count--;
            }
        }

        foreach (var policy in detaching.Where(p => p.Targets.All(t => t == target.Id)))
        {
            changes.Add(Delete(policy));
        }

        // Ours, named for this target, attached nowhere and not wanted: what an interrupted run left behind.
        var suffix = "-" + target.Id;
        foreach (var orphan in state.Policies.Where(p => p.IsOurs && p.Targets.Count == 0 && p.Name.EndsWith(suffix, StringComparison.Ordinal)
            && !desiredNames.Contains(p.Name) && !detaching.Contains(p) && (orphanSelected?.Invoke(p) ?? true)))
        {
            changes.Add(Delete(orphan));
        }

        return new GuardrailPlan(target, changes, refusals, [], attachedAfter);
    }

    private static GuardrailChange Attach(string name, string? id, GuardrailTarget target) =>
        new(GuardrailChangeKind.AttachPolicy, name, id, $"attach SCP {name} to {target.Label}") { TargetId = target.Id };

    private static GuardrailChange Delete(ServiceControlPolicyState policy) =>
        new(GuardrailChangeKind.DeletePolicy, policy.Name, policy.Id, $"delete SCP {policy.Name} ({policy.Id}), attached nowhere any more");
}
