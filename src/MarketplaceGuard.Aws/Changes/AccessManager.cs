using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Engine.Principals;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Aws.Changes;

/// <summary>The writes planned for one principal, and what the plan noticed on the way.</summary>
public sealed class AccessPlan
{
    internal AccessPlan(PrincipalRef principal, IReadOnlyList<PlannedChange> changes, IReadOnlyList<string> warnings)
    {
        Principal = principal;
        Changes = changes;
        Warnings = warnings;
    }

    public PrincipalRef Principal { get; }

    public IReadOnlyList<PlannedChange> Changes { get; }

    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>
/// Reads what the account holds, plans (with <see cref="AccessPlanner"/>) and applies the module's changes:
/// grant procurement or view access, revoke with the deny policy, or remove everything the module attached. Every
/// method reads before it writes, and writes only what differs.
/// </summary>
public sealed class AccessManager
{
    private static readonly PolicyTemplate Buyer = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.Procurement);
    private static readonly PolicyTemplate Viewer = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.BillingViewer);
    private static readonly PolicyTemplate Deny = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyMarketplace);

    private readonly IamOperations iam;
    private readonly string partition;
    private readonly string accountId;

    public AccessManager(IamOperations iam, string partition, string accountId)
    {
        this.iam = iam;
        this.partition = partition;
        this.accountId = accountId;
    }

    /// <summary>How long to wait for IAM's eventual consistency (a policy just created may not be attachable yet).</summary>
    public TimeSpan ConsistencyDelay { get; init; } = TimeSpan.FromSeconds(2);

    public string ArnOf(PolicyTemplate template) => PolicyArn(partition, accountId, template);

    /// <summary>The ARN of the module's policy for a template in an account.</summary>
    public static string PolicyArn(string partition, string accountId, PolicyTemplate template) =>
        $"arn:{partition}:iam::{accountId}:policy{template.PolicyPath}{template.PolicyName}";

    /// <summary>Grant: the template's policy converged and attached; the other grant and the deny detached.</summary>
    public async Task<AccessPlan> PlanGrantAsync(PrincipalRef principal, PolicyTemplate grant, CancellationToken cancellation)
    {
        var attached = await AttachedAsync(principal, cancellation).ConfigureAwait(false);
        var changes = new List<PlannedChange>();
        var warnings = new List<string>();
        changes.AddRange(AccessPlanner.EnsurePolicy(grant, await ReadPolicyAsync(grant, cancellation).ConfigureAwait(false)));
        if (!attached.Contains(ArnOf(grant)))
        {
            changes.Add(AccessPlanner.Attach(grant, ArnOf(grant), principal));
        }

        foreach (var other in new[] { Buyer, Viewer }.Where(t => t != grant && attached.Contains(ArnOf(t))))
        {
            changes.Add(AccessPlanner.Detach(other, ArnOf(other), principal));
        }

        if (attached.Contains(ArnOf(Deny)))
        {
            changes.Add(AccessPlanner.Detach(Deny, ArnOf(Deny), principal));
            warnings.Add($"{Deny.PolicyName} is attached to {principal} and its explicit deny would override the grant, so the grant detaches it.");
        }

        return new AccessPlan(principal, changes, warnings);
    }

    /// <summary>Revoke: the deny policy converged and attached; the module's grants detached.</summary>
    public async Task<AccessPlan> PlanRevokeAsync(PrincipalRef principal, CancellationToken cancellation)
    {
        var ours = await OursAttachedAsync(principal, cancellation).ConfigureAwait(false);
        var changes = new List<PlannedChange>();
        changes.AddRange(AccessPlanner.EnsurePolicy(Deny, await ReadPolicyAsync(Deny, cancellation).ConfigureAwait(false)));
        if (ours.All(p => p.Arn != ArnOf(Deny)))
        {
            changes.Add(AccessPlanner.Attach(Deny, ArnOf(Deny), principal));
        }

        changes.AddRange(ours.Where(p => p.Arn != ArnOf(Deny)).Select(p => AccessPlanner.Detach(p.Template, p.Arn, principal)));
        return new AccessPlan(principal, changes, []);
    }

    /// <summary>Undo: every module policy detached from the principal, and deleted when nothing else uses it.</summary>
    public async Task<AccessPlan> PlanRemoveAsync(PrincipalRef principal, CancellationToken cancellation)
    {
        var changes = new List<PlannedChange>();
        var deleting = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (template, arn) in await OursAttachedAsync(principal, cancellation).ConfigureAwait(false))
        {
            changes.Add(AccessPlanner.Detach(template, arn, principal));
            var users = await iam.ListEntitiesForPolicyAsync(arn, cancellation).ConfigureAwait(false);
            if (users.All(u => u.Kind.ToString() == principal.Kind.ToString() && string.Equals(u.Name, principal.Name, StringComparison.OrdinalIgnoreCase)))
            {
                changes.Add(AccessPlanner.Delete(template, arn));
                deleting.Add(arn);
            }
        }

        // Convergence after an interrupted run: a policy of the module's (under its path, tagged as ours) that nothing
        // uses any more, because its detach was made and its deletion was not, is deleted now rather than left behind.
        foreach (var policy in await iam.ListLocalPoliciesAsync(Buyer.PolicyPath, cancellation).ConfigureAwait(false))
        {
            if (policy.AttachmentCount == 0 && !deleting.Contains(policy.Arn)
                && (await iam.GetPolicyAsync(policy.Arn, cancellation).ConfigureAwait(false)).Tags.TryGetValue(AccessPlanner.TagKey, out var tag) && tag == AccessPlanner.TagValue)
            {
                var template = new[] { Buyer, Viewer, Deny }.FirstOrDefault(t => ArnOf(t) == policy.Arn) ?? Buyer.WithPolicyName(policy.Name);
                changes.Add(AccessPlanner.Delete(template, policy.Arn));
            }
        }

        return new AccessPlan(principal, changes, []);
    }

    /// <summary>
    /// Applies planned changes in order, adding each one's description to <paramref name="made"/> once it is made,
    /// so a failure part way still tells what was changed.
    /// </summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(IEnumerable<PlannedChange> changes, List<string> made, CancellationToken cancellation, PrincipalRef? principal = null)
    {
        foreach (var change in changes)
        {
            bool changed;
            try
            {
                changed = await ApplyOneAsync(change, cancellation).ConfigureAwait(false);
            }
            catch (IamException e)
            {
                // Said with what was being done, for whom, and what this run had already changed: enough to know the
                // state the account is in (a re-run converges from it).
                var done = made.Count == 0 ? "nothing" : string.Join("; ", made);
                var who = principal is null ? string.Empty : $" for {principal}";
                throw new IamException(e.Operation, e.Code, $"{e.AwsMessage} (while trying to {change.Description}{who}; already changed in this run: {done})", e.StatusCode, e.RequestId, e.Attempts, e);
            }

            if (changed)
            {
                made.Add(change.Description);
            }
        }

        return made;
    }

    /// <summary>
    /// Makes one change; false when IAM answered that it was already made. Such answers come from retries whose reply
    /// was lost and from concurrent runs, and they are converged states, not failures: a policy that already exists
    /// and is ours with the template's document, a version or policy already deleted, a version limit reached because
    /// the new default already landed, an attachment already gone.
    /// </summary>
    private async Task<bool> ApplyOneAsync(PlannedChange change, CancellationToken cancellation)
    {
        // A creation whose reply was lost may have landed: the client does not repeat it blindly (that would add a
        // second version, or fail at IAM's five), so the state is read again and the write repeated only when its goal
        // does not hold yet.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ApplyOnceAsync(change, cancellation).ConfigureAwait(false);
            }
            catch (IamException e) when (e.MayHaveApplied && IamRetryPolicy.IsNonIdempotent(e.Operation) && attempt < 3)
            {
                // IAM is eventually consistent: a version created a moment ago may not be readable yet.
                await Task.Delay(ConsistencyDelay * attempt, cancellation).ConfigureAwait(false);
                if (await HoldsTemplateAsync(change, mustBeOurs: change.Kind == ChangeKind.CreatePolicy, cancellation).ConfigureAwait(false))
                {
                    return true; // it landed: this run made the change
                }
            }
        }
    }

    private async Task<bool> ApplyOnceAsync(PlannedChange change, CancellationToken cancellation)
    {
        var template = change.Template;
        try
        {
            switch (change.Kind)
            {
                case ChangeKind.CreatePolicy:
                    await iam.CreatePolicyAsync(template.PolicyName, template.PolicyPath, template.Document, template.Description, OurTag, cancellation).ConfigureAwait(false);
                    return true;
                case ChangeKind.DeletePolicyVersion:
                    await iam.DeletePolicyVersionAsync(change.PolicyArn, change.VersionId!, cancellation).ConfigureAwait(false);
                    return true;
                case ChangeKind.CreatePolicyVersion:
                    await iam.CreatePolicyVersionAsync(change.PolicyArn, template.Document, setAsDefault: true, cancellation).ConfigureAwait(false);
                    await RemoveDuplicateVersionsAsync(change, cancellation).ConfigureAwait(false);
                    return true;
                case ChangeKind.TagPolicy:
                    await iam.TagPolicyAsync(change.PolicyArn, OurTag, cancellation).ConfigureAwait(false);
                    return true;
                case ChangeKind.AttachPolicy:
                    await AttachAsync(change, cancellation).ConfigureAwait(false);
                    return true;
                case ChangeKind.DetachPolicy:
                    await iam.DetachPolicyAsync(Kind(change.Principal!), change.Principal!.Name, change.PolicyArn, cancellation).ConfigureAwait(false);
                    return true;
                default:
                    return await DeletePolicyAsync(change.PolicyArn, cancellation).ConfigureAwait(false);
            }
        }
        catch (IamException e)
        {
            if (await AlreadyDoneAsync(change, e, cancellation).ConfigureAwait(false))
            {
                return false;
            }

            throw;
        }
    }

    private async Task<bool> AlreadyDoneAsync(PlannedChange change, IamException e, CancellationToken cancellation) => (change.Kind, e.Code) switch
    {
        (ChangeKind.CreatePolicy, "EntityAlreadyExists") => await HoldsTemplateAsync(change, mustBeOurs: true, cancellation).ConfigureAwait(false),
        (ChangeKind.CreatePolicyVersion, "LimitExceeded") => await HoldsTemplateAsync(change, mustBeOurs: false, cancellation).ConfigureAwait(false),
        (ChangeKind.DeletePolicyVersion, "NoSuchEntity") => true,
        (ChangeKind.DetachPolicy, "NoSuchEntity") => true,
        _ => false,
    };

    // The policy exists with the template's default document (and, for a creation, is tagged as ours: someone else's
    // policy of that name is not the module's): the write's goal holds. The tag itself is a change of its own.
    private async Task<bool> HoldsTemplateAsync(PlannedChange change, bool mustBeOurs, CancellationToken cancellation)
    {
        var state = await ReadPolicyAsync(change.Template, change.PolicyArn, cancellation).ConfigureAwait(false);
        return state.Exists && (state.IsTaggedAsOurs || !mustBeOurs) && AccessPlanner.IsCurrent(change.Template, state.DefaultDocument);
    }

    // Two runs that planned the same update (or a retry of one) each create the template's version; the one made
    // default last wins, and the other, now an identical non-default version, is deleted so versions stay distinct
    // and within IAM's five.
    private async Task RemoveDuplicateVersionsAsync(PlannedChange change, CancellationToken cancellation)
    {
        foreach (var version in (await iam.ListPolicyVersionsAsync(change.PolicyArn, cancellation).ConfigureAwait(false)).Where(v => !v.IsDefault))
        {
            string? document;
            try
            {
                document = (await iam.GetPolicyVersionAsync(change.PolicyArn, version.VersionId, cancellation).ConfigureAwait(false)).Document;
            }
            catch (IamException e) when (e.Code == "NoSuchEntity")
            {
                continue; // another run deleted it meanwhile
            }

            if (AccessPlanner.IsCurrent(change.Template, document))
            {
                await IgnoringAsync("NoSuchEntity", () => iam.DeletePolicyVersionAsync(change.PolicyArn, version.VersionId, cancellation)).ConfigureAwait(false);
            }
        }
    }

    // Non-default versions first (IAM refuses to delete a policy that has them), then the policy; a version or the
    // policy already gone is the goal reached. False when the policy was already deleted.
    private async Task<bool> DeletePolicyAsync(string policyArn, CancellationToken cancellation)
    {
        try
        {
            foreach (var version in (await iam.ListPolicyVersionsAsync(policyArn, cancellation).ConfigureAwait(false)).Where(v => !v.IsDefault))
            {
                await IgnoringAsync("NoSuchEntity", () => iam.DeletePolicyVersionAsync(policyArn, version.VersionId, cancellation)).ConfigureAwait(false);
            }

            await iam.DeletePolicyAsync(policyArn, cancellation).ConfigureAwait(false);
            return true;
        }
        catch (IamException e) when (e.Code == "NoSuchEntity")
        {
            return false;
        }
    }

    private static readonly IReadOnlyDictionary<string, string> OurTag = new Dictionary<string, string> { [AccessPlanner.TagKey] = AccessPlanner.TagValue };

    // IAM is eventually consistent: a policy created a moment ago can be unknown to AttachXPolicy for a few seconds.
    private async Task AttachAsync(PlannedChange change, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await iam.AttachPolicyAsync(Kind(change.Principal!), change.Principal!.Name, change.PolicyArn, cancellation).ConfigureAwait(false);
                return;
            }
            catch (IamException e) when (e.Code == "NoSuchEntity" && e.AwsMessage.Contains(change.PolicyArn, StringComparison.Ordinal) && attempt < 4)
            {
                await Task.Delay(ConsistencyDelay * attempt, cancellation).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The module's policies attached to a principal: the templates' and grants made under another -PolicyName, which
    /// live under the module's path and carry its tag. A custom-named one is described by its own name (the
    /// template only words the change; detaching and deleting never use its document).
    /// </summary>
    private async Task<List<(PolicyTemplate Template, string Arn)>> OursAttachedAsync(PrincipalRef principal, CancellationToken cancellation)
    {
        var prefix = $"arn:{partition}:iam::{accountId}:policy{Buyer.PolicyPath}";
        var ours = new List<(PolicyTemplate, string)>();
        foreach (var policy in await iam.ListAttachedPoliciesAsync(Kind(principal), principal.Name, cancellation).ConfigureAwait(false))
        {
            if (new[] { Buyer, Viewer, Deny }.FirstOrDefault(t => ArnOf(t) == policy.Arn) is { } template)
            {
                ours.Add((template, policy.Arn));
            }
            else if (policy.Arn.StartsWith(prefix, StringComparison.Ordinal)
                && (await iam.GetPolicyAsync(policy.Arn, cancellation).ConfigureAwait(false)).Tags.TryGetValue(AccessPlanner.TagKey, out var tag) && tag == AccessPlanner.TagValue)
            {
                ours.Add((Buyer.WithPolicyName(policy.Name), policy.Arn));
            }
        }

        return ours;
    }

    private async Task<HashSet<string>> AttachedAsync(PrincipalRef principal, CancellationToken cancellation) =>
        (await iam.ListAttachedPoliciesAsync(Kind(principal), principal.Name, cancellation).ConfigureAwait(false)).Select(p => p.Arn).ToHashSet(StringComparer.Ordinal);

    private Task<ManagedPolicyState> ReadPolicyAsync(PolicyTemplate template, CancellationToken cancellation) =>
        ReadPolicyAsync(template, ArnOf(template), cancellation);

    private async Task<ManagedPolicyState> ReadPolicyAsync(PolicyTemplate template, string arn, CancellationToken cancellation)
    {
        ManagedPolicyInfo policy;
        try
        {
            policy = await iam.GetPolicyAsync(arn, cancellation).ConfigureAwait(false);
        }
        catch (IamException e) when (e.Code == "NoSuchEntity")
        {
            return new ManagedPolicyState(arn, false, null, [], false);
        }

        var versions = await iam.ListPolicyVersionsAsync(arn, cancellation).ConfigureAwait(false);
        var document = (await iam.GetPolicyVersionAsync(arn, policy.DefaultVersionId, cancellation).ConfigureAwait(false)).Document;
        var ours = policy.Tags.TryGetValue(AccessPlanner.TagKey, out var value) && value == AccessPlanner.TagValue;
        return new ManagedPolicyState(arn, true, document, versions.Select(v => new PolicyVersionState(v.VersionId, v.IsDefault, v.CreateDate)).ToList(), ours);
    }

    private static async Task<bool> IgnoringAsync(string code, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
            return true;
        }
        catch (IamException e) when (e.Code == code)
        {
            return false;
        }
    }

    private static IamPrincipalKind Kind(PrincipalRef principal) => principal.Kind switch
    {
        PrincipalKind.User => IamPrincipalKind.User,
        PrincipalKind.Group => IamPrincipalKind.Group,
        _ => IamPrincipalKind.Role,
    };
}
