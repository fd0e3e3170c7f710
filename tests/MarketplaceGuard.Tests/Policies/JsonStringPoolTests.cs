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
}
