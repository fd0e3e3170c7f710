using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Changes;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Cmdlets.Aws;
using MarketplaceGuard.Engine.Changes;
using MarketplaceGuard.Cmdlets.Errors;

namespace MarketplaceGuard.Cmdlets.Changes;

/// <summary>
/// What Grant-MarketplaceProcurement, Revoke-MarketplaceAccess and Remove-MarketplaceAccess share: principals by
/// -GroupName, -UserName or -RoleName (also from the pipeline by property name, and AWS.Tools' Get-IAMGroup reply,
/// whose name is at .Group.GroupName), one plan per principal shown or confirmed change by change (ShouldProcess),
/// then applied; a failing principal is a non-terminating error and the others proceed.
/// </summary>
public abstract class AccessChangeCommand : AwsCommand
{
    protected const string GroupSet = "Group";
    protected const string UserSet = "User";
    protected const string RoleSet = "Role";
    protected const string InputObjectSet = "InputObject";

    private AwsConnection? connection;
    private string? accountId;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = GroupSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] GroupName { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = UserSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] UserName { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = RoleSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] RoleName { get; set; } = [];

    /// <summary>Objects from AWS.Tools (Get-IAMGroup, Get-IAMUser, Get-IAMRole) or anything with a GroupName, UserName or RoleName.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    public object[] InputObject { get; set; } = [];

    /// <summary>Emit one result per principal with the changes made.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The operation's name in results ("Grant Buyer", "Revoke", "Remove").</summary>
    protected abstract string OperationName { get; }

    protected override void ProcessRecord()
    {
        foreach (var principal in Principals())
        {
            Change(principal);
        }
    }

    /// <summary>Plans the change for one principal, on a worker thread.</summary>
    protected abstract Task<AccessPlan> PlanAsync(AccessManager manager, PrincipalRef principal, System.Threading.CancellationToken cancellation);

    /// <summary>A chance to refuse before anything is written (the lockout guard); false skips the principal.</summary>
    protected virtual bool MayChange(AccessPlan plan, AwsConnection connection) => true;

    /// <summary>Runs AWS work with a manager for the caller's account; IAM errors are non-terminating.</summary>
    protected T? WithManager<T>(AwsConnection connection, Func<AccessManager, System.Threading.CancellationToken, Task<T>> work, object target, out bool succeeded)
    {
        return RunAws(connection, async (client, cancellation) =>
        {
            if (accountId is null)
            {
                accountId = (await client.GetCallerIdentityAsync(cancellation).ConfigureAwait(false)).Account;
            }

            return await work(new AccessManager(new IamOperations(client), connection.Endpoint.Partition, accountId), cancellation).ConfigureAwait(false);
        }, target, terminating: false, out succeeded);
    }

    private void Change(PrincipalRef principal)
    {
        connection ??= Connect();
        var plan = WithManager(connection, (manager, cancellation) => PlanAsync(manager, principal, cancellation), principal, out var planned);
        if (!planned || plan is null || !MayChange(plan, connection))
        {
            return;
        }

        foreach (var warning in plan.Warnings)
        {
            WriteWarning(warning);
        }

        var approved = plan.Changes.Where(c => ShouldProcess(principal.ToString(), c.Description)).ToList();
        IReadOnlyList<string> made = [];
        if (approved.Count > 0)
        {
            made = WithManager(connection, (manager, cancellation) => manager.ApplyAsync(approved, cancellation), principal, out _) ?? [];
        }

        if (PassThru)
        {
            WriteObject(new AccessChangeResult(OperationName, principal, made));
        }
    }

    private IEnumerable<PrincipalRef> Principals()
    {
        switch (ParameterSetName)
        {
            case GroupSet:
                return GroupName.Select(n => new PrincipalRef(PrincipalKind.Group, n));
            case UserSet:
                return UserName.Select(n => new PrincipalRef(PrincipalKind.User, n));
            case RoleSet:
                return RoleName.Select(n => new PrincipalRef(PrincipalKind.Role, n));
        }

        var found = new List<PrincipalRef>();
        foreach (var item in InputObject)
        {
            var value = PSObject.AsPSObject(item);
            string? Read(PSObject o, string name) => o.Properties[name]?.Value?.ToString();
            var group = Read(value, "GroupName") ?? (value.Properties["Group"]?.Value is { } g ? Read(PSObject.AsPSObject(g), "GroupName") : null);
            if (group is not null)
            {
                found.Add(new PrincipalRef(PrincipalKind.Group, group));
            }
            else if (Read(value, "UserName") is { } user)
            {
                found.Add(new PrincipalRef(PrincipalKind.User, user));
            }
            else if (Read(value, "RoleName") is { } role)
            {
                found.Add(new PrincipalRef(PrincipalKind.Role, role));
            }
            else
            {
                WriteError(new ErrorRecord(
                    new PSArgumentException("-InputObject needs a GroupName, UserName or RoleName property (or Get-IAMGroup's Group.GroupName)."),
                    ErrorIds.PrincipalMissing,
                    ErrorCategory.InvalidArgument,
                    item));
            }
        }

        return found;
    }
}
