using System.Collections.Generic;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Tests.Reports;

/// <summary>
/// An organization audit of four requested accounts, as a fan-out leaves it: prod (111122223333, the findings of
/// <see cref="ReportFixture"/>, a relevant SCP), dev (222233334444, clean), and a sandbox whose name is markup
/// (333344445555, the same findings, SCPs not considered); legacy (444455556666) was not audited.
/// </summary>
internal sealed class OrganizationFixture
{
    public const string OrganizationId = "o-a1b2c3d4e5";
    public const string ManagementAccountId = "999988887777";
    public const string SandboxName = "Sand<box> & *Co*";
    public const string NotAuditedReason = "AssumeRole was denied (AccessDenied)";

    public const string Clean = """
        { "UserDetailList": [ { "UserName": "alice", "Arn": "arn:aws:iam::222233334444:user/alice", "GroupList": ["Procurement"] } ],
          "GroupDetailList": [ { "GroupName": "Procurement", "Arn": "arn:aws:iam::222233334444:group/Procurement",
            "GroupPolicyList": [ { "PolicyName": "Buy", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
              { "Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*" } ] } } ] } ] }
        """;

    public static readonly ServiceControlPolicyAssessment ProdPolicies = new(
        true, "applied: root r-a1b2, OU Workloads (ou-a1b2-11111111), account prod (111122223333)", ["DenyMarketplace (OU Workloads)"]);

    public static readonly ServiceControlPolicyAssessment DevPolicies = new(
        true, "applied: root r-a1b2, OU Workloads (ou-a1b2-11111111), account dev (222233334444)", []);

    public static readonly ServiceControlPolicyAssessment SandboxPolicies = ServiceControlPolicyAssessment.NotConsidered("the SCP p-broken is not valid JSON");

    public OrganizationFixture(bool release = false)
    {
        Scope = new OrganizationScope(OrganizationId, ManagementAccountId, true, null, 4);
        Prod = ReportFixture.Audit(source: "prod.json");
        Dev = ReportFixture.Audit(Clean, "dev.json");
        Sandbox = ReportFixture.Audit(ReportFixture.Snapshot.Replace("111122223333", "333344445555", System.StringComparison.Ordinal), "sandbox.json");
        Join(Scope, Prod, Dev, Sandbox);
        Scope.AddUnaudited(new UnauditedAccount("444455556666", "legacy", NotAuditedReason));
        if (release)
        {
            foreach (var run in Runs)
            {
                run.Release();
            }
        }
    }

    public OrganizationScope Scope { get; }

    public AuditRun Prod { get; }

    public AuditRun Dev { get; }

    public AuditRun Sandbox { get; }

    /// <summary>In account id order.</summary>
    public IReadOnlyList<AuditRun> Runs => [Prod, Dev, Sandbox];

    /// <summary>Makes the runs part of <paramref name="scope"/> with their names, places and SCP assessments, as the fan-out does.</summary>
    public void Join(OrganizationScope scope, params AuditRun[] runs)
    {
        foreach (var run in runs)
        {
            var (name, path, policies) = run == Prod ? ("prod", "Root / Workloads / Prod", ProdPolicies)
                : run == Dev ? ("dev", "Root / Workloads / Dev", DevPolicies)
                : (SandboxName, "Root / Sandbox", SandboxPolicies);
            run.SetOrganizationContext(name, path, scope, policies);
            scope.AddRun(run);
        }
    }
}
