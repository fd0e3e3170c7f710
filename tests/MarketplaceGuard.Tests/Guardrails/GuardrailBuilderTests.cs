using System;
using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Guardrails;
using MarketplaceGuard.Engine.Policies;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Tests.Guardrails;

/// <summary>
/// The documents themselves: valid SCPs, minimised and byte-stable, split at AWS Organizations' 5,120 characters
/// without ever splitting an exception list, refused when they cannot fit, and the approved-product denies.
/// </summary>
public sealed class GuardrailBuilderTests
{
    private const string Procurement = "arn:aws:iam::111122223333:role/Procurement";
    private const string Approved = "prod-4pmewlybdftbs";
    private const string FullAccess = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    private static string Role(int length, char fill = 'p') => "arn:aws:iam::111122223333:role/" + new string(fill, length);

    [Fact]
    public void OneDocumentPerRuleNamedByTheRule()
    {
        var policies = GuardrailBuilder.Build(GuardrailAccessTests.Options);

        Assert.Equal(["MarketplaceGuard-Rule1", "MarketplaceGuard-Rule2", "MarketplaceGuard-Rule3"], policies.Select(p => p.Name));
        Assert.Equal([[1], [2], [3]], policies.Select(p => p.Rules.ToArray()));
        Assert.All(policies, p => Assert.Same(policies[0].Exceptions, p.Exceptions));
        Assert.Equal(["MarketplaceGuard-Rule2"], GuardrailBuilder.Build(new GuardrailOptions { Rules = [2, 2] }).Select(p => p.Name));
    }

    [Fact]
    public void EveryDocumentIsAValidMinimisedScp()
    {
        var policies = GuardrailBuilder.Build(GuardrailAccessTests.Options with { ApprovedProductIds = [Approved] });

        Assert.All(policies, p =>
        {
            var parsed = PolicyParser.Parse(p.Content);
            Assert.True(parsed.SemanticallyEquals(p.Policy));
            Assert.Equal(p.Content.Length, p.Length);
            Assert.InRange(p.Length, 1, GuardrailPolicy.MaxLength);
            Assert.DoesNotContain(p.Content, char.IsWhiteSpace);
            Assert.DoesNotContain("\"Resource\":[\"*\"]", p.Content, StringComparison.Ordinal);
            Assert.All(parsed.Statements, s => Assert.Equal(PolicyEffect.Deny, s.Effect));
            Assert.Equal(parsed.Statements.Count, parsed.Statements.Select(s => s.Sid).Distinct().Count());
        });
    }

    [Fact]
    public void TheSameInputGivesByteIdenticalDocumentsWhateverTheOrderAndDuplicates()
    {
        var options = GuardrailAccessTests.Options with { ApprovedProductIds = [Approved, "a61c46fe-1747-41aa-9af0-2e0ae8a9ce05"] };
        var shuffled = new GuardrailOptions
        {
            Rules = [3, 1, 2, 1],
            ProcurementPrincipalArns = [.. options.ProcurementPrincipalArns.Reverse(), Procurement],
            LauncherPrincipalArns = [.. options.LauncherPrincipalArns.Reverse()],
            GovernancePrincipalArns = [.. options.GovernancePrincipalArns.Reverse(), .. options.GovernancePrincipalArns],
            ApprovedProductIds = [.. options.ApprovedProductIds.Reverse(), Approved],
        };

        var first = GuardrailBuilder.Build(options);
        Assert.Equal(first.Select(p => p.Content), GuardrailBuilder.Build(options).Select(p => p.Content));
        Assert.Equal(first.Select(p => p.Content), GuardrailBuilder.Build(shuffled).Select(p => p.Content));
        Assert.Equal(first.Select(p => p.Description), GuardrailBuilder.Build(shuffled).Select(p => p.Description));
        Assert.Equal([.. options.ProcurementPrincipalArns.Order(StringComparer.Ordinal)], GuardrailBuilder.Build(shuffled)[0].Exceptions.ProcurementPrincipalArns);
    }

