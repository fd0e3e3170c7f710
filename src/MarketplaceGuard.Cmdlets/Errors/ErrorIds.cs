namespace MarketplaceGuard.Cmdlets.Errors;

/// <summary>
/// Every error id the module writes, in one place. Ids are a public contract: scripts match them with
/// <c>-ErrorId</c> / <c>FullyQualifiedErrorId</c> (PowerShell appends ",&lt;cmdlet class&gt;"), so an id never changes
/// meaning once shipped and is never built from a class name. Each id is documented in docs/about_MarketplaceGuard.md
/// (section ERRORS); a test checks that the two lists agree.
/// </summary>
public static class ErrorIds
{
    // Principals named by the user (-ProcurementPrincipal, -ViewerPrincipal, -Principal, -UserName/-GroupName/-RoleName).

    /// <summary>A principal name, ARN, type/name or wildcard matches no user, group or role.</summary>
    public const string PrincipalNotFound = "PrincipalNotFound";

    /// <summary>A principal value that cannot name a principal here (an ARN of another account or kind, a wildcard where one principal is needed).</summary>
    public const string PrincipalInvalid = "PrincipalInvalid";

    /// <summary>A pipeline object that names more than one kind of principal (both GroupName and UserName).</summary>
    public const string PrincipalAmbiguous = "PrincipalAmbiguous";

    public const string ServiceLinkedRole = "ServiceLinkedRole";

    public const string FindingNotFixedHere = "FindingNotFixedHere";

    /// <summary>A pipeline object with no property that names a principal.</summary>
    public const string PrincipalMissing = "PrincipalMissing";

    /// <summary>A -PolicyName that is not an IAM policy name, or is the name of another of the module's policies.</summary>
    public const string PolicyNameInvalid = "PolicyNameInvalid";

    /// <summary>The change would deny Marketplace access to someone who may procure today.</summary>
    public const string WouldLockOutProcurement = "WouldLockOutProcurement";

    /// <summary>The change would deny launching paid AMIs to someone who may launch them today (Rule 2).</summary>
    public const string WouldLockOutLauncher = "WouldLockOutLauncher";

    /// <summary>The change would deny administering distribution to someone who may administer it today (Rule 3).</summary>
    public const string WouldLockOutGovernance = "WouldLockOutGovernance";

    // Input files.

    /// <summary>A named input file does not exist.</summary>
    public const string FileNotFound = "FileNotFound";

    /// <summary>A snapshot file is not valid JSON or has entries of the wrong shape.</summary>
    public const string SnapshotInvalid = "SnapshotInvalid";

    /// <summary>A JSON document that holds none of the authorization-details lists.</summary>
    public const string NotAuthorizationSnapshot = "NotAuthorizationSnapshot";

    /// <summary>A snapshot that says it is truncated ("IsTruncated": true), without -AllowIncomplete.</summary>
    public const string SnapshotIncomplete = "SnapshotIncomplete";

    /// <summary>A snapshot file that could not be read (I/O).</summary>
    public const string SnapshotUnreadable = "SnapshotUnreadable";

    /// <summary>A service control policy file that is empty, not JSON or not a valid policy.</summary>
    public const string ServiceControlPolicyInvalid = "ServiceControlPolicyInvalid";

    /// <summary>A suppression file that is not valid.</summary>
    public const string SuppressionsInvalid = "SuppressionsInvalid";

    /// <summary>A suppression file that could not be read (I/O).</summary>
    public const string SuppressionsUnreadable = "SuppressionsUnreadable";

    /// <summary>Text that looks like one line of a file read with Get-Content without -Raw.</summary>
    public const string InputSplitIntoLines = "InputSplitIntoLines";

    // Policies and actions.

    /// <summary>No policy reached Test-MarketplacePolicy (empty pipeline, nothing bound, a template wildcard that matched nothing).</summary>
    public const string PolicyMissing = "PolicyMissing";

    /// <summary>A policy document that did not parse or validate.</summary>
    public const string PolicyInvalid = "PolicyInvalid";

    /// <summary>An action or action pattern that names nothing in the catalog, or has no service prefix.</summary>
    public const string ActionUnknown = "ActionUnknown";

    /// <summary>A request context value of the wrong shape.</summary>
    public const string ContextInvalid = "ContextInvalid";

    /// <summary>A principal ARN that is not an IAM user, role or assumed-role ARN.</summary>
    public const string PrincipalArnInvalid = "PrincipalArnInvalid";

    /// <summary>A policy template name or wildcard that matches no template.</summary>
    public const string TemplateNotFound = "TemplateNotFound";

    /// <summary>A -Tag of Invoke-MarketplaceAudit that is not a rule id (no test would run).</summary>
    public const string RuleIdUnknown = "RuleIdUnknown";

    /// <summary>A capability name that is not one of the audit's capabilities.</summary>
    public const string CapabilityUnknown = "CapabilityUnknown";

    // Organization guardrails (New-MarketplaceGuardrailPolicy).

