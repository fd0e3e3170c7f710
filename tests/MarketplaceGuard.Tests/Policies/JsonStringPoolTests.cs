using System;
using System.Linq;
using System.Text.Json;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Policies;

public sealed class JsonStringPoolTests
{
    [Theory]
    [InlineData("\"s3:GetObject\"")]
    [InlineData("\"\"")]
    [InlineData("\"s3:Get\\u004fbject\"")] // escaped: read as GetString reads it
    [InlineData("\"caf\u00e9\"")] // not ASCII
    [InlineData("\"a\\\"quote\"")]
    public void AValueReadsAsGetStringReadsIt(string json)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(document.RootElement.GetString(), new JsonStringPool().Get(document.RootElement));
    }

    [Fact]
    public void ARepeatedValueIsOneString()
    {
        var pool = new JsonStringPool();
        using var first = JsonDocument.Parse("[\"ec2:RunInstances\", \"ec2:RunInstances\"]");
        using var second = JsonDocument.Parse("\"ec2:RunInstances\"");

        Assert.Same(pool.Get(first.RootElement[0]), pool.Get(first.RootElement[1]));
        Assert.Same(pool.Get(first.RootElement[0]), pool.Get(second.RootElement));
    }

    [Fact]
    public void ALongValueIsReadWhole()
    {
        var text = new string('x', 1000);
        using var document = JsonDocument.Parse($"\"{text}\"");

        Assert.Equal(text, new JsonStringPool().Get(document.RootElement));
    }

    [Fact]
    public void OneValueListsAreSharedBetweenStatementsAndReadTheSame()
    {
        // "Resource": "*" and ["*"] in thousands of statements: one list, never changed, with the same one value.
        var compiler = new MarketplaceGuard.Engine.Evaluation.PolicyCompiler();
        var first = compiler.Compile("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"},{"Effect":"Deny","Action":["ec2:RunInstances","ec2:CopyImage"],"Resource":["*"]}]}""");
        var second = compiler.Compile("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["ec2:RunInstances"],"Resource":"*"}}""");

        var resources = first.Document.Statements.Select(s => s.Resources).Append(second.Document.Statements[0].Resources).ToList();
        Assert.All(resources, r => Assert.Equal(["*"], r));
        Assert.All(resources, r => Assert.Same(resources[0], r));
        Assert.Same(first.Document.Statements[0].Actions, second.Document.Statements[0].Actions);
        Assert.Equal(["ec2:RunInstances", "ec2:CopyImage"], first.Document.Statements[1].Actions);
    }

    [Fact]
    public void CompiledStatementsOfOneActionOrResourceShareTheirPatternsAndMatchTheSame()
    {
        var compiler = new MarketplaceGuard.Engine.Evaluation.PolicyCompiler();
        var first = compiler.Compile("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"},{"Effect":"Deny","Action":["ec2:RunInstances","s3:GetObject"],"Resource":["*","arn:aws:s3:::b/*"]}]}""");
        var second = compiler.Compile("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["ec2:RunInstances"],"Resource":"*"}}""");

        var one = first.Statements[0];
        var two = first.Statements[1];
        var alone = second.Statements[0];

        Assert.True(one.Actions.Overlaps(alone.Actions) && one.Actions.Length == 1, "one action: one shared list of patterns");
        Assert.Equal(["ec2"], one.NamedServices);
        Assert.Same(one.NamedServices, alone.NamedServices);
        Assert.Equal(2, two.Actions.Length);
        Assert.False(two.Actions.Overlaps(one.Actions));
        Assert.Equal(["ec2", "s3"], two.NamedServices);
        Assert.All([one, two, alone], s => Assert.Equal(MarketplaceGuard.Engine.Matching.Tristate.True, s.MatchesRequest("arn:aws:ec2:us-east-1::image/ami-1", MarketplaceGuard.Engine.Evaluation.RequestContext.Empty)));
        Assert.All([one, two, alone], s => Assert.True(s.Actions[0].Matches("ec2", "RunInstances")));
    }
}
