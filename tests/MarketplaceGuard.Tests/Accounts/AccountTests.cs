using System;
using System.IO;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Tests.Accounts;

public sealed class AccountTests
{
    private const string Snapshot = """
        {
          "UserDetailList": [
            {"UserName": "good", "Arn": "arn:aws:iam::111122223333:user/good", "GroupList": ["Admins"]},
            {"UserName": "broken", "Arn": "arn:aws:iam::111122223333:user/broken", "GroupList": ["Admins"],
             "UserPolicyList": [{"PolicyName": "typo", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Permit", "Action": "s3:*", "Resource": "*"}}}]},
            {"UserName": "denied", "Arn": "arn:aws:iam::111122223333:user/denied", "GroupList": ["Admins", "Ghosts"],
             "UserPolicyList": [{"PolicyName": "deny", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "aws-marketplace:*", "Resource": "*"}}}]}
          ],
          "GroupDetailList": [
            {"GroupName": "Admins", "Arn": "arn:aws:iam::111122223333:group/Admins", "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}
          ],
          "RoleDetailList": [
            {"RoleName": "bounded", "Arn": "arn:aws:iam::111122223333:role/bounded",
             "AttachedManagedPolicies": [{"PolicyName": "Custom", "PolicyArn": "arn:aws:iam::111122223333:policy/Custom"}],
             "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/Missing"}}
          ],
          "Policies": [
            {"PolicyName": "Custom", "Arn": "arn:aws:iam::111122223333:policy/Custom", "PolicyVersionList": [{"Document": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}, "VersionId": "v1", "IsDefaultVersion": true}]}
          ]
        }
        """;

    private static Account Build(string json = Snapshot, params (string, string)[] scps) =>
        Account.Build(SnapshotLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "account.json"), scps);

    [Fact]
    public void AnInvalidDocumentMakesOnlyItsPrincipalUnjudged()
    {
        var account = Build();

        Assert.True(account.Principals.Single(p => p.Name == "good").CanBeJudged);
        var broken = account.Principals.Single(p => p.Name == "broken");
        Assert.Equal(
            "inline policy typo is not a valid policy: $.Statement.Effect: 'Permit' is not a valid effect: use 'Allow' or 'Deny'",
            Assert.Single(broken.Problems));

        var access = new AccessAnalyzer().Analyze(broken, Capabilities.Procure);
        Assert.Equal(AuditDecision.Unknown, access.Decision);
        Assert.StartsWith("cannot be judged: inline policy typo", access.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACertainExplicitDenyStandsEvenWhenAnotherPolicyIsUnknown()
    {
        var denied = Build().Principals.Single(p => p.Name == "denied");

        Assert.Equal(["group Ghosts is not in the snapshot, so its policies are unknown"], denied.Problems);
        Assert.Equal(AuditDecision.ExplicitDeny, new AccessAnalyzer().Analyze(denied, Capabilities.Procure).Decision);
    }

    [Fact]
    public void AMissingPermissionsBoundaryIsAProblemNotAnAbsence()
    {
        var bounded = Build().Principals.Single(p => p.Name == "bounded");

        Assert.Equal(
            ["permissions boundary: managed policy arn:aws:iam::111122223333:policy/Missing is not in the snapshot (export it with its policies), so what it grants is unknown"],
            bounded.Problems);
        Assert.Equal(AuditDecision.Unknown, new AccessAnalyzer().Analyze(bounded, Capabilities.Procure).Decision);
    }

    [Fact]
    public void ServiceControlPoliciesApplyToEveryoneButServiceLinkedRoles()
    {
        const string scp = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"aws-marketplace:Subscribe","Resource":"*"}]}""";
        var json = Snapshot.Replace("\"RoleDetailList\": [", """
            "RoleDetailList": [
              {"RoleName": "AWSServiceRoleForX", "Path": "/aws-service-role/x.amazonaws.com/", "Arn": "arn:aws:iam::111122223333:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX",
               "AttachedManagedPolicies": [{"PolicyName": "Custom", "PolicyArn": "arn:aws:iam::111122223333:policy/Custom"}]},
            """, StringComparison.Ordinal);

        var account = Build(json, ("guardrail", scp));

        var good = new AccessAnalyzer().Analyze(account.Principals.Single(p => p.Name == "good"), Capabilities.Procure);
        Assert.Equal(AuditDecision.ExplicitDeny, good.Decision);
        Assert.Equal(PolicyLayer.ServiceControlPolicy, good.Evidence.Single().Layer);
        var linked = account.Principals.Single(p => p.Name == "AWSServiceRoleForX");
        Assert.True(linked.IsServiceLinkedRole);
        Assert.Equal(AuditDecision.Allowed, new AccessAnalyzer().Analyze(linked, Capabilities.Procure).Decision);
    }

    [Fact]
    public void EachDistinctDocumentIsCompiledOnce()
    {
        var account = Build();

        // typo, deny, AdministratorAccess (shipped), Custom: the Admins group's policy is shared by three users.
        Assert.Equal(4, account.DistinctDocuments);
    }
}
