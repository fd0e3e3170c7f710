using System;
using System.Linq;
using MarketplaceGuard.Engine.Guardrails;
using MarketplaceGuard.Engine.Organizations;
using static MarketplaceGuard.Tests.Guardrails.GuardrailFixtures;

namespace MarketplaceGuard.Tests.Guardrails;

/// <summary>The lockout guard: excepted principals keep their capability under the SCPs that would govern the target.</summary>
public sealed class GuardrailLockoutGuardTests
{
    private const string DenyEveryone = """{"Version":"2012-10-17","Statement":[{"Sid":"NoMarketplace","Effect":"Deny","Action":"aws-marketplace:*","Resource":"*"}]}""";

    [Fact]
    public void AGuardrailThatExceptsItsProcurementPrincipalPasses()
    {
        var plan = GuardrailPlanner.PlanSet(State(Sandbox, FullAwsAccess()), [Guardrail()]);

        Assert.Empty(plan.Refusals);
    }

    [Fact]
    public void ADocumentThatDeniesItsOwnExceptionIsRefusedNamingThePrincipalAndStatement()
    {
        var broken = Guardrail(content: OnlyProcurementSubscribes());

        var plan = GuardrailPlanner.PlanSet(State(Sandbox, FullAwsAccess()), [broken]);

        var refusal = Assert.Single(plan.Refusals);
        Assert.Equal(GuardrailRefusalKind.LockOut, refusal.Kind);
        Assert.Contains("The procurement principal arn:aws:iam::*:role/Procurement* (checked as arn:aws:iam::000000000000:role/Procurementx) would lose Procure", refusal.Message, StringComparison.Ordinal);
        Assert.Contains($"Deny SCP MarketplaceGuard-Rule1-{SandboxId} statement 0 (Sid NoSubscriptions) attached to OU Sandbox ({SandboxId})", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnScpAboveTheTargetThatDeniesTheExceptionIsNamed()
    {
        var rootDeny = new ServiceControlPolicy("p-rootdeny1", string.Empty, "NoMarketplace", null, false, DenyEveryone, [RootId]);
        var state = new GuardrailState(Sandbox, Management, [RootLevel(rootDeny)], [FullAwsAccess()]);

        var plan = GuardrailPlanner.PlanSet(state, [Guardrail()]);

        Assert.Contains($"Deny SCP NoMarketplace statement 0 (Sid NoMarketplace) attached to root {RootId}", Assert.Single(plan.Refusals).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATargetWhoseScpsWouldAllowNothingIsALockoutToo()
    {
        var handmade = Scp("OnlyEc2", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}""", "p-onlyec201", targets: SandboxId);

        var plan = GuardrailPlanner.PlanSet(State(Sandbox, handmade), [Guardrail()]);

        Assert.Contains($"no SCP attached to OU Sandbox ({SandboxId}) allows it", Assert.Single(plan.Refusals).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInvalidScpAboveMakesTheCheckImpossibleAndRefuses()
    {
        var broken = new ServiceControlPolicy("p-broken01", string.Empty, "Broken", null, false, "{not a policy", [RootId]);
        var state = new GuardrailState(Sandbox, Management, [RootLevel(broken)], [FullAwsAccess()]);

        var refusal = Assert.Single(GuardrailPlanner.PlanSet(state, [Guardrail()]).Refusals);

        Assert.Equal(GuardrailRefusalKind.Unverifiable, refusal.Kind);
        Assert.Contains("SCP Broken attached to root r-a1b2", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheManagementAccountIsNotCheckedButWarnedAbout()
    {
        var management = new GuardrailTarget(Management, OrganizationTargetKind.Account, "management");
        var state = new GuardrailState(management, Management, [RootLevel()], [FullAwsAccess(Management)]);

        var plan = GuardrailPlanner.PlanSet(state, [Guardrail(content: OnlyProcurementSubscribes())]);

        Assert.Empty(plan.Refusals);
        Assert.Contains("SCPs never restrict it", Assert.Single(plan.Warnings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:iam::*:role/Procurement*", "arn:aws:iam::000000000000:role/Procurementx")]
    [InlineData("arn:aws:iam::111122223333:user/pat", "arn:aws:iam::111122223333:user/pat")]
    [InlineData("arn:aws:iam::1111222233?3:role/team/buyer-?", "arn:aws:iam::111122223303:role/team/buyer-x")]
    public void AWildcardPatternIsCheckedWithAPrincipalItMatches(string pattern, string instance)
    {
        Assert.Equal(instance, GuardrailLockoutGuard.ConcreteInstance(pattern));
    }

    [Fact]
    public void UnderAnAccountAWildcardAccountIsThatAccount()
    {
        Assert.Equal("arn:aws:iam::222222222222:user/pat", GuardrailLockoutGuard.ConcreteInstance("arn:aws:iam::*:user/pat", "222222222222"));
        Assert.Equal("arn:aws:iam::111122223333:user/pat", GuardrailLockoutGuard.ConcreteInstance("arn:aws:iam::111122223333:user/pat", "222222222222"));
    }
}
