using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;

namespace MarketplaceGuard.Tests.Reports;

/// <summary>
/// A small account audited once, with a known set of findings:
/// alice (procurement) is clean; bob can always procure through the managed policy "Dev&lt;script&gt;&amp;Ops" (MG1001
/// High) and cancel with MFA (MG1002 Medium); carol (viewer) is only implicitly denied (MG1005 Low, suppressed); dave
/// (viewer) can procure and cancel (two MG1004 High); the role deployer is explicitly denied everything.
/// </summary>
internal static class ReportFixture
{
    public static readonly DateTimeOffset GeneratedAt = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public const string Snapshot = """
        {
          "UserDetailList": [
            { "UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice", "Path": "/",
              "GroupList": ["Procurement"], "UserPolicyList": [], "AttachedManagedPolicies": [] },
            { "UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob", "Path": "/",
              "GroupList": [], "AttachedManagedPolicies": [
                { "PolicyName": "Dev<script>&Ops", "PolicyArn": "arn:aws:iam::111122223333:policy/DevOps" } ],
              "UserPolicyList": [
                { "PolicyName": "CancelWithMfa", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
                  { "Effect": "Allow", "Action": "aws-marketplace:Unsubscribe", "Resource": "*",
                    "Condition": { "Bool": { "aws:MultiFactorAuthPresent": "true" } } } ] } } ],
              "Tags": [ { "Key": "team", "Value": "R&D <devs>" } ] },
            { "UserName": "carol", "Arn": "arn:aws:iam::111122223333:user/carol", "Path": "/",
              "GroupList": ["Billing"], "UserPolicyList": [], "AttachedManagedPolicies": [] },
            { "UserName": "dave", "Arn": "arn:aws:iam::111122223333:user/dave", "Path": "/",
              "GroupList": ["Billing"], "AttachedManagedPolicies": [],
              "UserPolicyList": [
                { "PolicyName": "TooMuch", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
                  { "Sid": "SubscribeAndCancel", "Effect": "Allow", "Action": ["aws-marketplace:Subscribe", "aws-marketplace:Unsubscribe"], "Resource": "*" } ] } } ] }
          ],
          "GroupDetailList": [
            { "GroupName": "Procurement", "Arn": "arn:aws:iam::111122223333:group/Procurement", "Path": "/",
              "AttachedManagedPolicies": [],
              "GroupPolicyList": [
                { "PolicyName": "MarketplaceProcurement", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
                  { "Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*" } ] } } ] },
            { "GroupName": "Billing", "Arn": "arn:aws:iam::111122223333:group/Billing", "Path": "/",
              "AttachedManagedPolicies": [],
              "GroupPolicyList": [
                { "PolicyName": "ViewOnly", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
                  { "Effect": "Allow", "Action": "aws-marketplace:ViewSubscriptions", "Resource": "*" } ] } } ] }
          ],
          "RoleDetailList": [
            { "RoleName": "deployer", "Arn": "arn:aws:iam::111122223333:role/deployer", "Path": "/",
              "AttachedManagedPolicies": [],
              "RolePolicyList": [
                { "PolicyName": "DenyMarketplace", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
                  { "Sid": "DenyAll", "Effect": "Deny", "Action": "aws-marketplace:*", "Resource": "*" } ] } } ] }
          ],
          "Policies": [
            { "PolicyName": "Dev<script>&Ops", "Arn": "arn:aws:iam::111122223333:policy/DevOps", "Path": "/",
              "DefaultVersionId": "v1",
              "PolicyVersionList": [
                { "VersionId": "v1", "IsDefaultVersion": true, "Document": { "Version": "2012-10-17", "Statement": [
                  { "Effect": "Allow", "Action": "aws-marketplace:Subscribe", "Resource": "*" } ] } } ] }
          ]
        }
        """;

    public static readonly Suppression CarolSuppression =
        new("MG1005", "user/carol", "Billing reviews <quarterly> & signs off", new DateOnly(2027, 3, 31));

    /// <summary>A fresh audit each call, so determinism tests compare two independent runs.</summary>
    public static AuditRun Audit(string snapshot = Snapshot, string source = "sample.json")
    {
        var account = Account.Build(SnapshotLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(snapshot)), source));
        var procurement = account.Resolve(["Procurement"], out _);
        var viewers = account.Resolve(["Billing"], out _);
        IReadOnlyList<Suppression> suppressions = [CarolSuppression];
        return new LeastPrivilegeAudit().Run(account, procurement, viewers, suppressions, new DateOnly(2026, 11, 27));
    }
}
