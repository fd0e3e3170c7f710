using System;
using System.Linq;
using MarketplaceGuard.Engine.Guardrails;
using MarketplaceGuard.Engine.Organizations;
using static MarketplaceGuard.Tests.Guardrails.GuardrailFixtures;

namespace MarketplaceGuard.Tests.Guardrails;

/// <summary>The guardrail planner: names per target, create before attach, converge, parts no longer needed, quotas, Remove.</summary>
public sealed class GuardrailPlannerTests
{
    private const string OurName = "MarketplaceGuard-Rule1-" + SandboxId;
    private const string PartTwo = "MarketplaceGuard-Rule1-Part2-" + SandboxId;

    private static string[] Kinds(GuardrailPlan plan) => plan.Changes.Select(c => $"{c.Kind} {c.PolicyName}").ToArray();

    [Fact]
    public void SetCreatesTheTargetsOwnPolicyTaggedAsOursThenAttachesIt()
    {
        var plan = GuardrailPlanner.PlanSet(State(Sandbox, FullAwsAccess()), [Guardrail()]);

        Assert.Equal([$"CreatePolicy {OurName}", $"AttachPolicy {OurName}"], Kinds(plan));
        Assert.Empty(plan.Refusals);
        var create = plan.Changes[0];
        Assert.Equal(("MarketplaceGuard", "1"), (create.Tags![GuardrailNames.TagKey], create.Tags[GuardrailNames.RulesTagKey]));
        Assert.Equal(Guardrail().Content, create.Content);
        Assert.Equal($"attach SCP {OurName} to OU Sandbox ({SandboxId})", plan.Changes[1].Description);
        Assert.Equal(["FullAWSAccess", OurName], plan.AttachedAfter);
    }

    [Fact]
    public void TheSameGuardrailOnAnotherTargetIsAnotherPolicy()
    {
        var onSandbox = Scp(OurName, Guardrail().Content, "p-oursandbox", OurTags(), targets: SandboxId);
        var workloads = new GuardrailTarget("ou-a1b2-workload", OrganizationTargetKind.OrganizationalUnit, "Workloads");

        var plan = GuardrailPlanner.PlanSet(State(workloads, FullAwsAccess("ou-a1b2-workload"), onSandbox), [Guardrail(procurement: ["arn:aws:iam::*:role/Other"])]);

        Assert.Equal(["CreatePolicy MarketplaceGuard-Rule1-ou-a1b2-workload", "AttachPolicy MarketplaceGuard-Rule1-ou-a1b2-workload"], Kinds(plan));
    }

    [Fact]
    public void ASecondRunPlansNothing()
    {
        var ours = Scp(OurName, Guardrail().Content, "p-ours0001", OurTags(), targets: SandboxId);

        var plan = GuardrailPlanner.PlanSet(State(Sandbox, FullAwsAccess(), ours), [Guardrail()]);

        Assert.Empty(plan.Changes);
        Assert.Empty(plan.Refusals);
    }

    [Fact]
    public void ADocumentFormattedDifferentlyButEqualIsNotRewritten()
    {
        var reformatted = Guardrail().Content.Replace(",", ", ", StringComparison.Ordinal);
        var ours = Scp(OurName, reformatted, "p-ours0001", OurTags(), targets: SandboxId);

        Assert.Empty(GuardrailPlanner.PlanSet(State(Sandbox, FullAwsAccess(), ours), [Guardrail()]).Changes);
    }

    [Fact]
    public void ChangedExceptionsUpdateTheDocumentOnly()
    {
        var ours = Scp(OurName, Guardrail().Content, "p-ours0001", OurTags(), targets: SandboxId);
        var widened = Guardrail(procurement: [ProcurementRole, "arn:aws:iam::*:role/Buyers"]);

        var plan = GuardrailPlanner.PlanSet(State(Sandbox, FullAwsAccess(), ours), [widened]);

        var update = Assert.Single(plan.Changes);
        Assert.Equal((GuardrailChangeKind.UpdatePolicy, "p-ours0001", widened.Content, null), (update.Kind, update.PolicyId, update.Content, update.PolicyDescription));
        Assert.Equal(Guardrail().Content, update.PreviousContent);
        Assert.Equal($"update SCP {OurName} (p-ours0001): its document", update.Description);
    }

