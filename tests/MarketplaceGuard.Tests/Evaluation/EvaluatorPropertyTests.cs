using System.Collections.Generic;
using System.Linq;
using CsCheck;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Evaluation;

/// <summary>
/// Properties that must hold for every policy and request: random documents over a small vocabulary of actions,
/// resources and conditions, so that matches and non-matches both happen often. CsCheck prints a shrunk
/// counterexample (and the seed to replay it) when a property fails.
/// </summary>
public sealed class EvaluatorPropertyTests
{
    private const int Iterations = 400;

    private static readonly string[] Actions = ["aws-marketplace:Subscribe", "aws-marketplace:Unsubscribe", "aws-marketplace:ViewSubscriptions", "ec2:RunInstances", "s3:GetObject"];
    private static readonly string[] Resources = ["*", "arn:aws:s3:::bucket/a", "arn:aws:ec2:eu-west-1::image/ami-1"];

    private static readonly string[] ActionPatterns =
        ["*", "aws-marketplace:*", "aws-marketplace:Subscribe", "aws-marketplace:*subscribe", "aws-marketplace:View*", "ec2:Run*", "s3:Get?bject", "AWS-MARKETPLACE:SUBSCRIBE"];

    private static readonly string[] ResourcePatterns =
        ["*", "arn:aws:s3:::bucket/*", "arn:aws:ec2:*::image/ami-*", "arn:aws:s3:::${aws:username}/*", "arn:aws:*:*:*:*"];

    private static readonly string[] Conditions =
    [
        "\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}",
        "\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}",
        "\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}",
        "\"NotIpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"192.168.0.0/16\"]}",
        "\"StringEquals\":{\"aws:PrincipalTag/team\":[\"procurement\",\"billing\"]}",
        "\"StringNotEquals\":{\"aws:PrincipalTag/team\":\"procurement\"}",
        "\"StringLike\":{\"aws:username\":\"a*\"}",
        "\"StringEquals\":{\"aws:PrincipalTag/team\":\"${aws:username}\"}",
        "\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"env\",\"owner\"]}",
        "\"ForAllValues:StringLike\":{\"aws:TagKeys\":\"env*\"}",
        "\"NumericLessThan\":{\"s3:max-keys\":\"10\"}",
        "\"Null\":{\"aws:SourceIp\":\"true\"}",
        "\"Null\":{\"aws:PrincipalTag/team\":\"false\"}",
    ];

    private static readonly Gen<string> Statement =
        Gen.Select(
            Gen.Bool,
            Gen.Bool.Select(b => b ? "NotAction" : "Action"),
            Gen.OneOf(ActionPatterns).Array[1, 3],
            Gen.Int[0, 6].Select(i => i == 0 ? "NotResource" : "Resource"),
            Gen.OneOf(ResourcePatterns).Array[1, 2],
            Gen.OneOf(Conditions).Array[0, 2])
        .Select((allow, actionElement, actions, resourceElement, resources, conditions) =>
            $$"""{"Effect":"{{(allow ? "Allow" : "Deny")}}","{{actionElement}}":{{Json(actions)}},"{{resourceElement}}":{{Json(resources)}}{{ConditionJson(conditions)}}}""");

    private static readonly Gen<string[]> Statements = Statement.Array[1, 5];

    private static readonly Gen<(string Key, object Value)[]> Context =
        Gen.Select(
            Gen.OneOf<object?>(null, "true", "false"),
            Gen.OneOf<object?>(null, "10.1.2.3", "192.168.1.1", "8.8.8.8"),
            Gen.OneOf<object?>(null, "procurement", "billing", "dev"),
            Gen.OneOf<object?>(null, "alice", "bob", "procurement"),
            Gen.OneOf<object?>(null, new string[0], new[] { "env" }, new[] { "env", "owner" }, new[] { "cost" }),
            Gen.OneOf<object?>(null, "5", "50"))
        .Select((mfa, ip, team, user, tags, maxKeys) =>
            new (string Key, object? Value)[]
            {
                ("aws:MultiFactorAuthPresent", mfa), ("aws:SourceIp", ip), ("aws:PrincipalTag/team", team),
                ("aws:username", user), ("aws:TagKeys", tags), ("s3:max-keys", maxKeys),
            }
            .Where(p => p.Value is not null)
            .Select(p => (p.Key, p.Value!))
            .ToArray());

    private static readonly Gen<(string Action, string Resource)> Request =
        Gen.Select(Gen.OneOf(Actions), Gen.OneOf(Resources));

    [Fact]
    public void AddingADenyNeverProducesAnAllow()
    {
        Gen.Select(Statements, Statement, Request, Context).Sample((statements, extra, request, context) =>
        {
            var before = Decide(statements, request, context);
            var deny = extra.Replace("\"Effect\":\"Allow\"", "\"Effect\":\"Deny\"", System.StringComparison.Ordinal);
            var after = Decide([.. statements, deny], request, context);
            return after == before || after == Decision.ExplicitDeny;
        }, iter: Iterations);
    }

    [Fact]
    public void StatementAndValueOrderNeverChangeADecision()
    {
        Gen.Select(Statements, Request, Context, Gen.Int).Sample((statements, request, context, seed) =>
        {
            var shuffled = Shuffle(statements, seed).Select(s => ReverseArrays(s)).ToArray();
            return Decide(statements, request, context) == Decide(shuffled, request, context);
        }, iter: Iterations);
    }

