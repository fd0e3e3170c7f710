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

/// <summary>
/// The AWS side of the module's changes: reads what the account holds (<see cref="ReadStateAsync"/>), hands it to the
/// engine's <see cref="AccessPlanner"/>, which decides every write, and applies the plan. Every change is read before
/// it is written, and only what differs is written. Applying still reads where IAM's answers need it (a creation
/// whose reply was lost, an answer that says a change is already made), to tell a converged state from a failure.
/// </summary>
public sealed class AccessManager
{
    private readonly IamOperations iam;
    private readonly ModulePolicyArns arns;

    public AccessManager(IamOperations iam, string partition, string accountId)
    {
        this.iam = iam;
        arns = new ModulePolicyArns(partition, accountId);
    }

    /// <summary>How long to wait for IAM's eventual consistency (a policy just created may not be attachable yet).</summary>
    public TimeSpan ConsistencyDelay { get; init; } = TimeSpan.FromSeconds(2);

    public string ArnOf(PolicyTemplate template) => arns.Of(template);

    /// <summary>Grant: reads the principal and the template's policy; <see cref="AccessPlanner.PlanGrant"/> decides.</summary>
    public async Task<AccessPlan> PlanGrantAsync(PrincipalRef principal, PolicyTemplate grant, CancellationToken cancellation) =>
        AccessPlanner.PlanGrant(await ReadStateAsync(principal, [grant], everyPathPolicy: false, cancellation).ConfigureAwait(false), grant);

    /// <summary>Revoke: reads the principal and the denies of the rules; <see cref="AccessPlanner.PlanRevoke"/> decides.</summary>
    public Task<AccessPlan> PlanRevokeAsync(PrincipalRef principal, IReadOnlyCollection<int> rules, CancellationToken cancellation) =>
        PlanRevokeAsync(principal, rules, PolicyTemplateEdition.Article, cancellation);

    /// <summary>Revoke with the denies of an edition.</summary>
    public async Task<AccessPlan> PlanRevokeAsync(PrincipalRef principal, IReadOnlyCollection<int> rules, PolicyTemplateEdition edition, CancellationToken cancellation) =>
        AccessPlanner.PlanRevoke(await ReadStateAsync(principal, rules.Distinct().SelectMany(rule => AccessPlanner.DeniesOf(rule, edition)), everyPathPolicy: false, cancellation).ConfigureAwait(false), rules, edition);

    /// <summary>Remove: reads the principal and every policy under the module's path; <see cref="AccessPlanner.PlanRemove"/> decides.</summary>
    public async Task<AccessPlan> PlanRemoveAsync(PrincipalRef principal, CancellationToken cancellation) =>
        AccessPlanner.PlanRemove(await ReadStateAsync(principal, [], everyPathPolicy: true, cancellation).ConfigureAwait(false));

    /// <summary>
    /// Reads what a plan decides from (see <see cref="AccessState"/>): the principal's attached policies, in full the
    /// policies of <paramref name="converge"/>, and the module-path policies attached to the principal or, with
    /// <paramref name="everyPathPolicy"/>, all of them in the account. Reads only; decides nothing.
    /// </summary>
    public async Task<AccessState> ReadStateAsync(PrincipalRef principal, IEnumerable<PolicyTemplate> converge, bool everyPathPolicy, CancellationToken cancellation)
    {
        var attached = (await iam.ListAttachedPoliciesAsync(Kind(principal), principal.Name, cancellation).ConfigureAwait(false))
            .Select(p => new AttachedPolicy(p.Arn, p.Name)).ToList();
        var policies = new List<ManagedPolicyState>();
        foreach (var template in converge)
        {
            policies.Add(await ReadPolicyAsync(template, ArnOf(template), cancellation).ConfigureAwait(false));
        }

        var arnsUnderPath = everyPathPolicy
            ? (await iam.ListLocalPoliciesAsync(PolicyTemplate.ManagedPolicyPath, cancellation).ConfigureAwait(false)).Select(p => p.Arn)
            : attached.Select(a => a.Arn).Where(arns.IsUnderPath);
        var pathPolicies = new List<PathPolicyState>();
        foreach (var arn in arnsUnderPath.Distinct(StringComparer.Ordinal).ToList())
        {
            ManagedPolicyInfo policy;
            try
            {
                policy = await iam.GetPolicyAsync(arn, cancellation).ConfigureAwait(false);
            }
            catch (IamException e) when (e.Code == "NoSuchEntity")
            {
                continue; // deleted since it was listed (by another run): nothing to plan for it
            }

            pathPolicies.Add(new PathPolicyState(policy.Arn, policy.Name, IsOurs(policy), policy.AttachmentCount));
        }

        return new AccessState(arns, principal, attached) { Policies = policies, PathPolicies = pathPolicies };
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
        return new ManagedPolicyState(arn, true, document, versions.Select(v => new PolicyVersionState(v.VersionId, v.IsDefault, v.CreateDate)).ToList(), IsOurs(policy));
    }

    private static bool IsOurs(ManagedPolicyInfo policy) =>
        policy.Tags.TryGetValue(AccessPlanner.TagKey, out var value) && value == AccessPlanner.TagValue;

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
