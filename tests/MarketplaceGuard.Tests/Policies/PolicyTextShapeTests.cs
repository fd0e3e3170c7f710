using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Policies;

/// <summary>Recognizing a policy file that reached a cmdlet line by line (Get-Content without -Raw).</summary>
public sealed class PolicyTextShapeTests
{
    private const string Policy = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}""";

    [Fact]
    public void TheLinesOfAPrettyPrintedDocumentAreRecognized()
    {
        string[] lines = ["{", "  \"Version\": \"2012-10-17\",", "  \"Statement\": {", "    \"Effect\": \"Allow\"", "  }", "}", ""];

        Assert.True(PolicyParser.LooksLikeLinesOfOneDocument(lines));
    }

    [Fact]
    public void WholeDocumentsAreNotLines()
    {
        Assert.False(PolicyParser.LooksLikeLinesOfOneDocument([Policy, Policy]));
        Assert.False(PolicyParser.LooksLikeLinesOfOneDocument([Policy, System.Uri.EscapeDataString(Policy)]));
        Assert.False(PolicyParser.LooksLikeLinesOfOneDocument([Policy.Replace(",", ",\n", System.StringComparison.Ordinal), "{"]));
        Assert.False(PolicyParser.LooksLikeLinesOfOneDocument(["{"]));
    }

    [Fact]
    public void TextThatIsNotValidUtf16IsAFragmentNotAnError()
    {
        // Half a surrogate pair makes the JSON reader throw ArgumentException, not JsonException: it is no complete
        // document either, and Test-MarketplacePolicy must go on to report it as the document's own error.
        Assert.True(PolicyParser.LooksLikeLinesOfOneDocument(["\ud800", "{"]));
        Assert.False(PolicyParser.LooksLikeLinesOfOneDocument([Policy, "\udc00"]));
    }

    [Fact]
    public void TwoInvalidValuesThatOpenNoObjectAreNotLines()
    {
        // Each gets its own error: nothing suggests a file read line by line.
        Assert.False(PolicyParser.LooksLikeLinesOfOneDocument(["@{Name=not a policy}", ""]));
        Assert.False(PolicyParser.LooksLikeLinesOfOneDocument([Policy, "not json"]));
    }
}
