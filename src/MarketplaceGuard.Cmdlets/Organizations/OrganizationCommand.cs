using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Cmdlets.Aws;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Cmdlets.Organizations;

/// <summary>
/// Base of the cmdlets that fan out over the accounts of an organization: -AccountId, -AllAccounts, the role to assume
/// in each account (-RoleName, -ExternalId, -RoleSessionName) and -ThrottleLimit; choosing the accounts (active ones,
/// in the organization when it can be read) and reporting the ones that cannot be worked on as non-terminating errors
/// that name them, so that the others go on. Derived cmdlets narrow the parameters to their parameter sets.
/// </summary>
public abstract class OrganizationCommand : AwsCommand
{
    /// <summary>The largest -ThrottleLimit: more parallel accounts only meet Organizations' and STS's throttling.</summary>
    protected const int MaximumThrottleLimit = 64;

    /// <summary>The role assumed in each account when -RoleName is not given: the one Organizations creates in the accounts it creates.</summary>
    public const string DefaultRoleName = "OrganizationAccountAccessRole";

    /// <summary>Accounts to work on (12-digit ids); with an organization that can be read, each must be an active account of it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public virtual string[]? AccountId { get; set; }

    /// <summary>Every active account of the organization (needs the management account or a delegated administrator).</summary>
    [Parameter]
    public virtual SwitchParameter AllAccounts { get; set; }

    /// <summary>The role assumed in each account (a name or path/name); OrganizationAccountAccessRole when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public virtual string? RoleName { get; set; }

    /// <summary>The external id the role's trust policy asks for.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public virtual string? ExternalId { get; set; }

    /// <summary>The session name of the assumed roles (in the accounts' CloudTrail); MarketplaceGuard when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public virtual string? RoleSessionName { get; set; }

    /// <summary>How many accounts are worked on at once (1 to 64); 8 when omitted.</summary>
    [Parameter]
    [ValidateRange(1, MaximumThrottleLimit)]
    public virtual int ThrottleLimit { get; set; } = 8;

    /// <summary>True when the command works on several accounts (-AccountId or -AllAccounts).</summary>
    protected virtual bool IsOrganizationRun => AccountId is not null || AllAccounts;

    /// <summary>
    /// Refuses combinations that would silently do something else than asked: -AccountId with -AllAccounts, and the
    /// role parameters without an organization run (they would be ignored).
    /// </summary>
    protected void CheckOrganizationParameters()
    {
        if (AccountId is not null && AllAccounts)
        {
            ThrowTerminatingError(ModuleErrors.Create("-AccountId names the accounts and -AllAccounts takes every account: give one of them.", ErrorIds.ParameterConflict, ErrorCategory.InvalidArgument, "-AllAccounts"));
        }

        if (!IsOrganizationRun)
        {
            var given = new[] { (nameof(RoleName), RoleName is not null), (nameof(ExternalId), ExternalId is not null), (nameof(RoleSessionName), RoleSessionName is not null), (nameof(ThrottleLimit), MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit))) }
                .Where(p => p.Item2).Select(p => "-" + p.Item1).ToList();
            if (given.Count > 0)
            {
                ThrowTerminatingError(ModuleErrors.Create(
                    $"{string.Join(", ", given)} {(given.Count == 1 ? "is" : "are")} used only with -AccountId or -AllAccounts (the accounts to fan out to); without them the command works on the caller's own account and would ignore {(given.Count == 1 ? "it" : "them")}.",
                    ErrorIds.ParameterConflict,
                    ErrorCategory.InvalidArgument,
                    given[0]));
            }
        }

        foreach (var id in AccountId ?? [])
        {
            if (id.Length != 12 || !id.All(char.IsAsciiDigit))
            {
                ThrowTerminatingError(ModuleErrors.Create(
                    $"-AccountId: {ModuleErrors.Quote(id)} is not an AWS account id (12 digits, like 111122223333).",
                    ErrorIds.AccountIdInvalid,
                    ErrorCategory.InvalidArgument,
                    id));
            }
        }
    }

    /// <summary>
    /// The accounts to work on. With an organization: -AccountId's accounts (each must be in it and active, else a
    /// non-terminating error names it and it is recorded as not audited), or every active account. Without one (it
    /// could not be read): -AccountId's ids as given. Offline (<paramref name="snapshotFolder"/>), an account the
    /// snapshot holds no authorization snapshot for cannot be audited either.
    /// </summary>
    internal IReadOnlyList<AccountTarget> SelectAccounts(Organization? organization, OrganizationScope scope, string? snapshotFolder)
    {
        if (organization is null)
        {
            return (AccountId ?? []).Distinct(StringComparer.Ordinal).Select(id => new AccountTarget(id, null, null, null)).ToList();
        }

        var chosen = new List<AccountTarget>();
        var requested = AccountId?.Distinct(StringComparer.Ordinal).ToList();
        var candidates = requested is null
            ? organization.Accounts.Where(a => a.IsActive).OrderBy(a => a.Id, StringComparer.Ordinal).ToList()
            : requested.Select(id => organization.FindAccount(id) ?? NotInOrganization(id, organization, scope)).OfType<OrganizationAccount>().ToList();
        foreach (var account in candidates)
        {
            if (!account.IsActive)
            {
                NotAudited(scope, account.Id, account.Name, $"the account {account} is {OrganizationSnapshotFile.StateText(account.State)}, not ACTIVE", ErrorIds.AccountNotActive, ErrorCategory.InvalidOperation);
                continue;
            }

            string? file = null;
            if (snapshotFolder is not null)
            {
                if (account.AuthorizationDetails is null)
                {
                    NotAudited(scope, account.Id, account.Name, $"the organization snapshot holds no authorization snapshot of the account {account}{(account.NotExported is null ? string.Empty : ": " + account.NotExported)}", ErrorIds.AccountNotAudited, ErrorCategory.ObjectNotFound);
                    continue;
                }

                file = System.IO.Path.Combine(snapshotFolder, account.AuthorizationDetails.Replace('/', System.IO.Path.DirectorySeparatorChar));
            }

            chosen.Add(new AccountTarget(account.Id, account.Name, organization.PathOf(account.Id), file));
        }

        return chosen;
    }

    /// <summary>Records an account as not audited and writes the non-terminating error that names it.</summary>
    internal void NotAudited(OrganizationScope scope, string accountId, string? name, string reason, string errorId, ErrorCategory category, Exception? cause = null)
    {
        scope.AddUnaudited(new UnauditedAccount(accountId, name, reason));
        WriteError(ModuleErrors.Create($"Account {accountId} was not audited: {reason}.", errorId, category, accountId, cause));
    }

    /// <summary>Writes the closing summary: which accounts were not audited, and why.</summary>
    internal void WriteAccountSummary(OrganizationScope scope, int audited)
    {
        var unaudited = scope.Unaudited;
        if (unaudited.Count == 0)
        {
            WriteVerbose($"All {audited} account(s) were audited.");
            return;
        }

        WriteWarning($"{unaudited.Count} of {unaudited.Count + audited} account(s) were not audited: {string.Join("; ", unaudited.Select(a => $"{(a.AccountName is null ? a.AccountId : $"{a.AccountName} ({a.AccountId})")}: {a.Reason}"))}.");
    }

    private OrganizationAccount? NotInOrganization(string id, Organization organization, OrganizationScope scope)
    {
        NotAudited(scope, id, null, $"it is not an account of the organization {organization.Id}", ErrorIds.AccountNotInOrganization, ErrorCategory.ObjectNotFound);
        return null;
    }
}
