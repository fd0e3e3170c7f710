using System.IO;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Tests.Audit;

/// <summary>
/// The analyzer works out what a policy says of a capability once and shares it between the principals that hold the
/// policy. These cases hold it to the answers of the plain evaluator, principal by principal, exactly where sharing
/// would be wrong: a condition on the principal's own tags, a policy variable in Resource, two accounts.
/// </summary>
public sealed class SharedVerdictTests
{
    // Everyone is in group Buyers, whose policy allows Subscribe only to the principal tagged team=procurement, and
    // group Devs, whose policy allows launching only images named after the user. ann is tagged procurement, bob is
    // tagged dev, carl has no tags, and role/ci holds both policies (a role's tags are unknown: conditional).
    private const string Snapshot = """
        {
          "UserDetailList": [
            {"UserName": "ann", "Arn": "arn:aws:iam::111122223333:user/ann", "GroupList": ["Buyers", "Devs", "Readers"], "Tags": [{"Key": "team", "Value": "procurement"}]},
            {"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob", "GroupList": ["Buyers", "Devs", "Readers"], "Tags": [{"Key": "team", "Value": "dev"}]},
            {"UserName": "carl", "Arn": "arn:aws:iam::111122223333:user/carl", "GroupList": ["Buyers", "Devs", "Readers"]}
          ],
          "GroupDetailList": [
            {"GroupName": "Buyers", "Arn": "arn:aws:iam::111122223333:group/Buyers", "GroupPolicyList": [{"PolicyName": "buy", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["aws-marketplace:Subscribe", "aws-marketplace:CreateAgreementRequest", "aws-marketplace:AcceptAgreementRequest"], "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "procurement"}}}}}]},
            {"GroupName": "Devs", "Arn": "arn:aws:iam::111122223333:group/Devs", "GroupPolicyList": [{"PolicyName": "launch", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "arn:aws:ec2:*::image/${aws:username}-*"}}}]},
            {"GroupName": "Readers", "Arn": "arn:aws:iam::111122223333:group/Readers", "GroupPolicyList": [{"PolicyName": "view", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "aws-marketplace:ViewSubscriptions", "Resource": "*"}}}]}
          ],
          "RoleDetailList": [
            {"RoleName": "ci", "Arn": "arn:aws:iam::111122223333:role/ci",
             "RolePolicyList": [
               {"PolicyName": "buy", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["aws-marketplace:Subscribe", "aws-marketplace:CreateAgreementRequest", "aws-marketplace:AcceptAgreementRequest"], "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "procurement"}}}}},
               {"PolicyName": "view", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "aws-marketplace:ViewSubscriptions", "Resource": "*"}}}]}
          ],
          "Policies": []
        }
        """;

    private static Account Build(string json = Snapshot, PolicyCompiler? compiler = null) =>
        Account.Build(SnapshotLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "account.json"), compiler: compiler);

    [Fact]
    public void APolicyThatReadsThePrincipalsTagsIsAnsweredForEachPrincipal()
    {
        var account = Build();
        var analyzer = new AccessAnalyzer();

        // One analyzer for all: the first answer must not become the others'.
        var decisions = account.Principals.ToDictionary(p => p.DisplayName, p => analyzer.Analyze(p, Capabilities.Procure).Decision);

        Assert.Equal(AuditDecision.Allowed, decisions["user/ann"]);
        Assert.Equal(AuditDecision.ImplicitDeny, decisions["user/bob"]);
        Assert.Equal(AuditDecision.ConditionallyAllowed, decisions["role/ci"]);
        foreach (var principal in account.Principals)
        {
            var alone = new AccessAnalyzer().Decide(principal, Capabilities.Procure, Capabilities.Procure.RequestList, Capabilities.Procure.PathIndexes);
            Assert.Equal(alone.Decision, decisions[principal.DisplayName]);
        }
    }

    [Fact]
    public void APolicyVariableInResourceIsAnsweredForEachPrincipal()
    {
        var account = Build();
        var analyzer = new AccessAnalyzer();

        foreach (var principal in account.Principals)
        {
            var shared = analyzer.Analyze(principal, Capabilities.LaunchPaidAmi);
            var alone = new AccessAnalyzer().Decide(principal, Capabilities.LaunchPaidAmi, Capabilities.LaunchPaidAmi.RequestList, Capabilities.LaunchPaidAmi.PathIndexes);
            Assert.Equal(alone.Decision, shared.Decision);
            Assert.Equal(alone.Reason, shared.Reason);
        }
    }

    [Fact]
    public void EveryCapabilityOfEveryPrincipalIsTheUnsharedAnswerWithTheSameExplanation()
    {
        var account = Build();
        var analyzer = new AccessAnalyzer();

        foreach (var principal in account.Principals)
        {
            foreach (var capability in Capabilities.All)
            {
                var shared = analyzer.Analyze(principal, capability);
                var alone = new AccessAnalyzer().Decide(principal, capability, capability.RequestList, capability.PathIndexes);
                Assert.Equal(alone.Decision, shared.Decision);
                Assert.Equal(alone.Conditions, shared.Conditions);
                Assert.Equal(alone.Evidence.Select(e => e.ToString()), shared.Evidence.Select(e => e.ToString()));
            }
        }
    }

    [Fact]
    public void TheSamePolicyInTwoAccountsIsAnsweredForEachAccount()
    {
        // Everything, but only on resources of account 111122223333: the same document compiled once (as for the accounts
        // of one organization), the same analyzer, two accounts.
        const string Document = """{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": ["arn:aws:*:*:111122223333:*", "arn:aws:iam::111122223333:*"]}}""";
        var compiler = new PolicyCompiler();
        var first = Build(OneRole("111122223333", Document), compiler).Principals.Single();
        var second = Build(OneRole("444455556666", Document), compiler).Principals.Single();
        Assert.Same(first.Policies.IdentityPolicies[0].Policy, second.Policies.IdentityPolicies[0].Policy);
        var analyzer = new AccessAnalyzer();

        var differ = false;
        foreach (var capability in Capabilities.All)
        {
            var decisions = new[] { first, second, first }.Select(p => analyzer.Analyze(p, capability).Decision).ToArray();
            Assert.Equal(new AccessAnalyzer().Decide(first, capability, capability.RequestList, capability.PathIndexes).Decision, decisions[0]);
            Assert.Equal(new AccessAnalyzer().Decide(second, capability, capability.RequestList, capability.PathIndexes).Decision, decisions[1]);
            Assert.Equal(decisions[0], decisions[2]);
            differ |= decisions[0] != decisions[1];
        }

        Assert.True(differ, "some capability's requests name the principal's account");
    }

    private static string OneRole(string accountId, string document) => $$"""
        {"UserDetailList": [], "GroupDetailList": [], "Policies": [],
         "RoleDetailList": [{"RoleName": "ops", "Arn": "arn:aws:iam::{{accountId}}:role/ops", "RolePolicyList": [{"PolicyName": "ec2", "PolicyDocument": {{document}}}]}]}
        """;
}