    [Fact]
    public void AuditAllowedIsAllowedInEveryConcreteContext()
    {
        Gen.Select(Statements, Request, Context).Sample((statements, request, context) =>
        {
            var audit = Audit(statements, request, RequestContext.Unknown);
            return audit != AuditDecision.Allowed || Decide(statements, request, context) == Decision.Allowed;
        }, iter: Iterations);
    }

    [Fact]
    public void AuditDeniedIsNeverAllowedConcretely()
    {
        Gen.Select(Statements, Request, Context).Sample((statements, request, context) =>
        {
            var audit = Audit(statements, request, RequestContext.Unknown);
            var denied = audit is AuditDecision.ExplicitDeny or AuditDecision.ImplicitDeny;
            return !denied || Decide(statements, request, context) != Decision.Allowed;
        }, iter: Iterations);
    }

    [Fact]
    public void AnAuditWithEveryKeyKnownAgreesWithTheConcreteDecision()
    {
        Gen.Select(Statements, Request, Context).Sample((statements, request, context) =>
        {
            var allKeys = new[] { "aws:MultiFactorAuthPresent", "aws:SourceIp", "aws:PrincipalTag/team", "aws:username", "aws:TagKeys", "s3:max-keys" };
            var known = Eval.Audit(context).WithAbsent(allKeys.Where(k => context.All(c => c.Key != k)));
            var audit = Audit(statements, request, known);
            var concrete = Decide(statements, request, context);
            return (audit, concrete) is (AuditDecision.Allowed, Decision.Allowed)
                or (AuditDecision.ExplicitDeny, Decision.ExplicitDeny)
                or (AuditDecision.ImplicitDeny, Decision.ImplicitDeny);
        }, iter: Iterations);
    }

    [Fact]
    public void AStatementWhoseNotResourceCannotBeResolvedNeverChangesADecision()
    {
        // Without aws:username the pattern neither covers nor excludes any resource, so the statement never applies.
        var unresolvable = Gen.Select(Gen.Bool, Gen.OneOf(ActionPatterns).Array[1, 3], Gen.OneOf(ResourcePatterns).Array[0, 2], Gen.OneOf(Conditions).Array[0, 2])
            .Select((allow, actions, others, conditions) =>
                $$"""{"Effect":"{{(allow ? "Allow" : "Deny")}}","Action":{{Json(actions)}},"NotResource":{{Json([.. others, "arn:aws:s3:::${aws:username}/*"])}}{{ConditionJson(conditions)}}}""");

        Gen.Select(Statements, unresolvable, Request, Context).Sample((statements, extra, request, context) =>
        {
            var withoutUser = context.Where(c => c.Key != "aws:username").ToArray();
            return Decide([.. statements, extra], request, withoutUser) == Decide(statements, request, withoutUser);
        }, iter: Iterations);
    }

    [Fact]
    public void ExplainAgreesWithDecide()
    {
        Gen.Select(Statements, Request, Context).Sample((statements, request, context) =>
        {
            var set = Set(statements);
            var concrete = Eval.Concrete(context);
            return PolicyEvaluator.Default.Explain(set, request.Action, request.Resource, concrete).Decision
                == PolicyEvaluator.Default.Decide(set, request.Action, request.Resource, concrete);
        }, iter: Iterations);
    }

    private static PolicySet Set(string[] statements) =>
        new([new NamedPolicy("random", PolicyCompiler.Compile(PolicyParser.Parse($$"""{"Version":"2012-10-17","Statement":[{{string.Join(",", statements)}}]}""")))]);

    private static Decision Decide(string[] statements, (string Action, string Resource) request, (string Key, object Value)[] context) =>
        PolicyEvaluator.Default.Decide(Set(statements), request.Action, request.Resource, Eval.Concrete(context));

    private static AuditDecision Audit(string[] statements, (string Action, string Resource) request, RequestContext context) =>
        PolicyEvaluator.Default.Audit(Set(statements), request.Action, request.Resource, context).Decision;

    private static string Json(IEnumerable<string> values) => "[" + string.Join(",", values.Select(v => "\"" + v + "\"")) + "]";

    private static string ConditionJson(string[] conditions)
    {
        // Two clauses with the same operator would be a duplicate JSON key: keep the first of each.
        var distinct = conditions.GroupBy(c => c[..c.IndexOf(':', System.StringComparison.Ordinal)]).Select(g => g.First()).ToArray();
        return distinct.Length == 0 ? string.Empty : ",\"Condition\":{" + string.Join(",", distinct) + "}";
    }

    private static string[] Shuffle(string[] items, int seed)
    {
        var random = new System.Random(seed);
        return items.OrderBy(_ => random.Next()).ToArray();
    }

    // Reverses the values of every JSON array in a statement (action, resource and condition value lists).
    private static string ReverseArrays(string statement) =>
        System.Text.RegularExpressions.Regex.Replace(statement, @"\[([^\[\]]*)\]", m =>
            "[" + string.Join(",", m.Groups[1].Value.Split(',').Reverse()) + "]");
}
