using System;

namespace MarketplaceGuard.FakeIam.Organizations;

/// <summary>
/// An error as Organizations reports it in JSON 1.1: <c>{"__type": Code, "Message": ...}</c>, with <c>Reason</c> for
/// InvalidInputException and <c>Type</c> for TooManyRequestsException; HTTP 400, or 500 for ServiceException.
/// </summary>
internal sealed class OrganizationsException : JsonProtocolException
{
    /// <param name="reason">InvalidInputException's Reason (INPUT_REQUIRED, INVALID_PATTERN, INVALID_NEXT_TOKEN ...).</param>
    public OrganizationsException(string code, string message, int statusCode = 400, string? reason = null)
        : base(code, message, statusCode, reason)
    {
    }

    public static OrganizationsException NotInUse() =>
        new("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.");

    public static OrganizationsException AccessDenied() =>
        new("AccessDeniedException", "You don't have permissions to access this resource.");

    public static OrganizationsException InvalidInput(string reason, string message) =>
        new("InvalidInputException", message, reason: reason);

    public static OrganizationsException UnknownOperation(string target) =>
        new("UnknownOperationException", $"The operation {target} is not known to AWS Organizations.");

    public static OrganizationsException Serialization(string message) => new("SerializationException", message);

    public static OrganizationsException ParentNotFound() =>
        new("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.");

    public static OrganizationsException ChildNotFound() =>
        new("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.");

    public static OrganizationsException TargetNotFound() =>
        new("TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.");

    public static OrganizationsException PolicyNotFound() =>
        new("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.");

    public static OrganizationsException AccountNotFound() =>
        new("AccountNotFoundException", "We can't find an AWS account with the AccountId that you specified, or the account whose credentials you used to make this request isn't a member of an organization.");

    public static OrganizationsException OrganizationalUnitNotFound() =>
        new("OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId that you specified.");

    public static OrganizationsException DuplicatePolicy() =>
        new("DuplicatePolicyException", "A policy with the same name already exists.");

    public static OrganizationsException DuplicatePolicyAttachment() =>
        new("DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.");

    public static OrganizationsException PolicyNotAttached() =>
        new("PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root.");

    public static OrganizationsException PolicyInUse() =>
        new("PolicyInUseException", "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.");

    public static OrganizationsException PolicyTypeNotEnabled() =>
        new("PolicyTypeNotEnabledException", "The specified policy type isn't currently enabled in this root. You can't attach policies of the specified type to entities in a root until you enable that type in the root.");

    public static OrganizationsException PolicyTypeNotAvailable() =>
        new("PolicyTypeNotAvailableForOrganizationException", "You can't use a policy type in an organization that doesn't have all features enabled.");

    public static OrganizationsException MalformedPolicyDocument(string why) =>
        new("MalformedPolicyDocumentException", $"The provided policy document doesn't meet the requirements of the specified policy type: {why}");

    /// <summary>ConstraintViolationException: a quota (Reason POLICY_CONTENT_LIMIT_EXCEEDED, MAX_/MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED ...).</summary>
    public static OrganizationsException ConstraintViolation(string reason, string message) =>
        new("ConstraintViolationException", message, reason: reason);
}
