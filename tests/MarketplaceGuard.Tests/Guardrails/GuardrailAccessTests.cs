using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Guardrails;

namespace MarketplaceGuard.Tests.Guardrails;

/// <summary>
/// The guardrails checked with the module's own audit: in a member account whose SCP level holds FullAWSAccess and
/// the guardrail documents, a principal with Allow * on * is explicitly denied every capability of every rule, and
/// each named exception (an exact ARN, and one a wildcard pattern matches) keeps the capabilities its role excepts.
/// </summary>
public sealed class GuardrailAccessTests
{
    private const string Account = "111122223333";
    private const string FullAccess = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    /// <summary>Principal name (as the account model names it) → its ARN.</summary>
    private static readonly Dictionary<string, string> Arns = new()
    {
        ["alice"] = $"arn:aws:iam::{Account}:user/alice",
        ["Procurement"] = $"arn:aws:iam::{Account}:role/Procurement",
        ["bob"] = $"arn:aws:iam::{Account}:user/buyers/bob",
        ["Launcher"] = $"arn:aws:iam::{Account}:role/Launcher",
        ["Builder"] = $"arn:aws:iam::{Account}:role/launchers/Builder",
        ["Governance"] = $"arn:aws:iam::{Account}:role/Governance",
        ["gov-a"] = $"arn:aws:iam::{Account}:role/gov-a",
    };

    internal static readonly GuardrailOptions Options = new()
    {
        ProcurementPrincipalArns = [$"arn:aws:iam::{Account}:role/Procurement", $"arn:aws:iam::{Account}:user/buyers/*"],
        LauncherPrincipalArns = [$"arn:aws:iam::{Account}:role/Launcher", "arn:aws:iam::*:role/launchers/*"],
        GovernancePrincipalArns = [$"arn:aws:iam::{Account}:role/Governance", $"arn:aws:iam::{Account}:role/gov-?"],
    };

    /// <summary>The Private Marketplace's legacy actions and each of its Catalog API change types.</summary>
    private static readonly Capability PrivateMarketplace = new("PrivateMarketplace", 3, "Private Marketplace paths", DistributionCapabilities.PrivateMarketplacePaths);

    /// <summary>Every capability a guardrail denies, and who keeps it.</summary>
    public static TheoryData<string, string[]> Cases() => new()
    {
        { "Procure", ["Procurement", "bob"] },
        { "Cancel", ["Procurement", "bob"] },
        { "LaunchPaidAmi", ["Launcher", "Builder"] },
        { "ReplicatePaidAmi", ["Launcher", "Builder"] },
        { "SharePaidAmi", ["Launcher", "Builder"] },
        { "DistributeLicenses", ["Governance", "gov-a"] },
        { "ShareThroughServiceCatalog", ["Governance", "gov-a"] },
        { "ManagePrivateMarketplace", ["Governance", "gov-a", "Procurement", "bob"] },
        { "PrivateMarketplace", ["Governance", "gov-a", "Procurement", "bob"] },
        { "BedrockAutoSubscribe", ["Procurement", "bob"] },
    };

    private static Capability Find(string name) => name switch
    {
        "PrivateMarketplace" => PrivateMarketplace,
        "DistributeLicenses" => DistributionCapabilities.DistributeLicenses,
        "ShareThroughServiceCatalog" => DistributionCapabilities.ShareThroughServiceCatalog,
        "BedrockAutoSubscribe" => DistributionCapabilities.BedrockAutoSubscribe,
        _ => Capabilities.Find(name)!,
    };

    /// <summary>Every principal holds Allow * on *; the account's one SCP level is FullAWSAccess plus the given documents.</summary>
    internal static Account Build(IEnumerable<GuardrailPolicy> guardrails)
    {
        var users = Arns.Where(a => a.Value.Contains(":user/")).Select(a => $$"""
            { "UserName": "{{a.Key}}", "UserId": "AIDA{{a.Key}}", "Arn": "{{a.Value}}", "Path": "{{PathOf(a.Value)}}", "GroupList": [], "AttachedManagedPolicies": [],
              "UserPolicyList": [ { "PolicyName": "Everything", "PolicyDocument": {{FullAccess}} } ] }
            """);
        var roles = Arns.Where(a => a.Value.Contains(":role/")).Select(a => $$"""
            { "RoleName": "{{a.Key}}", "RoleId": "AROA{{a.Key}}", "Arn": "{{a.Value}}", "Path": "{{PathOf(a.Value)}}",
              "AssumeRolePolicyDocument": {"Version":"2012-10-17","Statement":[]}, "AttachedManagedPolicies": [], "InstanceProfileList": [],
              "RolePolicyList": [ { "PolicyName": "Everything", "PolicyDocument": {{FullAccess}} } ] }
            """);
        var json = $$"""{ "UserDetailList": [{{string.Join(",", users)}}], "GroupDetailList": [], "RoleDetailList": [{{string.Join(",", roles)}}], "Policies": [] }""";
        var snapshot = SnapshotLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), $"account {Account}");
        var level = new ServiceControlPolicyLevelInput($"account {Account}", [("FullAWSAccess", FullAccess), .. guardrails.Select(g => (g.Name, g.Content))]);
        return MarketplaceGuard.Engine.Accounts.Account.BuildWithLevels(snapshot, [level]);
    }

    private static string PathOf(string arn)
    {
        var resource = arn[(arn.IndexOf('/') + 1)..];
        return "/" + resource[..(resource.LastIndexOf('/') + 1)];
    }

    private static AuditDecision Decide(Account account, string principal, Capability capability) =>
        new AccessAnalyzer().Analyze(account.Principals.Single(p => p.Name == principal), capability).Decision;

    private static readonly Account Guarded = Build(GuardrailBuilder.Build(Options));

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryOtherPrincipalIsExplicitlyDenied(string capability, string[] excepted)
    {
        foreach (var principal in Arns.Keys.Except(excepted))
        {
            Assert.True(AuditDecision.ExplicitDeny == Decide(Guarded, principal, Find(capability)), $"{principal} should be denied {capability}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheNamedExceptionsExactOrByWildcardKeepTheCapability(string capability, string[] excepted)
    {
        foreach (var principal in excepted)
        {
            Assert.True(AuditDecision.Allowed == Decide(Guarded, principal, Find(capability)), $"{principal} should keep {capability}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WithoutTheGuardrailsEveryoneHasTheCapability(string capability, string[] excepted)
    {
        // What the guardrails deny is theirs: FullAWSAccess and Allow * alone allow everything to everyone.
        _ = excepted;
        var open = Build([]);
        Assert.All(Arns.Keys, principal => Assert.Equal(AuditDecision.Allowed, Decide(open, principal, Find(capability))));
    }

    [Fact]
    public void ARuleWithoutExceptionsDeniesEveryone()
    {
        var account = Build(GuardrailBuilder.Build(new GuardrailOptions { Rules = [2] }));

        Assert.All(Arns.Keys, principal => Assert.Equal(AuditDecision.ExplicitDeny, Decide(account, principal, Capabilities.LaunchPaidAmi)));
        Assert.Equal(AuditDecision.Allowed, Decide(account, "alice", Capabilities.Procure));
    }

    [Fact]
    public void AuditReasonsNameTheGuardrailAndItsShortSid()
    {
        var entry = new AccessAnalyzer().Analyze(Guarded.Principals.Single(p => p.Name == "alice"), Capabilities.Cancel);

        Assert.Contains(entry.Evidence, e => e.ToString().StartsWith("Deny SCP MarketplaceGuard-Rule1 statement 0 (Sid R1Procure)", System.StringComparison.Ordinal));
    }
}
