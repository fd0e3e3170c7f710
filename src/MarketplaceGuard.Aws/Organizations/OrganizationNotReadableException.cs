using System;

namespace MarketplaceGuard.Aws.Organizations;

/// <summary>Why an organization cannot be read at all with the caller's credentials.</summary>
public enum OrganizationNotReadableReason
{
    /// <summary>AccessDeniedException: a member account that is not a delegated administrator, or a principal without the organizations:Describe*/List* permissions.</summary>
    AccessDenied,

    /// <summary>AWSOrganizationsNotInUseException: the account is not in an organization.</summary>
    NotInOrganization,
}

/// <summary>
/// The organization (its tree and SCPs) cannot be read with these credentials. Distinct from other Organizations
/// errors because callers handle it differently: an audit of one account carries on without SCPs (and says so),
/// an audit of every account cannot start. The message names what is needed.
/// </summary>
public sealed class OrganizationNotReadableException : Exception
{
    public OrganizationNotReadableException(OrganizationsException error)
        : base(Describe(error), error)
    {
        Reason = error.Code == "AWSOrganizationsNotInUseException" ? OrganizationNotReadableReason.NotInOrganization : OrganizationNotReadableReason.AccessDenied;
        Error = error;
    }

    public OrganizationNotReadableReason Reason { get; }

    /// <summary>Organizations' error, with the operation that was refused.</summary>
    public OrganizationsException Error { get; }

    /// <summary>True for the two error codes that mean the organization cannot be read with these credentials.</summary>
    public static bool Means(OrganizationsException error) => error.Code is "AccessDeniedException" or "AWSOrganizationsNotInUseException";

    private static string Describe(OrganizationsException error) => error.Code == "AWSOrganizationsNotInUseException"
        ? $"The account is not in an organization, so there are no other accounts and no SCPs to read ({error.Operation}: {error.AwsMessage})."
        : $"The organization cannot be read with these credentials: {error.Operation} was denied ({error.AwsMessage}); reading its accounts and SCPs needs the management account or a delegated administrator for AWS Organizations, with organizations:Describe* and organizations:List* allowed.";
}
