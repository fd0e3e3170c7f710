using System;
using System.IO;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Organizations;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Organizations;

/// <summary>
/// The organization as the audit sees it: SCP levels from the root down to the account, the management account and
/// service-linked roles exempt, SCPs that change verdicts both ways and say so, and the organization snapshot file.
/// </summary>
public sealed class OrganizationTests
{
    private const string Management = "111111111111";
    private const string Member = "222222222222";
    private const string Nested = "333333333333";
    private const string FullAccess = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";
    private const string DenySubscribe = """{"Version":"2012-10-17","Statement":[{"Sid":"NoBuying","Effect":"Deny","Action":["aws-marketplace:Subscribe","aws-marketplace:CreateAgreementRequest","aws-marketplace:AcceptAgreementRequest"],"Resource":"*"}]}""";
    private const string AllowOnlyEc2 = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}""";

    private static readonly DateOnly Today = new(2026, 11, 30);

    private static Organization Sample(string sandboxPolicy = DenySubscribe, bool scpsEnabled = true, params ServiceControlPolicy[] extra) => new(
        "o-test",
        "arn:aws:organizations::111111111111:organization/o-test",
        "ALL",
        Management,
        [new OrganizationRoot("r-root", "", "Root", scpsEnabled)],
        [new OrganizationalUnit("ou-root-sandbox", "", "Sandbox", "r-root"), new OrganizationalUnit("ou-root-deep", "", "Deep", "ou-root-sandbox")],
        [
            new OrganizationAccount(Management, "", "management", "m@example.com", OrganizationAccountState.Active, "r-root"),
            new OrganizationAccount(Member, "", "dev", "d@example.com", OrganizationAccountState.Active, "ou-root-sandbox"),
            new OrganizationAccount(Nested, "", "lab", "l@example.com", OrganizationAccountState.Active, "ou-root-deep"),
        ],
        [
            new ServiceControlPolicy("p-FullAWSAccess", "", "FullAWSAccess", null, true, FullAccess, ["r-root", "ou-root-sandbox", "ou-root-deep", Management, Member, Nested]),
            new ServiceControlPolicy("p-sandbox", "", "SandboxRules", null, false, sandboxPolicy, ["ou-root-sandbox"]),
            .. extra,
        ]);

    /// <summary>An account where alice holds AdministratorAccess-like rights and a service-linked role holds Subscribe.</summary>
    private static AuthorizationSnapshot Snapshot(string accountId) => SnapshotLoader.Load(
        new MemoryStream(Encoding.UTF8.GetBytes($$"""
        {
          "UserDetailList": [
            { "UserName": "alice", "UserId": "AIDA1", "Arn": "arn:aws:iam::{{accountId}}:user/alice", "Path": "/", "GroupList": [],
              "AttachedManagedPolicies": [],
              "UserPolicyList": [ { "PolicyName": "Everything", "PolicyDocument": {{FullAccess}} } ] }
          ],
          "GroupDetailList": [],
          "RoleDetailList": [
            { "RoleName": "AWSServiceRoleForMarketplace", "RoleId": "AROA1", "Arn": "arn:aws:iam::{{accountId}}:role/aws-service-role/marketplace.amazonaws.com/AWSServiceRoleForMarketplace",
              "Path": "/aws-service-role/marketplace.amazonaws.com/", "AssumeRolePolicyDocument": {"Version":"2012-10-17","Statement":[]},
              "AttachedManagedPolicies": [], "InstanceProfileList": [],
              "RolePolicyList": [ { "PolicyName": "Buy", "PolicyDocument": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*"}]} } ] }
          ],
          "Policies": []
        }
        """)),
        $"account {accountId}");

    private static Account Build(Organization organization, string accountId) =>
        Account.BuildWithLevels(Snapshot(accountId), AccountServiceControlPolicies.For(organization, accountId, new PolicyCompiler()).Levels);

    private static AccessEntry Procure(Account account, string principal) =>
        new AccessAnalyzer().Analyze(account.Principals.Single(p => p.Name == principal), Capabilities.Procure);

    [Fact]
    public void LevelsRunFromTheRootThroughEveryOuToTheAccount()
    {
        var levels = Sample().ServiceControlPolicyLevelsFor(Nested);

        Assert.Equal(["root r-root", "OU Sandbox (ou-root-sandbox)", "OU Deep (ou-root-deep)", "account lab (333333333333)"], levels.Select(l => l.Label));
        Assert.Equal(["FullAWSAccess", "SandboxRules"], levels[1].Policies.Select(p => p.Name));
        Assert.Equal("Root / Sandbox / Deep", Sample().PathOf(Nested));
    }

    [Fact]
    public void TheManagementAccountAndADisabledPolicyTypeHaveNoLevels()
    {
        Assert.Empty(Sample().ServiceControlPolicyLevelsFor(Management));
        Assert.Empty(Sample(scpsEnabled: false).ServiceControlPolicyLevelsFor(Member));
        Assert.StartsWith("exempt", AccountServiceControlPolicies.For(Sample(), Management, new PolicyCompiler()).Assessment.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void AnScpDenyTurnsAnIamAllowIntoAnExplicitDenyAndNamesTheScpAndTheOu()
    {
        var entry = Procure(Build(Sample(), Member), "alice");

        Assert.Equal(AuditDecision.ExplicitDeny, entry.Decision);
        var deny = Assert.Single(entry.Evidence, e => e.Effect == PolicyEffect.Deny);
        Assert.Equal("Deny SCP SandboxRules statement 0 (Sid NoBuying) attached to OU Sandbox (ou-root-sandbox)", deny.ToString());
    }

    [Fact]
    public void AnScpThatAllowsOnlyOtherServicesIsAnImplicitDenyAtItsLevel()
    {
        var org = Sample(AllowOnlyEc2);
        var allowList = new Organization(org.Id, org.Arn, org.FeatureSet, org.ManagementAccountId, org.Roots, org.OrganizationalUnits, org.Accounts,
            [.. org.Policies.Select(p => p.Id == "p-FullAWSAccess" ? p with { Targets = p.Targets.Where(t => t != "ou-root-sandbox").ToList() } : p)]);
        var account = Build(allowList, Member);
        var run = new LeastPrivilegeAudit().Run(account, account.Principals.Where(p => p.Name == "alice").ToList(), [], [], Today);

        var lockout = Assert.Single(run.Findings, f => f.RuleId == AuditRules.ProcurementLockedOut.Id);
        Assert.Equal(AuditDecision.ImplicitDeny, lockout.Decision);
        Assert.Contains("no SCP attached to OU Sandbox (ou-root-sandbox) allows it", lockout.Reason, StringComparison.Ordinal);
        Assert.Contains("allow it in AWS Organizations", lockout.Recommendation, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameAccountOutsideTheSandboxOrAsManagementIsAllowed()
    {
        Assert.Equal(AuditDecision.Allowed, Procure(Build(Sample(), Management), "alice").Decision);
        var other = Sample() is var org ? new Organization(org.Id, org.Arn, org.FeatureSet, org.ManagementAccountId, org.Roots, org.OrganizationalUnits,
            [.. org.Accounts.Select(a => a.Id == Member ? a with { ParentId = "r-root" } : a)], org.Policies) : null!;
        Assert.Equal(AuditDecision.Allowed, Procure(Build(other, Member), "alice").Decision);
    }

    [Fact]
    public void ServiceLinkedRolesAreNotRestrictedByScps()
    {
        var entry = Procure(Build(Sample(), Member), "AWSServiceRoleForMarketplace");

        Assert.Equal(AuditDecision.Allowed, entry.Decision);
    }

    [Fact]
    public void AnScpThatIsNotAValidPolicyFailsTheAccountNamingTheScpAndItsNode()
    {
        var error = Assert.Throws<PolicyValidationException>(() => AccountServiceControlPolicies.For(Sample("{ not json"), Member, new PolicyCompiler()));

        Assert.Contains("SCP SandboxRules (p-sandbox) attached to OU Sandbox (ou-root-sandbox)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALevelWithoutAnyScpIsNeverReadAsDenyingEverything()
    {
        var org = Sample();
        var missing = new Organization(org.Id, org.Arn, org.FeatureSet, org.ManagementAccountId, org.Roots, org.OrganizationalUnits, org.Accounts,
            [.. org.Policies.Select(p => p with { Targets = p.Targets.Where(t => t != "ou-root-deep").ToList() })]);

        var error = Assert.Throws<InvalidOperationException>(() => AccountServiceControlPolicies.For(missing, Nested, new PolicyCompiler()));
        Assert.Contains("OU Deep (ou-root-deep)", error.Message, StringComparison.Ordinal);
        Assert.Contains("OU Deep (ou-root-deep) has no service control policy attached", string.Join("\n", missing.Validate()), StringComparison.Ordinal);
        Assert.Empty(AccountServiceControlPolicies.For(missing, Member, new PolicyCompiler()).Levels.Where(l => l.Policies.Count == 0));
    }

    [Fact]
    public void OnlyScpsThatCanChangeAVerdictAreCalledRelevant()
    {
        var assessment = AccountServiceControlPolicies.For(Sample(), Member, new PolicyCompiler()).Assessment;

        Assert.True(assessment.Considered);
        Assert.Equal(["SandboxRules (OU Sandbox (ou-root-sandbox))"], assessment.Relevant);
    }

    [Fact]
    public void ValidateNamesBrokenTrees()
    {
        var org = Sample();
        var broken = new Organization(org.Id, org.Arn, org.FeatureSet, org.ManagementAccountId, org.Roots,
            [new OrganizationalUnit("ou-root-a", "", "A", "ou-root-b"), new OrganizationalUnit("ou-root-b", "", "B", "ou-root-a")],
            [new OrganizationAccount(Member, "", "dev", "", OrganizationAccountState.Active, "ou-root-a"), new OrganizationAccount(Nested, "", "lab", "", OrganizationAccountState.Active, "ou-gone")],
            [new ServiceControlPolicy("p-FullAWSAccess", "", "FullAWSAccess", null, true, FullAccess, ["r-root", "ou-root-a", "ou-root-b", Member, Nested, "ou-elsewhere"])]);

        var problems = string.Join("\n", broken.Validate());
        Assert.Contains("deeper than Organizations allows", problems, StringComparison.Ordinal);
        Assert.Contains("account lab (333333333333) has the parent ou-gone", problems, StringComparison.Ordinal);
        Assert.Contains("attached to ou-elsewhere", problems, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSnapshotFileRoundTrips()
    {
        var folder = Directory.CreateTempSubdirectory("mg-org-").FullName;
        try
        {
            var org = Sample();
            using (var file = File.Create(Path.Combine(folder, OrganizationSnapshotFile.FileName)))
            {
                OrganizationSnapshotFile.Write(org, file, DateTimeOffset.UnixEpoch);
            }

            var read = OrganizationSnapshotFile.Read(folder);

            Assert.Equal(org.Id, read.Id);
            Assert.Equal(org.Accounts.Select(a => (a.Id, a.Name, a.State, a.ParentId)), read.Accounts.Select(a => (a.Id, a.Name, a.State, a.ParentId)));
            Assert.Equal(org.Policies.Select(p => (p.Id, p.Content, string.Join(",", p.Targets))), read.Policies.Select(p => (p.Id, p.Content, string.Join(",", p.Targets))));
            Assert.True(read.ServiceControlPoliciesEnabled);
            Assert.Empty(read.Validate());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("\"Roots\": [", "\"Rots\": [", "$.Rots")]
    [InlineData("\"State\": \"ACTIVE\"", "\"State\": \"ON\"", "$.Accounts[0].State")]
    [InlineData("\"AuthorizationDetails\": \"accounts/222233334444.json\"", "\"AuthorizationDetails\": \"../elsewhere.json\"", "$.Accounts[1].AuthorizationDetails")]
    [InlineData("\"ManagementAccountId\": \"111122223333\"", "\"ManagementAccountId\": \"1111\"", "$.Organization.ManagementAccountId")]
    [InlineData("\"FormatVersion\": 1", "\"FormatVersion\": 7", "$.FormatVersion")]
    [InlineData("\"AwsManaged\": true", "\"AwsManaged\": \"yes\"", "$.Policies[0].AwsManaged")]
    [InlineData("\"Targets\": [", "\"Targets\": 5, \"x\": [", "$.Policies[0].x")]
    [InlineData("\"FormatVersion\": 1", "\"FormatVersion\": \"1\"", "$.FormatVersion")] // a string, not a number
    [InlineData("\"FormatVersion\": 1", "\"FormatVersion\": null", "$.FormatVersion")]
    [InlineData("\"State\": \"ACTIVE\"", "\"State\": \"\\ud800\"", "$")] // not text: the file is refused before it is read
    [InlineData("\"Roots\": [", "\"\\ud800\": 1, \"Roots\": [", "$")] // a name that is not text
    [InlineData("\"Roots\": [", "\"Roots\": \"\\udc00\", \"x\": [", "$")]
    public void ADamagedSnapshotIsRefusedNamingTheJsonPath(string find, string replace, string path)
    {
        var folder = Directory.CreateTempSubdirectory("mg-org-").FullName;
        try
        {
            var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", "organization", OrganizationSnapshotFile.FileName));
            Assert.Contains(find, text, StringComparison.Ordinal);
            var index = text.IndexOf(find, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(folder, OrganizationSnapshotFile.FileName), text[..index] + replace + text[(index + find.Length)..]);

            var error = Assert.Throws<OrganizationSnapshotException>(() => OrganizationSnapshotFile.Read(folder));

            Assert.Equal(path, error.JsonPath);
            Assert.Contains(OrganizationSnapshotFile.FileName, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void BytesThatAreNotUtf8InAStringRefuseTheFile()
    {
        var folder = Directory.CreateTempSubdirectory("mg-org-").FullName;
        try
        {
            var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", "organization", OrganizationSnapshotFile.FileName));
            var bytes = System.Text.Encoding.UTF8.GetBytes(text.Replace("\"State\": \"ACTIVE\"", "\"State\": \"AC__VE\"", StringComparison.Ordinal));
            var at = bytes.AsSpan().IndexOf("AC__VE"u8) + 2;
            (bytes[at], bytes[at + 1]) = (0xFF, 0xFE);
            File.WriteAllBytes(Path.Combine(folder, OrganizationSnapshotFile.FileName), bytes);

            var error = Assert.Throws<OrganizationSnapshotException>(() => OrganizationSnapshotFile.Read(folder));

            Assert.Equal("$", error.JsonPath);
            Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AFolderWithoutTheOrganizationFileOrWithBrokenJsonIsRefused()
    {
        var folder = Directory.CreateTempSubdirectory("mg-org-").FullName;
        try
        {
            Assert.Contains("there is no organization.json", Assert.Throws<OrganizationSnapshotException>(() => OrganizationSnapshotFile.Read(folder)).Message, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(folder, OrganizationSnapshotFile.FileName), "{ \"Format\": ");
            Assert.Contains("not valid JSON", Assert.Throws<OrganizationSnapshotException>(() => OrganizationSnapshotFile.Read(folder)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
