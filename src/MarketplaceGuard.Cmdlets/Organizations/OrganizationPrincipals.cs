using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Principals;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Principals;

namespace MarketplaceGuard.Cmdlets.Organizations;

/// <summary>
/// Principal selectors (-ProcurementPrincipal, -ViewerPrincipal, -LauncherPrincipal, -GovernancePrincipal) across the accounts of an
/// organization run. A name, type/name or wildcard applies in every account; an ARN applies in its own account only
/// (an ARN with a wildcard account applies wherever it matches). A value that names nobody in one account is normal (not
/// every account has a procurement team: there, nobody is authorized, which is the strict reading); a value that names
/// nobody in any audited account is a typo until proven otherwise, and is reported as PrincipalNotFound at the end.
/// </summary>
internal sealed class OrganizationPrincipals
{
    private readonly Dictionary<string, IReadOnlyList<(string Value, PrincipalSelector Selector)>> selectors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Parameter, string Value), bool> matched = new();
    private readonly PSCmdlet cmdlet;

    public OrganizationPrincipals(PSCmdlet cmdlet, params (string Parameter, string[]? Values)[] parameters)
    {
        this.cmdlet = cmdlet;
        foreach (var (parameter, values) in parameters)
        {
            var parsed = new List<(string, PrincipalSelector)>();
            var invalid = new List<PrincipalSelectorException>();
            foreach (var value in values ?? [])
            {
                try
                {
                    parsed.Add((value, PrincipalSelector.Parse(value)));
                    matched.TryAdd((parameter, value), false);
                }
                catch (PrincipalSelectorException e)
                {
                    invalid.Add(e);
                }
            }

            if (invalid.Count > 0)
            {
                cmdlet.ThrowTerminatingError(PrincipalErrors.Invalid(parameter, invalid));
            }

            selectors[parameter] = parsed;
        }
    }

    /// <summary>
    /// The account's principals one parameter names. A value that is ambiguous in the account (a user and a role of that
    /// name) fails the account: auditing it with the wrong principal authorized would be a wrong verdict.
    /// </summary>
    public IReadOnlyList<AccountPrincipal> Resolve(PreparedAccount work, string parameter, PipelinePump pump)
    {
        var account = work.Account;
        var accountId = account.Snapshot.AccountId ?? work.Target.AccountId;
        var values = selectors[parameter]
            .Where(s => s.Selector.AccountId is not { } arnAccount || s.Selector.HasWildcards || arnAccount == accountId)
            .ToList();
        if (values.Count == 0)
        {
            return [];
        }

        var principals = account.Resolve(values.Select(v => v.Value), out var resolution);
        if (resolution.Ambiguous.Count > 0 || resolution.Invalid.Count > 0)
        {
            var error = PrincipalErrors.Of(resolution, parameter, $"account {work.Target.Label}")!;
            throw new AccountFailedException(error.Exception.Message);
        }

        var unmatched = resolution.Unmatched.Select(u => u.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var (value, _) in values)
        {
            if (!unmatched.Contains(value))
            {
                matched[(parameter, value)] = true;
            }
        }

        if (unmatched.Count > 0)
        {
            pump.Post(() => cmdlet.WriteVerbose($"Account {work.Target.Label}: -{parameter} {string.Join(", ", unmatched.Select(ModuleErrors.Quote))} names nobody there, so nobody there is authorized by it."));
        }

        return principals;
    }

    /// <summary>
    /// Writes a PrincipalNotFound error for each value that named nobody in any of the audited accounts; true when
    /// there was one (the organization then cannot pass).
    /// </summary>
    public bool ReportUnmatched(int auditedAccounts)
    {
        if (auditedAccounts == 0)
        {
            return false;
        }

        var any = false;
        foreach (var group in matched.Where(m => !m.Value).GroupBy(m => m.Key.Parameter))
        {
            any = true;
            cmdlet.WriteError(PrincipalErrors.NotFound(
                group.Key,
                group.Select(m => new UnmatchedPrincipal(m.Key.Value, [])).ToList(),
                "user, group or role",
                $"any of the {auditedAccounts} audited account(s)"));
        }

        return any;
    }
}
