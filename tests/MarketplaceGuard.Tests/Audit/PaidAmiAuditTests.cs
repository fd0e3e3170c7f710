using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Tests.Evaluation;

namespace MarketplaceGuard.Tests.Audit;

/// <summary>
/// Rule 2: capabilities as requests (resource sets, known, present and absent keys), each path of LaunchPaidAmi,
/// ReplicatePaidAmi and SharePaidAmi, launching through a passed role, and the rules MG2001–MG2005.
/// </summary>
public sealed class PaidAmiAuditTests
{
    private const string AccountId = "111122223333";

    [Theory]
    [InlineData("*", "arn:aws:ec2:*::image/*", Tristate.True)]
    [InlineData("arn:*:ec2:*::image/*", "arn:aws:ec2:*::image/*", Tristate.True)]
    [InlineData("arn:aws:ec2:*:*:*", "arn:aws:ec2:*::image/*", Tristate.True)]
    [InlineData("arn:aws:ec2:us-east-1::image/*", "arn:aws:ec2:*::image/*", Tristate.Unknown)]
    [InlineData("arn:aws:ec2:*::image/ami-0abc", "arn:aws:ec2:*::image/*", Tristate.Unknown)]
    [InlineData("arn:aws:ec2:*::snapshot/*", "arn:aws:ec2:*::image/*", Tristate.False)]
    [InlineData("arn:aws:s3:::bucket/*", "arn:aws:ec2:*::image/*", Tristate.False)]
    [InlineData("arn:aws:ec2:*:111122223333:snapshot/*", "arn:aws:ec2:*::snapshot/*", Tristate.False)]
    [InlineData("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:*:111122223333:instance/*", Tristate.True)]
    [InlineData("arn:aws:ec2:*:444455556666:instance/*", "arn:aws:ec2:*:111122223333:instance/*", Tristate.False)]
    [InlineData("arn:aws:ec2:*:*:instance/i-?*", "arn:aws:ec2:*:111122223333:instance/*", Tristate.Unknown)]
    [InlineData("ARN:AWS:EC2:*::image/*", "arn:aws:ec2:*::image/*", Tristate.True)]
    [InlineData("arn:aws:ec2:*::IMAGE/*", "arn:aws:ec2:*::image/*", Tristate.False)]
    public void PolicyResourcesRelateToResourceSets(string policy, string set, Tristate expected) =>
        Assert.Equal(expected, ArnPattern.Compile(policy, variables: false, variablesInResourceOnly: true).MatchSet(set));

    [Fact]
    public void GlobRelationIsExactAboutDisjointSets()
    {
        Assert.True(GlobRelation.Intersects("a*c", "*b*", ignoreCase: false));
        Assert.False(GlobRelation.Intersects("a*", "b*", ignoreCase: false));
        Assert.False(GlobRelation.Intersects("a?", "abc*d", ignoreCase: false));
        Assert.True(GlobRelation.Covers("a*", "ab*", ignoreCase: false));
        Assert.False(GlobRelation.Covers("ab*", "a*", ignoreCase: false));
    }

    [Fact]
    public void APolicyVariableInAResourceLeavesASetUnsettled() =>
        Assert.Equal(Tristate.Unknown, ArnPattern.Compile("arn:aws:ec2:*:*:instance/${aws:username}", variables: true, variablesInResourceOnly: true).MatchSet("arn:aws:ec2:*:111122223333:instance/*"));

    [Theory]
    [InlineData("""{"Null":{"ec2:ProductCode":"false"}}""", Tristate.True)]
    [InlineData("""{"Null":{"ec2:ProductCode":"true"}}""", Tristate.False)]
    [InlineData("""{"StringLike":{"ec2:ProductCode":"*"}}""", Tristate.True)]
    [InlineData("""{"StringNotLike":{"ec2:ProductCode":"*"}}""", Tristate.False)]
    [InlineData("""{"StringEquals":{"ec2:ProductCode":"abc123"}}""", Tristate.Unknown)]
    [InlineData("""{"StringEqualsIfExists":{"ec2:ProductCode":"abc123"}}""", Tristate.Unknown)]
    public void AKeyKnownPresentWithAnUnknownValueSettlesOnlyWhatAnyValueSettles(string condition, Tristate expected)
    {
        var policy = Eval.Policy(Eval.Doc($$"""{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{{condition}}}"""));
        var context = RequestContext.Audit([], presentKeys: ["ec2:ProductCode"]);
        var statement = policy.Policy.Statements[0];
        Assert.Equal(expected, statement.MatchesConditions(context));
    }