    [Fact]
    public void APolicyOfOurNameWithoutTheTagIsTagged()
    {
        var untagged = Scp(OurName, Guardrail().Content, "p-ours0001", targets: SandboxId);

        var plan = GuardrailPlanner.PlanSet(State(Sandbox, FullAwsAccess(), untagged), [Guardrail()]);

        Assert.Equal([$"TagPolicy {OurName}"], Kinds(plan));
    }

    [Fact]
    public void APartNoLongerNeededIsDetachedAndDeleted()
    {
        var ours = Scp(OurName, Guardrail().Content, "p-ours0001", OurTags(), targets: SandboxId);
        var part2 = Scp(PartTwo, Guardrail().Content, "p-ours0002", OurTags(), targets: SandboxId);
        var rule2 = Scp("MarketplaceGuard-Rule2-" + SandboxId, Guardrail().Content, "p-ours0003", OurTags("2"), targets: SandboxId);

        var plan = GuardrailPlanner.PlanSet(State(Sandbox, FullAwsAccess(), ours, part2, rule2), [Guardrail()]);

        Assert.Equal([$"DetachPolicy {PartTwo}", $"DeletePolicy {PartTwo}"], Kinds(plan));
    }

    [Fact]
    public void APartStillAttachedElsewhereIsOnlyDetached()
    {
        var ours = Scp(OurName, Guardrail().Content, "p-ours0001", OurTags(), targets: SandboxId);
        var part2 = Scp(PartTwo, Guardrail().Content, "p-ours0002", OurTags(), targets: [SandboxId, "222222222222"]);

        var plan = GuardrailPlanner.PlanSet(State(Sandbox, FullAwsAccess(), ours, part2), [Guardrail()]);

        Assert.Equal([$"DetachPolicy {PartTwo}"], Kinds(plan));
    }

