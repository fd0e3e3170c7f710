using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Changes;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Snapshots;
using MarketplaceGuard.Cmdlets.Aws;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Principals;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Engine.Principals;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Cmdlets.Changes;

/// <summary>
/// What Grant-MarketplaceProcurement, Revoke-MarketplaceAccess and Remove-MarketplaceAccess share. Principals come
/// from -GroupName, -UserName or -RoleName (names, type/name, ARNs, wildcards) or from the pipeline (AWS.Tools
/// objects, findings, anything with a GroupName, UserName, RoleName, Arn or Principal). Every value is resolved
/// against the account (read once, principals only) before anything is written: a value that names nothing, names
/// two kinds of principal, or is an ARN of another account stops the whole command with nothing changed. Then one
/// plan per principal, shown or confirmed change by change (a declined change also skips the changes that need it),
/// and applied; an IAM failure for one principal is a non-terminating error and the others proceed.
/// </summary>
public abstract class AccessChangeCommand : AwsCommand
{
    protected const string GroupSet = "Group";
    protected const string UserSet = "User";
    protected const string RoleSet = "Role";
    protected const string InputObjectSet = "InputObject";

    private readonly List<RequestedPrincipal> requested = [];
    private readonly List<ErrorRecord> refused = [];
    private AwsConnection? connection;
    private string? accountId;

    /// <summary>Groups by name, group/name, ARN or wildcard.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = GroupSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] GroupName { get; set; } = [];

    /// <summary>Users by name, user/name, ARN or wildcard.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UserSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] UserName { get; set; } = [];

    /// <summary>Roles by name, role/name, ARN (an STS assumed-role ARN means its role) or wildcard.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RoleSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] RoleName { get; set; } = [];

    /// <summary>Objects from AWS.Tools (Get-IAMGroup, Get-IAMUser, Get-IAMRole), findings, or anything naming one principal.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    public object[] InputObject { get; set; } = [];

    /// <summary>Emit one result per principal with the changes planned and made.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The operation's name in results ("Grant Buyer", "Revoke", "Remove").</summary>
    protected abstract string OperationName { get; }