    [Fact]
    public void ArnsDifferingOnlyInCaseAreBothKept()
    {
        // ArnNotLike compares case-sensitively, so the two patterns are two exceptions.
        var policy = GuardrailBuilder.Build(new GuardrailOptions { Rules = [1], ProcurementPrincipalArns = [Procurement, Procurement.ToLowerInvariant().Replace("arn:aws:iam::", "arn:aws:iam::", StringComparison.Ordinal)] }).Single();

        Assert.Equal(2, policy.Exceptions.ProcurementPrincipalArns.Count);
    }

    [Fact]
    public void ADenyWithoutExceptionsHasNoCondition()
    {
        var rule1 = GuardrailBuilder.Build(new GuardrailOptions { Rules = [1] }).Single();

        Assert.Empty(Assert.Single(rule1.Policy.Statements).Conditions);
        Assert.StartsWith("""{"Version":"2012-10-17","Statement":[{"Sid":"R1Procure","Effect":"Deny","Action":[""", rule1.Content, StringComparison.Ordinal);
        Assert.EndsWith("""],"Resource":"*"}]}""", rule1.Content, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutGovernanceOrProcurementTheRule3DeniesMergeIntoOne()
    {
        var rule3 = GuardrailBuilder.Build(new GuardrailOptions { Rules = [3] }).Single();

        // Distribution and the legacy Private Marketplace actions now have the same (no) condition.
        Assert.Equal(["R3Distribute", "R3PmpChangeSet", "R3NoChangeType"], rule3.Policy.Statements.Select(s => s.Sid));
        Assert.Contains("aws-marketplace:AssociateProductsWithPrivateMarketplace", rule3.Policy.Statements[0].Actions);
    }

    [Fact]
    public void Rule2MirrorsTheIamDenyTemplatesPlusTheException()
    {
        var rule2 = GuardrailBuilder.Build(new GuardrailOptions { Rules = [2], LauncherPrincipalArns = ["arn:aws:iam::*:role/launchers/*"] }).Single();

        static IEnumerable<string> Expand(PolicyStatement s) => s.Actions.SelectMany(a => s.Resources.Select(r =>
            $"{a} {r} " + string.Join(";", s.Conditions.Where(c => c.Key != "aws:PrincipalArn").Select(c => $"{c.Operator.Name}:{c.Key}={string.Join(",", c.Values)}").Order())));
        var templates = new[] { PolicyTemplateCatalog.DenyPaidAmiLaunch, PolicyTemplateCatalog.DenyPaidAmiReplication }
            .SelectMany(t => PolicyTemplateCatalog.Get(t).Policy.Statements).SelectMany(Expand).Order().ToList();

        Assert.Equal(templates, rule2.Policy.Statements.SelectMany(Expand).Order().ToList());
        Assert.All(rule2.Policy.Statements, s => Assert.Equal(["arn:aws:iam::*:role/launchers/*"], Assert.Single(s.Conditions, c => c.Key == "aws:PrincipalArn").Values));
        Assert.True(rule2.Policy.Statements.Count < templates.Count, "statements with the same resources and conditions are merged");
    }

    /// <summary>Rule 1 with approved products (three denies) and procurement patterns whose last one is <paramref name="last"/> long.</summary>
    private static GuardrailOptions SizedRule1(int last) => new()
    {
        Rules = [1],
        ProcurementPrincipalArns = [Role(1500, 'a'), Role(1500, 'b'), Role(last, 'c')],
        ApprovedProductIds = [Approved],
    };

    [Fact]
    public void ADocumentOfExactly5120CharactersIsOneAndOneMoreCharacterSplitsIt()
    {
        var baseline = GuardrailBuilder.Build(SizedRule1(100)).Single().Length;
        var atLimit = SizedRule1(100 + GuardrailPolicy.MaxLength - baseline);

        var one = GuardrailBuilder.Build(atLimit);
        Assert.Equal(GuardrailPolicy.MaxLength, Assert.Single(one).Length);

        var two = GuardrailBuilder.Build(atLimit with { ProcurementPrincipalArns = [.. atLimit.ProcurementPrincipalArns.SkipLast(1), atLimit.ProcurementPrincipalArns[^1] + "c"] });
        Assert.Equal(["MarketplaceGuard-Rule1", "MarketplaceGuard-Rule1-Part2"], two.Select(p => p.Name));
        Assert.All(two, p => Assert.InRange(p.Length, 1, GuardrailPolicy.MaxLength));
        Assert.Equal(["R1Procure", "R1Product"], two[0].Policy.Statements.Select(s => s.Sid));
        Assert.Equal(["R1NoProductId"], two[1].Policy.Statements.Select(s => s.Sid));
        Assert.EndsWith("(part 2 of 2)", two[1].Description, StringComparison.Ordinal);
        Assert.Equal([1], two[1].Rules);
    }

    [Fact]
    public void ASplitDocumentKeepsEveryExceptionListWhole()
    {
        var launchers = Enumerable.Range(0, 12).Select(i => $"arn:aws:iam::111122223333:role/launchers/team-{i:D2}/*").ToArray();
        var parts = GuardrailBuilder.Build(new GuardrailOptions { Rules = [2], LauncherPrincipalArns = launchers });

        Assert.True(parts.Count > 1);
        Assert.All(parts.SelectMany(p => p.Policy.Statements), s =>
            Assert.Equal(launchers.Order(StringComparer.Ordinal), Assert.Single(s.Conditions, c => c.Operator.Name == "ArnNotLike").Values));
        Assert.Equal(GuardrailBuilder.Build(new GuardrailOptions { Rules = [2] }).Single().Policy.Statements.Select(s => s.Sid), parts.SelectMany(p => p.Policy.Statements).Select(s => s.Sid));
    }

    [Fact]
    public void AnExceptionListThatCannotFitEvenAloneIsRefusedSayingHowFarOver()
    {
        var arns = new[] { Role(2000, 'a'), Role(2000, 'b'), Role(2000, 'c') };
        var error = Assert.Throws<GuardrailInputException>(() => GuardrailBuilder.Build(new GuardrailOptions { Rules = [1], ProcurementPrincipalArns = arns }));

        Assert.Equal(GuardrailInputProblem.TooLarge, error.Problem);
        Assert.Equal("ProcurementPrincipalArn", error.Parameter);
        Assert.Equal(arns, (IEnumerable<string>)error.Value!);
        var unlimited = new PolicyDocument(PolicyDocument.Version2012, null, [new PolicyStatement(0, "R1Procure", PolicyEffect.Deny, false,
            GuardrailBuilder.Build(new GuardrailOptions { Rules = [1] }).Single().Policy.Statements[0].Actions, false, ["*"],
            [new PolicyCondition(ConditionOperator.TryParse("ArnNotLike", out _)!.Value, "aws:PrincipalArn", arns)])]);
        var over = PolicyJsonWriter.WriteMinimal(unlimited).Length - GuardrailPolicy.MaxLength;
        Assert.Contains($"{over:N0} over AWS Organizations' limit of 5,120", error.Message, StringComparison.Ordinal);
        Assert.Contains("R1Procure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APrivateMarketplaceDenyTooLargeNamesBothListsItCarries()
    {
        var error = Assert.Throws<GuardrailInputException>(() => GuardrailBuilder.Build(new GuardrailOptions
        {
            Rules = [3],
            GovernancePrincipalArns = [Role(2000, 'g'), Role(1500, 'h')],
            ProcurementPrincipalArns = [Role(2000, 'p')],
        }));

        Assert.Equal("ProcurementPrincipalArn, GovernancePrincipalArn", error.Parameter);
        Assert.Contains("-ProcurementPrincipalArn and -GovernancePrincipalArn: 3 ARN patterns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnApprovedProductListTooLargeForOneScpIsRefusedNotSplit()
    {
        var products = Enumerable.Range(0, 300).Select(i => $"prod-{i:D13}").ToArray();

        var error = Assert.Throws<GuardrailInputException>(() => GuardrailBuilder.Build(new GuardrailOptions { Rules = [1], ApprovedProductIds = products }));

        Assert.Equal(GuardrailInputProblem.TooLarge, error.Problem);
        Assert.Equal("ApprovedProductId", error.Parameter);
        Assert.Equal(products, (IEnumerable<string>)error.Value!);
        Assert.Contains("The Rule 1 deny R1Product needs", error.Message, StringComparison.Ordinal);
        Assert.Contains("lists 300 products", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreThanFourDocumentsAreRefused()
    {
        // Each Rule 2 deny carries about 2,000 characters of patterns: two denies per document, five documents.
        var launchers = Enumerable.Range(0, 24).Select(i => $"arn:aws:iam::111122223333:role/launchers/department-{i:D2}/team/*").ToArray();

        var error = Assert.Throws<GuardrailInputException>(() => GuardrailBuilder.Build(new GuardrailOptions { Rules = [2], LauncherPrincipalArns = launchers }));

        Assert.Equal(GuardrailInputProblem.TooLarge, error.Problem);
        Assert.Equal("LauncherPrincipalArn", error.Parameter);
        Assert.Contains("at most 4 can be MarketplaceGuard's", error.Message, StringComparison.Ordinal);
        Assert.Contains("MarketplaceGuard-Rule2-Part5", (IEnumerable<string>)error.Value!);
    }

    private static PolicySet Guarded(GuardrailOptions options) => new(
        [new NamedPolicy("Everything", PolicyCompiler.Compile(PolicyParser.Parse(FullAccess)))],
        null,
        [[new NamedPolicy("FullAWSAccess", PolicyCompiler.Compile(PolicyParser.Parse(FullAccess))), .. GuardrailBuilder.Build(options).Select(p => new NamedPolicy(p.Name, PolicyCompiler.Compile(p.Policy)))]]);

    private static Decision Buy(PolicySet set, string action, string principal, params string[]? products) =>
        PolicyEvaluator.Default.Decide(set, action, "*", RequestContext.Concrete(
            new Dictionary<string, ContextValue> { ["aws:PrincipalArn"] = ContextValue.Of(principal) }
                .Concat(products is null ? [] : [new KeyValuePair<string, ContextValue>("aws-marketplace:ProductId", ContextValue.ListOf(products))])));

    [Theory]
    [InlineData("aws-marketplace:Subscribe")]
    [InlineData("aws-marketplace:CreateAgreementRequest")]
    [InlineData("aws-marketplace:AcceptAgreementRequest")]
    public void ApprovedProductsAloneMayBeBoughtEvenByProcurement(string action)
    {
        var set = Guarded(new GuardrailOptions { Rules = [1], ProcurementPrincipalArns = [Procurement], ApprovedProductIds = [Approved, "a61c46fe-1747-41aa-9af0-2e0ae8a9ce05"] });

        Assert.Equal(Decision.Allowed, Buy(set, action, Procurement, Approved));
        Assert.Equal(Decision.ExplicitDeny, Buy(set, action, Procurement, "prod-cx7ovbu5wex7g"));
        Assert.Equal(Decision.ExplicitDeny, Buy(set, action, Procurement, Approved, "prod-cx7ovbu5wex7g"));
        Assert.Equal(Decision.ExplicitDeny, Buy(set, action, Procurement, null));
        Assert.Equal(Decision.ExplicitDeny, Buy(set, action, "arn:aws:iam::111122223333:user/alice", Approved));
    }

    [Fact]
    public void WithoutApprovedProductsProcurementBuysAnything()
    {
        var set = Guarded(new GuardrailOptions { Rules = [1], ProcurementPrincipalArns = [Procurement] });

        Assert.Equal(Decision.Allowed, Buy(set, "aws-marketplace:Subscribe", Procurement, "prod-cx7ovbu5wex7g"));
        Assert.Equal(Decision.Allowed, Buy(set, "aws-marketplace:Subscribe", Procurement, null));
        Assert.Equal(Decision.Allowed, Buy(set, "aws-marketplace:Unsubscribe", Procurement, null));
    }

    [Fact]
    public void DeniedToEveryoneNamesEachRuleBuiltWithoutItsExceptions()
    {
        Assert.Empty(GuardrailBuilder.DeniedToEveryone(GuardrailAccessTests.Options));
        var all = GuardrailBuilder.DeniedToEveryone(new GuardrailOptions());
        Assert.Equal(3, all.Count);
        Assert.All(all, w => Assert.Contains("to every principal in the member accounts it is attached to", w, StringComparison.Ordinal));
        var rule3 = Assert.Single(GuardrailBuilder.DeniedToEveryone(new GuardrailOptions { Rules = [3], ProcurementPrincipalArns = [Procurement] }));
        Assert.Contains("the Private Marketplace stays with procurement", rule3, StringComparison.Ordinal);
    }
}