    [Fact]
    public void ASixthPolicyIsRefusedBeforeAnyWrite()
    {
        var others = Enumerable.Range(1, 4).Select(i => Scp($"Other{i}", FullAwsAccessContent, $"p-other000{i}", targets: SandboxId)).ToArray();

        var plan = GuardrailPlanner.PlanSet(State(Sandbox, [FullAwsAccess(), .. others]), [Guardrail()]);

        var refusal = Assert.Single(plan.Refusals);
        Assert.Equal(GuardrailRefusalKind.TooManyPolicies, refusal.Kind);
        Assert.Contains("would have 6 SCPs", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFullTargetSwapsAPartWithoutEverHoldingSix()
    {
        var others = Enumerable.Range(1, 3).Select(i => Scp($"Other{i}", FullAwsAccessContent, $"p-other000{i}", targets: SandboxId)).ToArray();
        var part2 = Scp(PartTwo, Guardrail().Content, "p-ours0002", OurTags(), targets: SandboxId);

        var plan = GuardrailPlanner.PlanSet(State(Sandbox, [FullAwsAccess(), .. others, part2]), [Guardrail()]);

        Assert.Empty(plan.Refusals);
        Assert.Equal([$"CreatePolicy {OurName}", $"DetachPolicy {PartTwo}", $"AttachPolicy {OurName}", $"DeletePolicy {PartTwo}"], Kinds(plan));
    }

    [Fact]
    public void TheRootAndAGuardrailExceptingNobodyAreRefusedUnlessForced()
    {
        var rootState = new GuardrailState(Root, Management, [], [FullAwsAccess(RootId)]);

        var plan = GuardrailPlanner.PlanSet(rootState, [Guardrail(content: OnlyProcurementSubscribes(), procurement: [])]);

        Assert.Equal([GuardrailRefusalKind.Root, GuardrailRefusalKind.NoProcurementException], plan.Refusals.Select(r => r.Kind).ToArray());
        Assert.All(plan.Refusals, r => Assert.True(r.ForceOverrides));
        Assert.Contains("would deny procurement to every principal of the member accounts under root r-a1b2", plan.Refusals[1].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:iam::*:user/pat", false)]
    [InlineData("arn:aws:iam::44445555????:role/Procurement", false)]
    [InlineData("arn:aws:iam::444455556666:root", false)]
    [InlineData("arn:aws:iam::111122223333:user/pat;arn:aws:iam::444455556666:user/pat", false)]
    [InlineData("arn:aws:iam::111122223333:user/pat", true)]
    [InlineData("arn:aws:iam::111122223333:user/pat;arn:aws:iam::4444555566?7:role/Procurement", true)]
    public void OnAnAccountAGuardrailExceptingOnlyPrincipalsOfOtherAccountsIsRefusedUnlessForced(string exceptions, bool refused)
    {
        // The account's own procurement team is not excepted: the lockout guard checks the excepted principals, which live
        // elsewhere, and would pass while every principal of the account loses procurement.
        var account = new GuardrailTarget("444455556666", OrganizationTargetKind.Account, "workloads");
        var state = new GuardrailState(account, Management, [RootLevel()], [FullAwsAccess("444455556666")]);

        var plan = GuardrailPlanner.PlanSet(state, [Guardrail(procurement: exceptions.Split(';'))]);

        var refusal = plan.Refusals.SingleOrDefault(r => r.Kind == GuardrailRefusalKind.NoProcurementException);
        Assert.Equal(refused, refusal is not null);
        if (refusal is not null)
        {
            Assert.True(refusal.ForceOverrides);
            Assert.Contains("excepts procurement principals of other accounts only", refusal.Message, StringComparison.Ordinal);
            Assert.Contains("would deny procurement to every principal of account workloads (444455556666)", refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TwoGuardrailsOfOneNameAreAnError()
    {
        Assert.Throws<ArgumentException>(() => GuardrailPlanner.PlanSet(State(Sandbox, FullAwsAccess()), [Guardrail(), Guardrail()]));
    }

    [Fact]
    public void RemoveDetachesOursDeletesWhatIsAttachedNowhereAndKeepsTheRest()
    {
        var ours = Scp(OurName, Guardrail().Content, "p-ours0001", OurTags(), targets: SandboxId);
        var shared = Scp(PartTwo, Guardrail().Content, "p-ours0002", OurTags(), targets: [SandboxId, "222222222222"]);
        var someoneElses = Scp("MarketplaceGuard-Handmade", Guardrail().Content, "p-hand0001", targets: SandboxId);
        var orphan = Scp("MarketplaceGuard-Rule2-" + SandboxId, Guardrail().Content, "p-orphan01", OurTags("2"));

        var plan = GuardrailPlanner.PlanRemove(State(Sandbox, FullAwsAccess(), ours, shared, someoneElses, orphan));

        Assert.Equal([$"DetachPolicy {OurName}", $"DetachPolicy {PartTwo}", $"DeletePolicy {OurName}", $"DeletePolicy MarketplaceGuard-Rule2-{SandboxId}"], Kinds(plan));
        Assert.Equal(["FullAWSAccess", "MarketplaceGuard-Handmade"], plan.AttachedAfter);
    }

    [Fact]
    public void RemoveOfOneRuleLeavesTheOthers()
    {
        var ours = Scp(OurName, Guardrail().Content, "p-ours0001", OurTags(), targets: SandboxId);
        var rule2 = Scp("MarketplaceGuard-Rule2-" + SandboxId, Guardrail().Content, "p-ours0003", OurTags("2"), targets: SandboxId);

        var plan = GuardrailPlanner.PlanRemove(State(Sandbox, FullAwsAccess(), ours, rule2), [2]);

        Assert.Equal([$"DetachPolicy MarketplaceGuard-Rule2-{SandboxId}", $"DeletePolicy MarketplaceGuard-Rule2-{SandboxId}"], Kinds(plan));
    }

    [Fact]
    public void RemoveRefusesToLeaveTheTargetWithoutAnyScp()
    {
        var ours = Scp(OurName, Guardrail().Content, "p-ours0001", OurTags(), targets: SandboxId);

        var plan = GuardrailPlanner.PlanRemove(State(Sandbox, ours));

        Assert.Equal(GuardrailRefusalKind.NoPolicyLeft, Assert.Single(plan.Refusals).Kind);
    }

    [Fact]
    public void RemoveWithNothingOfOursPlansNothing()
    {
        Assert.Empty(GuardrailPlanner.PlanRemove(State(Sandbox, FullAwsAccess())).Changes);
    }
}