    [Fact]
    public void ARequestsFactsAreLaidOverThePrincipalsContext()
    {
        var principal = Eval.Audit(("aws:username", "alice"), ("ec2:Owner", "amazon"));
        var request = RequestContext.Audit(Eval.Keys(("ec2:Owner", "aws-marketplace")), absentKeys: ["aws:SourceIp"], presentKeys: ["ec2:ProductCode"]);
        var layered = request.Over(principal);

        Assert.Equal(KeyState.Present, layered.Lookup("ec2:Owner", out var owner));
        Assert.Equal("aws-marketplace", owner!.Values[0]);
        Assert.Equal(KeyState.Present, layered.Lookup("aws:username", out _));
        Assert.Equal(KeyState.Absent, layered.Lookup("aws:SourceIp", out _));
        Assert.True(layered.IsKnownPresent(ContextKey.Of("ec2:ProductCode")));
        Assert.Equal(KeyState.Unknown, layered.Lookup("aws:MultiFactorAuthPresent", out _));
        Assert.Throws<ArgumentException>(() => request.Over(RequestContext.Empty));
    }

    /// <summary>Every path of every Rule 2 capability, alone, gives its capability: no path is dead.</summary>
    [Fact]
    public void EachPathAloneGivesItsCapability()
    {
        foreach (var capability in Capabilities.All.Where(c => c.Rule == 2))
        {
            for (var p = 0; p < capability.RequestPaths.Count; p++)
            {
                var actions = capability.Paths[p];
                var account = Build(Principal("user", "u", Allow(actions)));
                var entry = new AccessAnalyzer().Analyze(account.Principals[0], capability);
                Assert.True(entry.Decision == AuditDecision.Allowed, $"{capability} path {p} ({string.Join(", ", actions)}): {entry.Decision}");
            }
        }
    }

    /// <summary>
    /// A principal holding PowerUserAccess and the two Rule 2 deny templates (user/dana of the sample account, through
    /// group NoPaidAmis) is explicitly denied on every path, request by request; the launcher policy allows every path.
    /// </summary>
    [Fact]
    public void TheDenyTemplatesCloseEveryPathForAPowerUser()
    {
        var account = SampleAccount();
        var dana = account.Principals.Single(p => p.Name == "dana");
        var lena = account.Principals.Single(p => p.Name == "lena");
        var analyzer = new AccessAnalyzer();
        foreach (var capability in Capabilities.All.Where(c => c.Rule == 2))
        {
            foreach (var path in capability.RequestPaths)
            {
                var decisions = path.Select(r => analyzer.Evaluate(dana, r).Result.Decision).ToList();
                Assert.True(decisions.Contains(AuditDecision.ExplicitDeny), $"{capability}: {string.Join(" + ", path)} is not explicitly denied for dana: {string.Join(", ", decisions)}");
            }

            Assert.Equal(AuditDecision.ExplicitDeny, analyzer.Analyze(dana, capability).Decision);
            Assert.Equal(AuditDecision.Allowed, analyzer.Analyze(lena, capability).Decision);
        }
    }

    /// <summary>
    /// The audit decides every request with <see cref="PolicyEvaluator.AuditDecisionOf"/> (no explanation) and explains
    /// only what it reports with <see cref="PolicyEvaluator.Audit"/>: both must give the same decision, for every
    /// principal and every request of every capability, conditional ones included.
    /// </summary>
    [Fact]
    public void FastDecisionsAreTheFullAuditsDecisions()
    {
        var mfaDeny = """{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}""";
        var fromOffice = """{"Effect":"Allow","Action":["ec2:RunInstances","ec2:CopySnapshot"],"Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}""";
        var someImages = """{"Effect":"Allow","Action":"ec2:*","Resource":"arn:aws:ec2:us-east-1::image/*"}""";
        var conditional = Build(
            Principal("user", "m", Allow(["ec2:*", "aws-marketplace:*"]), mfaDeny),
            Principal("user", "o", fromOffice, someImages),
            Principal("role", "r", Allow(["ec2:*"]), """{"Effect":"Deny","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"ec2:ProductCode":"abc"}}}"""));
        var evaluator = PolicyEvaluator.Default;
        var seen = new System.Collections.Generic.HashSet<AuditDecision>();
        foreach (var principal in SampleAccount().Principals.Concat(conditional.Principals))
        {
            foreach (var request in Capabilities.All.SelectMany(c => c.RequestList))
            {
                var (resource, _) = request.Bind(principal.AccountId, principal.Partition);
                var context = AccessAnalyzer.ContextOf(principal, request);
                var full = evaluator.Audit(principal.Policies, request.Action, resource, context).Decision;
                Assert.Equal(full, evaluator.AuditDecisionOf(principal.Policies, request.Action, resource, context));
                seen.Add(full);
            }
        }

        Assert.Equal(4, seen.Count); // allowed, conditional, explicit and implicit deny all occur
    }