    /// <summary>A guardrail exception that is not an IAM user, role or account-root ARN pattern (an STS session ARN, a group, another service).</summary>
    public const string GuardrailPrincipalInvalid = "GuardrailPrincipalInvalid";

    /// <summary>An -ApprovedProductId that is not an AWS Marketplace product id.</summary>
    public const string GuardrailProductIdInvalid = "GuardrailProductIdInvalid";

    /// <summary>Exceptions or product ids for a rule that -Rule does not build.</summary>
    public const string GuardrailRuleNotBuilt = "GuardrailRuleNotBuilt";

    /// <summary>A deny whose exception or product list cannot fit one SCP even alone, or more SCPs than a target can take.</summary>
    public const string GuardrailTooLarge = "GuardrailTooLarge";

    // Reports.

    /// <summary>A pipeline object that is not a finding (nor a deserialized finding with the same properties).</summary>
    public const string InputNotAFinding = "InputNotAFinding";

    /// <summary>No valid finding nor audit run reached the report writer: no report is written.</summary>
    public const string ReportHasNoAudit = "ReportHasNoAudit";

    /// <summary>The report format is neither given nor implied by the file extension.</summary>
    public const string ReportFormatUnknown = "ReportFormatUnknown";

    /// <summary>A report file that is not valid JSON, is truncated, or has a value missing or wrong (an unknown rule id, counts that disagree with its findings).</summary>
    public const string ReportInvalid = "ReportInvalid";

    /// <summary>A JSON file that is not a MarketplaceGuard JSON report (a SARIF report, a snapshot, anything else).</summary>
    public const string NotMarketplaceGuardReport = "NotMarketplaceGuardReport";

    /// <summary>A MarketplaceGuard JSON report of a format version this module does not read.</summary>
    public const string ReportVersionUnsupported = "ReportVersionUnsupported";

    /// <summary>A report file that could not be read (I/O).</summary>
    public const string ReportUnreadable = "ReportUnreadable";

    /// <summary>An output path that is a directory, in a missing folder, or not writable; checked before any work.</summary>
    public const string OutputPathInvalid = "OutputPathInvalid";

    /// <summary>Writing an output file failed (disk full, I/O); the previous file is left as it was.</summary>
    public const string OutputWriteFailed = "OutputWriteFailed";

    // Audit library.

    /// <summary>Invoke-MarketplaceAudit found no Pester 5: none imported, none installed, and the module's own copy is missing.</summary>
    public const string PesterNotFound = "PesterNotFound";

    // Parameters.

    /// <summary>Two parameters that ask for different outputs (-Quiet and -PassThru).</summary>
    public const string ParameterConflict = "ParameterConflict";

    // EC2 paid resources (Rule 2).

    /// <summary>A -Region that EC2 does not list for the account (with the closest region codes).</summary>
    public const string RegionUnknown = "RegionUnknown";

    /// <summary>A -Region that is an opt-in region the account has not enabled.</summary>
    public const string RegionDisabled = "RegionDisabled";

    /// <summary>No region to search: neither -Region, -AllRegions, $StoredAWSRegion nor AWS_REGION/AWS_DEFAULT_REGION.</summary>
    public const string RegionMissing = "RegionMissing";

    /// <summary>A pipeline object that is not a paid resource from Get-MarketplacePaidResource (nor a deserialized one).</summary>
    public const string InputNotAPaidResource = "InputNotAPaidResource";

    /// <summary>A resource left untagged because an earlier CreateTags call of its region failed (that call's error is Ec2&lt;Code&gt;).</summary>
    public const string GuardTagNotApplied = "GuardTagNotApplied";

    /// <summary>
    /// Prefix of the errors EC2 returned in a region, followed by EC2's own error code: "Ec2UnauthorizedOperation",
    /// "Ec2OptInRequired", "Ec2RequestLimitExceeded" (still throttled after every retry). The target is the region.
    /// </summary>
    public const string Ec2Prefix = "Ec2";

    // Marketplace agreements (Get-MarketplaceAgreement).

    /// <summary>A -ProductId that is not an AWS Marketplace product id, or an -ExpiresWithin that is not a positive span; nothing is searched.</summary>
    public const string AgreementFilterInvalid = "AgreementFilterInvalid";

    /// <summary>The connection's partition has no Marketplace Agreement API (it exists only in us-east-1 of the aws partition); nothing is searched.</summary>
    public const string AgreementApiUnavailable = "AgreementApiUnavailable";

    /// <summary>SearchAgreements failed for an account after every retry (AccessDeniedException, ThrottlingException, a reply that cannot be read ...); the other accounts go on.</summary>
    public const string AgreementSearchFailed = "AgreementSearchFailed";

    // AWS.

    /// <summary>No credentials or region could be resolved.</summary>
    public const string CredentialsUnresolved = "CredentialsUnresolved";

