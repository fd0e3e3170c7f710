using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Engine.Guardrails;

/// <summary>
/// A service control policy as the AWS layer read it for a guardrail change: its id, name, description, document,
/// tags and every root, OU and account it is attached to directly.
/// </summary>
public sealed record ServiceControlPolicyState(
    string Id,
    string Name,
    string? Description,
    string Content,
    bool AwsManaged,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Targets)
{
    /// <summary>Created by this module: its name starts with <see cref="GuardrailPolicy.NamePrefix"/> and it carries the <c>managed-by</c> tag.</summary>
    public bool IsOurs => Name.StartsWith(GuardrailPolicy.NamePrefix, StringComparison.Ordinal) && IsTaggedAsOurs;

    public bool IsTaggedAsOurs => Tags.TryGetValue(GuardrailNames.TagKey, out var value) && value == GuardrailNames.TagValue;

    /// <summary>The rules the module's tag says the policy denies (empty when the tag is missing).</summary>
    public IReadOnlyList<int> Rules => GuardrailNames.ParseRules(Tags.GetValueOrDefault(GuardrailNames.RulesTagKey));

    public override string ToString() => $"{Name} ({Id})";
}

/// <summary>
/// What the AWS layer read of an organization for a guardrail change to one target; the planner decides from it alone:
/// <list type="bullet">
/// <item><see cref="Target"/>: the root, OU or account, which exists;</item>
/// <item><see cref="LevelsAbove"/>: the levels from the root down to the target's parent, each with its SCPs
/// (documents included): with the target's own SCPs, what governs the member accounts at the target;</item>
/// <item><see cref="Policies"/>: every SCP attached directly to the target, and every SCP whose name is one the module
/// uses for this target (<see cref="GuardrailNames.For"/>), attached or not.</item>
/// </list>
/// </summary>
public sealed class GuardrailState
{
    public GuardrailState(GuardrailTarget target, string managementAccountId, IEnumerable<ServiceControlPolicyLevel> levelsAbove, IEnumerable<ServiceControlPolicyState> policies)
    {
        Target = target;
        ManagementAccountId = managementAccountId;
        LevelsAbove = levelsAbove.ToList();
        Policies = policies.ToList();
    }

    public GuardrailTarget Target { get; }

    public string ManagementAccountId { get; }

    public IReadOnlyList<ServiceControlPolicyLevel> LevelsAbove { get; }

    public IReadOnlyList<ServiceControlPolicyState> Policies { get; }

    /// <summary>The SCPs attached directly to the target.</summary>
    public IReadOnlyList<ServiceControlPolicyState> Attached => Policies.Where(p => p.Targets.Contains(Target.Id, StringComparer.Ordinal)).ToList();

    /// <summary>The SCP with this name, or null.</summary>
    public ServiceControlPolicyState? Named(string name) => Policies.FirstOrDefault(p => p.Name == name);

    /// <summary>True when the target is the management account, which SCPs never restrict.</summary>
    public bool IsManagementAccount => Target.Kind == OrganizationTargetKind.Account && Target.Id == ManagementAccountId;
}