    /// <summary>The account's principals as read before any change: what values resolve against.</summary>
    protected AuthorizationSnapshot? Directory { get; private set; }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case GroupSet:
                requested.AddRange(GroupName.Select(n => new RequestedPrincipal(n, PrincipalKind.Group, nameof(GroupName))));
                return;
            case UserSet:
                requested.AddRange(UserName.Select(n => new RequestedPrincipal(n, PrincipalKind.User, nameof(UserName))));
                return;
            case RoleSet:
                requested.AddRange(RoleName.Select(n => new RequestedPrincipal(n, PrincipalKind.Role, nameof(RoleName))));
                return;
        }

        foreach (var item in InputObject)
        {
            if (RefuseFinding(PSObject.AsPSObject(item)) is { } notThisFix)
            {
                refused.Add(ModuleErrors.Create($"-InputObject: {notThisFix}", ErrorIds.FindingNotFixedHere, ErrorCategory.InvalidArgument, item));
                continue;
            }

            if (PrincipalValue.FromObject(item, out var problem) is { } value)
            {
                requested.Add(new RequestedPrincipal(value, null, nameof(InputObject)));
                continue;
            }

            var ambiguous = problem!.StartsWith("names more than one", StringComparison.Ordinal);
            refused.Add(ModuleErrors.Create(
                $"-InputObject: the object {problem}.",
                ambiguous ? ErrorIds.PrincipalAmbiguous : ErrorIds.PrincipalMissing,
                ErrorCategory.InvalidArgument,
                item));
        }
    }

    protected override void EndProcessing()
    {
        if (refused.Count > 0)
        {
            Stop(refused);
        }

        if (requested.Count == 0)
        {
            ThrowTerminatingError(ModuleErrors.Create(
                $"No principal reached {MyInvocation.MyCommand.Name}: the pipeline was empty. Nothing was changed.",
                ErrorIds.PrincipalMissing,
                ErrorCategory.InvalidArgument,
                null));
        }

        connection = Connect();
        (accountId, Directory) = RunAws(connection, async (client, cancellation) =>
        {
            var (account, _) = await client.GetCallerIdentityAsync(cancellation).ConfigureAwait(false);
            return (account, await AuthorizationDetailsExporter.ReadAsync(client, account, AuthorizationDetailsExporter.PrincipalsOnly, cancellation).ConfigureAwait(false));
        }, null);

        var targets = ResolveTargets(Directory, accountId);
        BeforeChanges(Directory, accountId);

        // Every principal is planned and checked before the first write: a refusal (the lockout guard) stops the
        // whole command, so a wildcard or a list is never half-applied.
        var plans = new List<AccessPlan>();
        foreach (var target in targets)
        {
            var plan = WithManager((manager, cancellation) => PlanAsync(manager, target, cancellation), target, out var planned);
            if (planned && plan is not null)
            {
                plans.Add(plan);
            }
        }

        var refusals = plans.SelectMany(Refusals).ToList();
        if (refusals.Count > 0)
        {
            Stop(refusals);
        }

        // Each principal is planned again right before its writes: an earlier principal's changes (the policy it
        // created or updated) are part of the account the next plan reads.
        for (var i = 0; i < plans.Count; i++)
        {
            var principal = plans[i].Principal;
            var plan = i == 0 ? plans[0] : WithManager((manager, cancellation) => PlanAsync(manager, principal, cancellation), principal, out _);
            if (plan is null)
            {
                continue; // the plan's reads failed: written as a non-terminating error
            }

            var refusedNow = Refusals(plan).ToList();
            if (refusedNow.Count > 0)
            {
                refusedNow.ForEach(WriteError);
                continue;
            }

            Apply(plan);
        }
    }

    /// <summary>Plans the change for one principal, on a worker thread.</summary>
    protected abstract Task<AccessPlan> PlanAsync(AccessManager manager, PrincipalRef principal, CancellationToken cancellation);

    /// <summary>Checks made once, before any change, when every principal is known (Revoke resolves -ProcurementPrincipal).</summary>
    protected virtual void BeforeChanges(AuthorizationSnapshot directory, string account)
    {
    }

    /// <summary>Why a plan must not be applied (the lockout guard); any refusal stops the command before any write.</summary>
    protected virtual IEnumerable<ErrorRecord> Refusals(AccessPlan plan) => [];

    /// <summary>
    /// Why a finding piped in is not fixed by this command on its principal (a sentence), or null. By default every
    /// finding's principal is accepted.
    /// </summary>
    protected virtual string? RefuseFinding(PSObject item) => null;

    /// <summary>What else a user should know about a plan before it is applied (read from the account's principals).</summary>
    protected virtual IEnumerable<string> Warnings(AccessPlan plan) => [];

    /// <summary>The ARNs of the module's policies in the caller's account, and what each one is.</summary>
    protected ModulePolicyArns Arns => new(connection!.Endpoint.Partition, accountId!);

    /// <summary>
    /// Who is authorized today (named by <paramref name="namedBy"/>, or holding a grant <paramref name="isGrant"/>
    /// recognises) and would be reached by the plan's denying policy <paramref name="denyArn"/>: see <see cref="LockoutGuard.ReachedByDeny"/>.
    /// </summary>
    protected IReadOnlyList<string> ReachedByDeny(AccessPlan plan, string denyArn, IReadOnlyCollection<PrincipalEntry> authorized, Func<string, bool> isGrant, string namedBy) =>
        LockoutGuard.ReachedByDeny(Directory!, plan, denyArn, authorized, isGrant, namedBy);

    /// <summary>Writes every error but the first, then stops with the first: nothing was changed.</summary>
    protected void Stop(IReadOnlyList<ErrorRecord> errors)
    {
        foreach (var error in errors.Skip(1))
        {
            WriteError(error);
        }

        var first = errors[0];
        first.ErrorDetails = new ErrorDetails(first.Exception.Message + " Nothing was changed.");
        ThrowTerminatingError(first);
    }

    private List<PrincipalRef> ResolveTargets(AuthorizationSnapshot directory, string account)
    {
        var problems = new List<ErrorRecord>();
        var targets = new List<PrincipalRef>();
        foreach (var request in requested)
        {
            PrincipalSelector selector;
            try
            {
                selector = request.Selector();
            }
            catch (PrincipalSelectorException e)
            {
                problems.Add(ModuleErrors.Create($"-{request.Parameter}: {ModuleErrors.Quote(e.Value)} {e.Problem}.", ErrorIds.PrincipalInvalid, ErrorCategory.InvalidArgument, request.Value));
                continue;
            }

            var resolution = PrincipalResolver.Resolve(directory.Directory, [selector.Text], account);
            if (resolution.Invalid.Count > 0)
            {
                problems.Add(PrincipalErrors.Invalid(request.Parameter, resolution.Invalid));
                continue;
            }

            if (resolution.Unmatched.Count > 0)
            {
                var kinds = request.Kind is { } kind ? PrincipalRef.KindName(kind) : "user, group or role";
                problems.Add(PrincipalErrors.NotFound(request.Parameter, [resolution.Unmatched[0] with { Value = request.Value }], kinds, $"account {account}"));
                continue;
            }

            if (resolution.Ambiguous.Count > 0)
            {
                problems.Add(PrincipalErrors.Ambiguous(request.Parameter, resolution.Ambiguous[0] with { Value = request.Value }));
                continue;
            }

            // IAM refuses to attach policies to service-linked roles (UnmodifiableEntity), and they act for AWS services:
            // one named alone is an error, one a wildcard also matches is skipped with a warning.
            var serviceLinked = resolution.Matches.Where(IsServiceLinked).ToList();
            if (serviceLinked.Count > 0 && serviceLinked.Count == resolution.Matches.Count)
            {
                problems.Add(ModuleErrors.Create(
                    $"-{request.Parameter}: {ModuleErrors.Quote(request.Value)} names only service-linked roles ({string.Join(", ", serviceLinked.Select(m => m.Ref.DisplayName))}): IAM lets no policy be attached to them, and they act for AWS services, so MarketplaceGuard leaves them alone.",
                    ErrorIds.ServiceLinkedRole,
                    ErrorCategory.InvalidArgument,
                    request.Value));
                continue;
            }

            foreach (var skipped in serviceLinked)
            {
                WriteWarning($"-{request.Parameter}: {ModuleErrors.Quote(request.Value)} also matches {skipped.Ref.DisplayName}, a service-linked role: skipped (IAM lets no policy be attached to it).");
            }

            targets.AddRange(resolution.Matches.Where(m => !IsServiceLinked(m)).Select(m => m.Ref).Where(r => !targets.Contains(r)));
        }

        if (problems.Count > 0)
        {
            Stop(problems);
        }

        return targets;
    }

    private static bool IsServiceLinked(PrincipalEntry entry) =>
        entry.Kind == PrincipalKind.Role && entry.Path.StartsWith("/aws-service-role/", StringComparison.Ordinal);

    private void Apply(AccessPlan plan)
    {
        var principal = plan.Principal;
        foreach (var warning in plan.Warnings.Concat(Warnings(plan)))
        {
            WriteWarning(warning);
        }

        var (approved, whatIf) = ConfirmChanges(plan.Changes, c => c.Description, AccessPlanner.DependsOn, principal.ToString()!);

        var made = new List<string>();
        if (approved.Count > 0)
        {
            WithManager((manager, cancellation) => manager.ApplyAsync(approved, made, cancellation, principal), principal, out _);
        }

        if (PassThru)
        {
            WriteObject(new AccessChangeResult(OperationName, principal, plan.Changes.Select(c => c.Description).ToList(), made, whatIf));
        }
    }

    /// <summary>Runs AWS work with a manager for the caller's account; IAM errors are non-terminating.</summary>
    private T? WithManager<T>(Func<AccessManager, CancellationToken, Task<T>> work, object target, out bool succeeded) =>
        RunAws(connection!, (client, cancellation) => work(new AccessManager(new MarketplaceGuard.Aws.Iam.IamOperations(client), connection!.Endpoint.Partition, accountId!), cancellation), target, terminating: false, out succeeded);

    /// <summary>A principal value as given, with the kind its parameter implies (none from the pipeline).</summary>
    private sealed record RequestedPrincipal(string Value, PrincipalKind? Kind, string Parameter)
    {
        public PrincipalSelector Selector()
        {
            var selector = PrincipalSelector.Parse(Value);
            if (Kind is not { } kind)
            {
                return selector;
            }

            if (selector.Kind is { } named && named != kind)
            {
                throw new PrincipalSelectorException(Value, $"names a {PrincipalRef.KindName(named)}; give it to -{char.ToUpperInvariant(PrincipalRef.KindName(named)[0])}{PrincipalRef.KindName(named)[1..]}Name");
            }

            return selector.Kind is null ? PrincipalSelector.Parse($"{PrincipalRef.KindName(kind)}/{selector.Text}") : selector;
        }
    }
}