    /// <summary>
    /// DeleteTags without keys deletes every tag of the resource and carries no aws:TagKeys: the audit does not assume
    /// the request names the guard key, and the replication template denies untagging a guard-tagged resource anyway.
    /// </summary>
    [Fact]
    public void DeletingEveryTagOfAPaidResourceIsDeniedToo()
    {
        var dana = SampleAccount().Principals.Single(p => p.Name == "dana");
        var everyTag = Eval.Concrete(("aws:ResourceTag/marketplaceguard:product-code", "prodcode1abc"));
        Assert.Equal(Decision.ExplicitDeny, PolicyEvaluator.Default.Decide(dana.Policies, "ec2:DeleteTags", "arn:aws:ec2:us-east-1::image/ami-0abc", everyTag));
        Assert.Equal(Decision.ExplicitDeny, PolicyEvaluator.Default.Decide(dana.Policies, "ec2:DeleteTags", "arn:aws:ec2:us-east-1:111122223333:volume/vol-1", everyTag));
        Assert.Equal(Decision.Allowed, PolicyEvaluator.Default.Decide(dana.Policies, "ec2:DeleteTags", "arn:aws:ec2:us-east-1::image/ami-0abc", Eval.Concrete(("aws:TagKeys", new[] { "owner" }))));

        // Without that statement, a deny on aws:TagKeys alone leaves sharing conditional, not denied.
        var keysOnly = """{"Effect":"Deny","Action":["ec2:DeleteTags","ec2:ModifyImageAttribute","ec2:ModifySnapshotAttribute"],"Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["marketplaceguard:product-code"]}}}""";
        var taggedOnly = """{"Effect":"Deny","Action":["ec2:ModifyImageAttribute","ec2:ModifySnapshotAttribute"],"Resource":"*","Condition":{"Null":{"aws:ResourceTag/marketplaceguard:product-code":"false"}}}""";
        var account = Build(Principal("user", "u", Allow(["ec2:*"]), keysOnly, taggedOnly));
        Assert.Equal(AuditDecision.ConditionallyAllowed, new AccessAnalyzer().Analyze(account.Principals[0], Capabilities.SharePaidAmi).Decision);
    }

    [Fact]
    public void OrdinaryLaunchesAreNotDeniedByTheTemplates()
    {
        var account = SampleAccount();
        var dana = account.Principals.Single(p => p.Name == "dana");
        var amazonImage = new AccessRequest("ec2:RunInstances", "arn:{partition}:ec2:*::image/*", new System.Collections.Generic.Dictionary<string, ContextValue> { ["ec2:Owner"] = "amazon" }, absent: ["ec2:ProductCode", "aws:ResourceTag/marketplaceguard:product-code"]);
        var plainInstance = new AccessRequest("ec2:RunInstances", "arn:{partition}:ec2:*:{account}:instance/*", absent: ["ec2:ProductCode"]);
        var analyzer = new AccessAnalyzer();
        Assert.Equal(AuditDecision.Allowed, analyzer.Evaluate(dana, amazonImage).Result.Decision);
        Assert.Equal(AuditDecision.Allowed, analyzer.Evaluate(dana, plainInstance).Result.Decision);
    }

