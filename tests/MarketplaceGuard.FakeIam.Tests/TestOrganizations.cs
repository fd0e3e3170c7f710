using System;
using System.Globalization;
using MarketplaceGuard.FakeIam.Organizations;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>
/// A small organization the Organizations and AssumeRole tests share: root r-a1b2, OUs Workloads and Sandbox (with
/// Experiments under it), the management account 111111111111 under the root, and member accounts 200000000001 ...
/// spread over the three OUs, each with an OrganizationAccountAccessRole that trusts the management account and one
/// user. FullAWSAccess is attached everywhere, DenyMarketplaceSubscribe to Sandbox.
/// </summary>
internal static class TestOrganizations
{
    public const string Management = "111111111111";
    public const string OrganizationId = "o-a1b2c3d4e5";
    public const string RootId = "r-a1b2";
    public const string Workloads = "ou-a1b2-workload";
    public const string Sandbox = "ou-a1b2-sandbox1";
    public const string Experiments = "ou-a1b2-experim1";
    public const string DenyMarketplaceId = "p-denymarket";
    public const string DenyMarketplaceContent = """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"aws-marketplace:Subscribe","Resource":"*"}]}""";
    public const string AccessRole = "OrganizationAccountAccessRole";

    public static readonly DateTimeOffset Joined = new(2024, 3, 1, 12, 30, 15, TimeSpan.Zero);

    public static string TrustAccount(string accountId) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{accountId}}:root"},"Action":"sts:AssumeRole"}]}""";

    public static string Member(int i) => (200000000000L + i).ToString(CultureInfo.InvariantCulture);

    public static string RoleArn(string accountId, string roleName = AccessRole) => $"arn:aws:iam::{accountId}:role/{roleName}";

    public static string ParentOfMember(int i) => (i % 3) switch
    {
        1 => Workloads,
        2 => Sandbox,
        _ => Experiments,
    };

    public static FakeOrganization Build(int members = 3)
    {
        var org = new FakeOrganization(Management, OrganizationId, "root@example.com");
        org.AddRoot(RootId);
        org.AddOrganizationalUnit("Workloads", RootId, Workloads);
        org.AddOrganizationalUnit("Sandbox", RootId, Sandbox);
        org.AddOrganizationalUnit("Experiments", Sandbox, Experiments);
        org.AddAccount(Management, "management", RootId, "root@example.com").JoinedTimestamp = Joined;
        for (var i = 1; i <= members; i++)
        {
            var id = Member(i);
            var iam = new FakeIamAccount(id);
            iam.AddRole(AccessRole, TrustAccount(Management));
            iam.AddUser($"user-of-{id}");
            org.AddAccount(id, $"member-{i}", ParentOfMember(i), iam: iam).JoinedTimestamp = Joined;
        }

        var full = org.AddFullAwsAccess();
        foreach (var target in new[] { RootId, Workloads, Sandbox, Experiments })
        {
            org.AttachPolicy(full.Id, target);
        }

        foreach (var account in org.Accounts)
        {
            org.AttachPolicy(full.Id, account.Id);
        }

        org.AddPolicy("DenyMarketplaceSubscribe", DenyMarketplaceContent, DenyMarketplaceId, "No Marketplace subscriptions in the sandbox");
        org.AttachPolicy(DenyMarketplaceId, Sandbox);
        return org;
    }
}