    /// <summary>
    /// Prefix of the errors AWS returned, followed by AWS's own error code: "IamAccessDenied", "IamNoSuchEntity",
    /// "IamThrottling" (still throttled after every retry). The codes are AWS's, so they are stable too.
    /// </summary>
    public const string IamPrefix = "Iam";

    /// <summary>-AccountId: a value that is not a 12-digit account id.</summary>
    public const string AccountIdInvalid = "AccountIdInvalid";

    /// <summary>An account named with -AccountId is not in the organization.</summary>
    public const string AccountNotInOrganization = "AccountNotInOrganization";

    /// <summary>An account named with -AccountId is not active (suspended, closing, closed).</summary>
    public const string AccountNotActive = "AccountNotActive";

    /// <summary>An account of an organization run could not be worked on (AssumeRole refused, snapshot missing or unreadable, an SCP on its path invalid ...); the others go on.</summary>
    public const string AccountNotAudited = "AccountNotAudited";

    /// <summary>The organization cannot be read (not the management account nor a delegated administrator, or no organization) where it is needed (-AllAccounts).</summary>
    public const string OrganizationUnreadable = "OrganizationUnreadable";

    /// <summary>An organization snapshot folder that cannot be read (missing organization.json, invalid JSON, an unknown member, a broken tree).</summary>
    public const string OrganizationSnapshotInvalid = "OrganizationSnapshotInvalid";

    /// <summary>A parameter value AWS would refuse (a role name, session name or external id of the wrong form).</summary>
    public const string ParameterInvalid = "ParameterInvalid";

    // Organization guardrails (Set-MarketplaceGuardrail, Remove-MarketplaceGuardrail).

    /// <summary>
    /// Prefix of the errors AWS Organizations returned, followed by its own error code:
    /// "OrganizationsAccessDeniedException", "OrganizationsConcurrentModificationException".
    /// </summary>
    public const string OrganizationsPrefix = "Organizations";

    /// <summary>Set-MarketplaceGuardrail received no guardrail policy (an empty pipeline).</summary>
    public const string GuardrailInputMissing = "GuardrailInputMissing";

    /// <summary>A pipeline object that is not a guardrail policy from New-MarketplaceGuardrailPolicy, or two of the same name.</summary>
    public const string InputNotAGuardrail = "InputNotAGuardrail";

    /// <summary>-TargetId: a value that is not a root (r-…), OU (ou-…-…) or 12-digit account id.</summary>
    public const string GuardrailTargetInvalid = "GuardrailTargetInvalid";

    /// <summary>-TargetId: a well-formed id the organization has no root, OU or account for.</summary>
    public const string GuardrailTargetNotFound = "GuardrailTargetNotFound";

    /// <summary>Service control policies are not enabled in the organization (root policy type, all features).</summary>
    public const string GuardrailPolicyTypeNotEnabled = "GuardrailPolicyTypeNotEnabled";

    /// <summary>The change would leave more than five SCPs attached directly to the target.</summary>
    public const string GuardrailTooManyPolicies = "GuardrailTooManyPolicies";

    /// <summary>The change would leave the target without any SCP attached directly.</summary>
    public const string GuardrailNoPolicyLeft = "GuardrailNoPolicyLeft";

    /// <summary>After the change an excepted principal (procurement, launcher, governance) would lose its capability.</summary>
    public const string GuardrailWouldLockOut = "GuardrailWouldLockOut";

    /// <summary>A Rule 1 guardrail excepts no procurement principal (without -Force).</summary>
    public const string GuardrailWithoutProcurement = "GuardrailWithoutProcurement";

    /// <summary>A guardrail would be attached to the organization's root (without -Force).</summary>
    public const string GuardrailRootNeedsForce = "GuardrailRootNeedsForce";

    /// <summary>An SCP on the target's path cannot be read as a policy, so the lockout check cannot be made.</summary>
    public const string GuardrailUnverifiable = "GuardrailUnverifiable";

    /// <summary>An Organizations write failed part way; the message says what was changed and what was undone.</summary>
    public const string GuardrailApplyFailed = "GuardrailApplyFailed";

    // Procurement inventory (Get-MarketplaceProcurementReport).

    /// <summary>No agreement nor paid resource reached the procurement inventory (an empty pipeline, nothing bound): no report is made.</summary>
    public const string ProcurementInputMissing = "ProcurementInputMissing";

    /// <summary>A pipeline object that is neither an agreement from Get-MarketplaceAgreement nor a paid resource from Get-MarketplacePaidResource (nor a deserialized one).</summary>
    public const string InputNotProcurementData = "InputNotProcurementData";

    /// <summary>A product-code map file that is not valid JSON, has an unknown member, or a product code or product id of the wrong shape.</summary>
    public const string ProductCodeMapInvalid = "ProductCodeMapInvalid";

    /// <summary>An -ExpiresWithin shorter than a day (a bare number binds as ticks) or longer than ten years.</summary>
    public const string ExpiresWithinInvalid = "ExpiresWithinInvalid";
}
