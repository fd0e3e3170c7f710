using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Guardrails;
using MarketplaceGuard.Engine.Organizations;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Guardrails;

/// <summary>Guardrail policies, SCP states and targets the guardrail tests share.</summary>
internal static class GuardrailFixtures
{
    public const string RootId = "r-a1b2";
    public const string SandboxId = "ou-a1b2-sandbox1";
    public const string Management = "111111111111";
    public const string ProcurementRole = "arn:aws:iam::*:role/Procurement*";
    public const string FullAwsAccessContent = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    public static readonly GuardrailTarget Sandbox = new(SandboxId, OrganizationTargetKind.OrganizationalUnit, "Sandbox");
    public static readonly GuardrailTarget Root = new(RootId, OrganizationTargetKind.Root, "Root");

    /// <summary>Denies procurement to everyone but the principals matching <paramref name="excepted"/> (none: to everyone).</summary>
    public static string OnlyProcurementSubscribes(params string[] excepted) => excepted.Length == 0
        ? """{"Version":"2012-10-17","Statement":[{"Sid":"NoSubscriptions","Effect":"Deny","Action":["aws-marketplace:Subscribe","aws-marketplace:CreateAgreementRequest","aws-marketplace:AcceptAgreementRequest"],"Resource":"*"}]}"""
        : """{"Version":"2012-10-17","Statement":[{"Sid":"OnlyProcurementSubscribes","Effect":"Deny","Action":["aws-marketplace:Subscribe","aws-marketplace:CreateAgreementRequest","aws-marketplace:AcceptAgreementRequest"],"Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":["""
            + string.Join(",", excepted.Select(e => $"\"{e}\"")) + "]}}}]}";

    public static GuardrailPolicy Guardrail(string name = "MarketplaceGuard-Rule1", string? content = null, IReadOnlyList<string>? procurement = null, int[]? rules = null, string description = "Only the procurement team subscribes")
    {
        procurement ??= [ProcurementRole];
        content ??= OnlyProcurementSubscribes([.. procurement]);
        return new GuardrailPolicy(name, description, rules ?? [1], PolicyParser.Parse(content), content, new GuardrailExceptions(procurement, [], [], []));
    }

    public static IReadOnlyDictionary<string, string> OurTags(string rules = "1") =>
        new Dictionary<string, string> { [GuardrailNames.TagKey] = GuardrailNames.TagValue, [GuardrailNames.RulesTagKey] = rules };

    public static ServiceControlPolicyState FullAwsAccess(params string[] targets) =>
        new("p-FullAWSAccess", "FullAWSAccess", "Allows access to every operation", FullAwsAccessContent, true, new Dictionary<string, string>(), targets.Length == 0 ? [SandboxId] : targets);

    public static ServiceControlPolicyState Scp(string name, string content, string id, IReadOnlyDictionary<string, string>? tags = null, string? description = "Only the procurement team subscribes", params string[] targets) =>
        new(id, name, description, content, false, tags ?? new Dictionary<string, string>(), targets);

    /// <summary>The root level above the sandbox, with FullAWSAccess (and more SCPs when given).</summary>
    public static ServiceControlPolicyLevel RootLevel(params ServiceControlPolicy[] more) =>
        new(RootId, OrganizationTargetKind.Root, "Root", [new ServiceControlPolicy("p-FullAWSAccess", string.Empty, "FullAWSAccess", null, true, FullAwsAccessContent, [RootId]), .. more]);

    public static GuardrailState State(GuardrailTarget target, params ServiceControlPolicyState[] policies) =>
        new(target, Management, target.Kind == OrganizationTargetKind.Root ? [] : [RootLevel()], policies);
}