    [Fact]
    public void ADenyThatMissesTheUntagPathLeavesReplicationOpen()
    {
        // Denies every tag-guarded action but not DeleteTags: deleting the guard tag first reopens them.
        var deny = """{"Effect":"Deny","Action":["ec2:CreateVolume","ec2:RegisterImage"],"Resource":"*","Condition":{"Null":{"aws:ResourceTag/marketplaceguard:product-code":"false"}}}""";
        var account = Build(Principal("user", "u", Allow(["ec2:CreateVolume", "ec2:RegisterImage", "ec2:DeleteTags"]), deny));
        var analyzer = new AccessAnalyzer();
        var entry = analyzer.Analyze(account.Principals[0], Capabilities.ReplicatePaidAmi);
        Assert.Equal(AuditDecision.Allowed, entry.Decision);
        Assert.Contains("ec2:DeleteTags on the guard tag", entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LaunchingThroughAPassedRoleIsMG2004NamingTheRoleAndTheService()
    {
        var role = Principal("role", "deployer", Allow(["ec2:RunInstances"])) with { Trust = "cloudformation.amazonaws.com" };
        var passer = Principal("user", "pat", Allow(["iam:PassRole", "cloudformation:CreateStack"]));
        var account = Build(role, passer);
        var run = new LeastPrivilegeAudit().Run(account, [], [], [], new DateOnly(2026, 11, 30));

        var finding = Assert.Single(run.Findings, f => f.RuleId == "MG2004");
        Assert.Equal("user/pat", finding.Principal);
        Assert.Contains("role/deployer through cloudformation.amazonaws.com", finding.Reason, StringComparison.Ordinal);
        Assert.Equal("Revoke-MarketplaceAccess -RoleName 'deployer' -Rule 2", finding.Recommendation);
        Assert.Contains(run.Findings, f => f.RuleId == "MG2001" && f.Principal == "role/deployer");
    }

    [Fact]
    public void NoRouteWithoutTrustOrWithoutPassRole()
    {
        var untrusted = Principal("role", "deployer", Allow(["ec2:RunInstances"])) with { Trust = "lambda.amazonaws.com" };
        var passer = Principal("user", "pat", Allow(["iam:PassRole", "cloudformation:CreateStack"]));
        Assert.DoesNotContain(new LeastPrivilegeAudit().Run(Build(untrusted, passer), [], [], [], new DateOnly(2026, 11, 30)).Findings, f => f.RuleId == "MG2004");

        var trusted = untrusted with { Trust = "cloudformation.amazonaws.com" };
        var cannotPass = Principal("user", "pat", Allow(["cloudformation:CreateStack"]));
        Assert.DoesNotContain(new LeastPrivilegeAudit().Run(Build(trusted, cannotPass), [], [], [], new DateOnly(2026, 11, 30)).Findings, f => f.RuleId == "MG2004");
    }

    [Fact]
    public void AnUnreadableTrustPolicyTrustsEveryService()
    {
        Assert.True(RoleTrust.Read("{not json").Trusts("cloudformation.amazonaws.com"));
        Assert.True(RoleTrust.Read(null).Trusts("spotfleet.amazonaws.com"));
        Assert.True(RoleTrust.Read("""{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}""").AnyService);
        var ec2 = RoleTrust.Read("%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%5B%22ec2.amazonaws.com%22%5D%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D");
        Assert.True(ec2.Trusts("ec2.amazonaws.com"));
        Assert.False(ec2.Trusts("cloudformation.amazonaws.com"));
        Assert.False(RoleTrust.Read("""{"Statement":[{"Effect":"Deny","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}]}""").Trusts("cloudformation.amazonaws.com"));
    }

    [Theory]
    [InlineData("%5B%5D", "an array")] // []
    [InlineData("1", "the number 1")]
    [InlineData("%22x%22", "the string \"x\"")] // "x"
    [InlineData("%22%5Cud800%22", null)] // "\ud800": not text either
    [InlineData("%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22%5Cud800%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D", null)]
    public void ATrustPolicyThatIsNotAPolicyTrustsEveryServiceAndTheSnapshotStillLoads(string document, string? what)
    {
        // JSON that is not an object, or a policy with a string that is not text (an escaped half of a surrogate pair,
        // inside the URL encoding where the snapshot reader's own check does not see it).
        var trust = RoleTrust.Read(document);
        Assert.True(trust.AnyService);
        if (what is null)
        {
            Assert.StartsWith("the trust policy cannot be read: a string is not valid text", trust.Problem, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal($"the trust policy is {what}, not a JSON object", trust.Problem);
        }

        // From a snapshot: the role is read, the others too.
        var json = "{\"RoleDetailList\": [" +
            "{\"RoleName\": \"odd\", \"Arn\": \"arn:aws:iam::111122223333:role/odd\", \"AssumeRolePolicyDocument\": \"" + document.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"}," +
            "{\"RoleName\": \"fine\", \"Arn\": \"arn:aws:iam::111122223333:role/fine\"}]}";
        var snapshot = MarketplaceGuard.Tests.Accounts.SnapshotReads.Load(json);
        Assert.True(snapshot.Roles.Single(r => r.Name == "odd").Trust.Trusts("cloudformation.amazonaws.com"));
        Assert.Equal(2, snapshot.Roles.Count);
    }

    [Fact]
    public void LaunchersAreCheckedForLockoutAndNotFlagged()
    {
        var launcher = Principal("user", "lena", Allow(["ec2:*"]));
        var lockedOut = Principal("user", "luke", Allow(["ec2:*"]), """{"Effect":"Deny","Action":["ec2:RunInstances","ec2:CreateFleet","ec2:RequestSpot*"],"Resource":"*"}""");
        var account = Build(launcher, lockedOut);
        var run = new LeastPrivilegeAudit().Run(account, [], [], [], new DateOnly(2026, 11, 30), launchers: account.Principals);

        var finding = Assert.Single(run.Findings, f => f.RuleId.StartsWith("MG2", StringComparison.Ordinal));
        Assert.Equal(("MG2005", "user/luke"), (finding.RuleId, finding.Principal));
        Assert.Equal("Grant-MarketplaceProcurement -UserName 'luke' -AccessLevel Launcher", finding.Recommendation);
        Assert.Equal("Launcher", run.RoleOf(account.Principals[0]));
    }

    /// <summary>
    /// Revoke refuses to deny holders of the launcher grant unless forced. A holder the audit was not told is a launcher
    /// is unauthorized, and its recommended fix must run as written: it says -Force.
    /// </summary>
    [Fact]
    public void FixesThatReachAnUndeclaredHolderOfTheLauncherGrantSayForce()
    {
        var run = new LeastPrivilegeAudit().Run(SampleAccount(), [], [], [], new DateOnly(2026, 11, 30));
        string Fix(string rule, string principal) => run.Findings.Single(f => f.RuleId == rule && f.Principal == principal).Recommendation;

        Assert.Equal("Revoke-MarketplaceAccess -GroupName 'AmiOperators' -Rule 2 -Force", Fix("MG2001", "user/lena"));
        Assert.Equal("Revoke-MarketplaceAccess -RoleName 'cfn-deployer' -Rule 2 -Force", Fix("MG2001", "role/cfn-deployer"));
        Assert.Equal("Revoke-MarketplaceAccess -RoleName 'cfn-deployer' -Rule 2 -Force", Fix("MG2004", "user/dana"));
        Assert.Equal("Revoke-MarketplaceAccess -GroupName 'Developers' -Rule 2", Fix("MG2001", "user/dave"));
    }

    [Fact]
    public void AConditionalLaunchIsMediumAndNamesTheCondition()
    {
        var account = SampleAccount();
        var run = new LeastPrivilegeAudit().Run(account, [], [], [], new DateOnly(2026, 11, 30));
        var mia = Assert.Single(run.Findings, f => f.Principal == "user/mia");
        Assert.Equal(("MG2001", Severity.Medium), (mia.RuleId, mia.Severity));
        Assert.Contains("only if aws:MultiFactorAuthPresent is true", mia.Reason, StringComparison.Ordinal);
    }

    private sealed record TestPrincipal(string Kind, string Name, string[] Statements)
    {
        public string? Trust { get; init; }
    }

    private static TestPrincipal Principal(string kind, string name, params string[] statements) => new(kind, name, statements);

    private static string Allow(System.Collections.Generic.IEnumerable<string> actions) =>
        $$"""{"Effect":"Allow","Action":{{JsonSerializer.Serialize(actions)}},"Resource":"*"}""";

    private static Account Build(params TestPrincipal[] principals)
    {
        string Entity(TestPrincipal p)
        {
            var policy = "[{\"PolicyName\":\"inline\",\"PolicyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":[" + string.Join(",", p.Statements) + "]}}]";
            var arn = $"arn:aws:iam::{AccountId}:{p.Kind}/{p.Name}";
            var trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"" + (p.Trust ?? "ec2.amazonaws.com") + "\"},\"Action\":\"sts:AssumeRole\"}]}";
            return p.Kind == "user"
                ? "{\"UserName\":\"" + p.Name + "\",\"Arn\":\"" + arn + "\",\"UserPolicyList\":" + policy + "}"
                : "{\"RoleName\":\"" + p.Name + "\",\"Arn\":\"" + arn + "\",\"RolePolicyList\":" + policy + ",\"AssumeRolePolicyDocument\":" + trust + "}";
        }

        var json = $$"""
            {"UserDetailList":[{{string.Join(",", principals.Where(p => p.Kind == "user").Select(Entity))}}],
             "GroupDetailList":[],
             "RoleDetailList":[{{string.Join(",", principals.Where(p => p.Kind == "role").Select(Entity))}}],
             "Policies":[]}
            """;
        return Account.Build(SnapshotLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "account.json"));
    }

    private static Account SampleAccount() =>
        Account.Build(SnapshotLoader.Load(Path.Combine(AppContext.BaseDirectory, "Examples", "sample-account.json")));
}
