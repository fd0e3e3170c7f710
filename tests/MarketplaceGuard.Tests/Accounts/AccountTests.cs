using System;
using System.IO;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Policies;

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
    public void AProblemNamesThePolicyAndHowItReachesThePrincipal()
    {
        // The names of problems are put together only when there is a problem: pin each kind of label.
        var json = Snapshot
            .Replace("\"GroupName\": \"Admins\",", """
                "GroupName": "Admins", "GroupPolicyList": [{"PolicyName": "shared", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*"}}}],
                """, StringComparison.Ordinal)
            .Replace("\"Action\": \"*\", \"Resource\": \"*\"}}, \"VersionId\"", "\"Action\": \"*\", \"Resource\": 5}}, \"VersionId\"", StringComparison.Ordinal);
        var account = Build(json);

        var good = account.Principals.Single(p => p.Name == "good");
        Assert.StartsWith("inline policy shared (via group Admins) is not a valid policy: $.Statement", Assert.Single(good.Problems), StringComparison.Ordinal);
        var bounded = account.Principals.Single(p => p.Name == "bounded");
        Assert.StartsWith("managed policy arn:aws:iam::111122223333:policy/Custom is not a valid policy: $.Statement.Resource: ", bounded.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void PrincipalsShareTheLevelsOfServiceControlPoliciesAndShowTheirPoliciesReadOnly()
    {
        const string scp = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";
        var principals = Build(Snapshot, ("FullAccess", scp)).Principals.Where(p => p.CanBeJudged).ToList();

        Assert.True(principals.Count >= 1);
        var levels = principals.Select(p => p.Policies.ServiceControlPolicyLevels.Single()).ToList();
        Assert.All(levels, level => Assert.Same(levels[0], level));
        Assert.Equal("FullAccess", Assert.Single(levels[0]).Name);
        var identity = Assert.IsAssignableFrom<System.Collections.Generic.IList<NamedPolicy>>(principals[0].Policies.IdentityPolicies);
        Assert.True(identity.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => identity[0] = identity[0]);
        Assert.Empty(principals[0].Problems);
    }

    [Fact]
    public void ADocumentMetAgainIsTheSameCompiledPolicyOrTheSameProblemForEachPrincipal()
    {
        // The builder finds a document met again by reference: each principal must still get the compiled policy, or
        // its own problem, whether the text is an object or a URL-encoded string, and however often it comes back.
        const string valid = """{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}}""";
        const string invalid = """{"Version": "2012-10-17", "Statement": {"Effect": "Permit", "Action": "s3:*", "Resource": "*"}}""";
        var encoded = Uri.EscapeDataString(invalid);
        var users = string.Join(",", Enumerable.Range(1, 3).Select(i => $$"""
            {"UserName": "u{{i}}", "Arn": "arn:aws:iam::111122223333:user/u{{i}}", "GroupList": ["Team"],
             "UserPolicyList": [{"PolicyName": "same", "PolicyDocument": {{valid}}}, {"PolicyName": "bad", "PolicyDocument": "{{encoded}}"}]}
            """));
        var json = $$"""
            {"UserDetailList": [{{users}}],
             "GroupDetailList": [{"GroupName": "Team", "Arn": "arn:aws:iam::111122223333:group/Team", "GroupPolicyList": [{"PolicyName": "typo", "PolicyDocument": {{invalid}}}]}],
             "RoleDetailList": [], "Policies": []}
            """;

        var principals = Build(json).Principals;

        Assert.Equal(3, principals.Count);
        var first = principals[0].Policies.IdentityPolicies.Single(p => p.Name == "same").Policy;
        foreach (var user in principals)
        {
            Assert.Same(first, user.Policies.IdentityPolicies.Single(p => p.Name == "same").Policy);
            Assert.Equal(2, user.Problems.Count);
            Assert.StartsWith("inline policy bad is not a valid policy: $.Statement.Effect: 'Permit'", user.Problems[0], StringComparison.Ordinal);
            Assert.StartsWith("inline policy typo (via group Team) is not a valid policy: $.Statement.Effect: 'Permit'", user.Problems[1], StringComparison.Ordinal);
        }
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
        const string scp = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["aws-marketplace:Subscribe","aws-marketplace:CreateAgreementRequest","aws-marketplace:AcceptAgreementRequest"],"Resource":"*"}]}""";
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

    [Fact]
    public void AManagedPolicyAttachedToNobodyIsNotCompiled()
    {
        // It decides nothing for anyone; even a document that does not parse leaves every principal judged.
        var unattached = """{"PolicyName": "Orphan", "Arn": "arn:aws:iam::111122223333:policy/Orphan", "DefaultVersionId": "v1", "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "not an action", "Resource": "*"}}}]}""";
        var json = Snapshot.Replace("\"Policies\": [", "\"Policies\": [" + unattached + ",", StringComparison.Ordinal);
        Assert.NotEqual(Snapshot, json);

        var account = Build(json);

        Assert.Equal(4, account.DistinctDocuments);
        Assert.DoesNotContain(account.Principals, p => p.Problems.Any(problem => problem.Contains("Orphan", StringComparison.Ordinal)));
    }

    private static AuditRun Audit(string json, string procurement = "good")
    {
        var account = Build(json);
        return new LeastPrivilegeAudit().Run(account, account.Resolve([procurement], out _), [], [], new DateOnly(2026, 11, 27));
    }

    [Theory]
    [InlineData("""{"Arn": "arn:aws:iam::111122223333:user/nameless", "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}""", "user/nameless", "arn:aws:iam::111122223333:user/nameless")]
    [InlineData("""{"UserName": 7, "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}""", "user/$.UserDetailList[0]", "")]
    [InlineData("\"admin\"", "user/$.UserDetailList[0]", "")]
    [InlineData("""{"UserName": "admin", "Arn": "admin", "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}""", "user/admin", "admin")]
    public void AUserEntryThatCannotBeReadIsAFindingAndTheAuditFails(string entry, string displayName, string arn)
    {
        var json = $$"""
            {"UserDetailList": [{{entry}}, {"UserName": "good", "Arn": "arn:aws:iam::111122223333:user/good"}],
             "RoleDetailList": [{"RoleName": "broken", "Arn": "arn:aws:iam::111122223333:role/broken", "RolePolicyList": "not a list"}]}
            """;

        var run = Audit(json);

        var finding = run.Findings.First(f => f.RuleId == "MG1007");
        Assert.Equal(displayName, finding.Principal);
        Assert.Equal(arn, finding.PrincipalArn);
        Assert.Equal("$.UserDetailList[0]", finding.JsonPath);
        Assert.Contains("role/broken", run.Findings.Where(f => f.RuleId == "MG1007").Select(f => f.Principal));
        Assert.False(run.Passed);
    }

    [Theory]
    [InlineData("""{"PolicyName": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess", "DefaultVersionId": "v1", "PolicyVersionList": [{"Document": 42, "VersionId": "v1", "IsDefaultVersion": true}]}""")]
    [InlineData("""{"PolicyName": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess", "PolicyVersionList": "v1"}""")]
    [InlineData("""{"PolicyName": "AdministratorAccess", "PolicyVersionList": []}""")]
    [InlineData("""{"Path": "/", "PolicyVersionList": []}""")]
    [InlineData("17")]
    public void APrincipalWhoseManagedPolicyEntryCannotBeReadIsNotJudgedWithoutIt(string policyEntry)
    {
        // AdministratorAccess ships with the module; a damaged entry of the snapshot must not be replaced by it, nor ignored.
        var json = $$"""
            {"UserDetailList": [{"UserName": "good", "Arn": "arn:aws:iam::111122223333:user/good"},
                                {"UserName": "admin", "Arn": "arn:aws:iam::111122223333:user/admin", "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}],
             "Policies": [{{policyEntry}}]}
            """;

        var admin = Build(json).Principals.Single(p => p.Name == "admin");

        Assert.False(admin.CanBeJudged);
        Assert.Equal(AuditDecision.Unknown, new AccessAnalyzer().Analyze(admin, Capabilities.Procure).Decision);
    }

    [Fact]
    public void AnInvalidServiceControlPolicyIsAnErrorNotAProblemOfEveryPrincipal()
    {
        var e = Assert.Throws<PolicyValidationException>(() => Build(Snapshot, ("guardrail", """{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEqualz": {"aws:RequestedRegion": "eu-west-1"}}}}""")));

        Assert.Equal("guardrail", e.Source);
        Assert.Contains(e.Errors, error => error.Path.StartsWith("$.Statement.Condition", StringComparison.Ordinal));
    }

    [Fact]
    public void RecommendationsQuoteNamesSoThatPastingThemRunsNothingElse()
    {
        Assert.Equal("'x'';Remove-Item ~'", LeastPrivilegeAudit.Quoted("x';Remove-Item ~"));
        Assert.Equal("'a\u2019\u2019b'", LeastPrivilegeAudit.Quoted("a\u2019b"));
        Assert.Equal("'dave'", LeastPrivilegeAudit.Quoted("dave"));
    }

    [Fact]
    public void ANameIamCannotHaveMakesTheEntryUnjudgeableAndIsNotRepeatedEverywhere()
    {
        var huge = new string('a', 200_000);
        var json = """
            {"UserDetailList": [
               {"UserName": "good", "Arn": "arn:aws:iam::111122223333:user/good"},
               {"UserName": "x'; Remove-Item ~; '", "Arn": "arn:aws:iam::111122223333:user/x'; Remove-Item ~; '",
                "UserPolicyList": [{"PolicyName": "buy", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"}}}]},
               {"UserName": "HUGE", "Arn": "arn:aws:iam::111122223333:user/HUGE"}]}
            """.Replace("HUGE", huge, StringComparison.Ordinal);

        var run = Audit(json);

        var unjudged = run.Findings.Where(f => f.RuleId == "MG1007").ToList();
        Assert.Equal(2, unjudged.Count);
        Assert.DoesNotContain(run.Findings, f => f.RuleId == "MG1001");
        Assert.Contains(unjudged, f => f.Reason.Contains("is not an IAM user name", StringComparison.Ordinal));
        Assert.All(run.Findings, f => Assert.True(f.Principal.Length < 200, f.Principal[..Math.Min(80, f.Principal.Length)]));
    }

    [Fact]
    public void ASuppressionByAPlainNameOfTwoPrincipalsCoversNeither()
    {
        const string json = """
            {"UserDetailList": [{"UserName": "good", "Arn": "arn:aws:iam::111122223333:user/good"},
                                {"UserName": "bill", "Arn": "arn:aws:iam::111122223333:user/bill"}],
             "RoleDetailList": [{"RoleName": "bill", "Arn": "arn:aws:iam::111122223333:role/bill",
                "RolePolicyList": [{"PolicyName": "buy", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"}}}]}]}
            """;
        var account = Build(json);
        var procurement = account.Resolve(["good"], out _);
        Suppression Suppress(string principal) =>
            SuppressionFile.Parse($$"""{"suppressions": [{"ruleId": "MG1001", "principal": "{{principal}}", "justification": "test", "expires": "2099-01-01"}]}""", "s.json")[0];

        bool Suppressed(string principal) => new LeastPrivilegeAudit().Run(account, procurement, [], [Suppress(principal)], new DateOnly(2026, 11, 27))
            .Findings.Single(f => f.RuleId == "MG1001").Suppressed;

        Assert.False(Suppressed("bill"));
        Assert.True(Suppressed("role/bill"));
        Assert.True(Suppressed("arn:aws:iam::111122223333:role/bill"));
        Assert.True(Suppressed("role/b*"));
        Assert.False(Suppressed("user/bill"));
    }
}
