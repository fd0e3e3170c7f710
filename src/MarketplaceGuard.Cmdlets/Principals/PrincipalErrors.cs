using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Engine.Principals;

namespace MarketplaceGuard.Cmdlets.Principals;

/// <summary>The errors of principal values that named nothing or could not name a principal, worded the same by every cmdlet.</summary>
public static class PrincipalErrors
{
    /// <summary>An error for an incomplete resolution, or null when every value named something.</summary>
    public static ErrorRecord? Of(PrincipalResolution resolution, string parameter, string where)
    {
        if (resolution.Invalid.Count > 0)
        {
            return Invalid(parameter, resolution.Invalid);
        }

        if (resolution.Ambiguous.Count > 0)
        {
            return Ambiguous(parameter, resolution.Ambiguous[0]);
        }

        return resolution.Unmatched.Count > 0 ? NotFound(parameter, resolution.Unmatched, "user, group or role", where) : null;
    }

    /// <summary>PrincipalAmbiguous: a plain name that names principals of more than one kind.</summary>
    public static ErrorRecord Ambiguous(string parameter, AmbiguousPrincipal ambiguous) =>
        ModuleErrors.Create(
            $"-{parameter}: {ModuleErrors.Quote(ambiguous.Value)} names {string.Join(" and ", ambiguous.Candidates.Select(c => c.Ref.DisplayName))}; say which, e.g. {ambiguous.Candidates[0].Ref.DisplayName}.",
            ErrorIds.PrincipalAmbiguous,
            ErrorCategory.InvalidArgument,
            ambiguous.Value);

    /// <summary>PrincipalInvalid: values that cannot name a principal, each with why.</summary>
    public static ErrorRecord Invalid(string parameter, IReadOnlyList<PrincipalSelectorException> invalid) =>
        ModuleErrors.Create(
            $"-{parameter}: {string.Join("; ", invalid.Select(i => $"{ModuleErrors.Quote(i.Value)} {i.Problem}"))}.",
            ErrorIds.PrincipalInvalid,
            ErrorCategory.InvalidArgument,
            invalid[0].Value);

    /// <summary>PrincipalNotFound: values that name nothing, each with the closest names.</summary>
    public static ErrorRecord NotFound(string parameter, IReadOnlyList<UnmatchedPrincipal> unmatched, string kinds, string where)
    {
        var names = string.Join(", ", unmatched.Select(u => u.Suggestions.Count == 0
            ? ModuleErrors.Quote(u.Value)
            : $"{ModuleErrors.Quote(u.Value)} (did you mean {string.Join(" or ", u.Suggestions)}?)"));
        return ModuleErrors.Create(
            $"-{parameter}: {names} names no {kinds} in {where}. Give names, type/name (group/Billing, role/path/name) or ARNs; '*' and '?' are wildcards.",
            ErrorIds.PrincipalNotFound,
            ErrorCategory.ObjectNotFound,
            unmatched[0].Value);
    }
}
