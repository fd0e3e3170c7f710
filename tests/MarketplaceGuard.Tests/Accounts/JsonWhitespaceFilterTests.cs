using System;
using System.Linq;
using System.Text;
using System.Text.Json;
using MarketplaceGuard.Engine.Accounts;

namespace MarketplaceGuard.Tests.Accounts;

public sealed class JsonWhitespaceFilterTests
{
    private const string Indented = """
        {
          "UserDetailList": [
            {
              "UserName": "a b\t\"c\\\" d",
              "Tags": [ { "Key": "k \\\\", "Value": " v " } ],
              "Numbers": [ 1 , -2.5e3 , true , false , null ],
              "Empty": { }
            }
          ],
          "IsTruncated": false
        }
        """;

    /// <summary>The input filtered in chunks of <paramref name="chunk"/> bytes, as the snapshot reader fills its buffer.</summary>
    private static string Filter(string json, int chunk)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var output = new StringBuilder();
        var filter = new JsonWhitespaceFilter();
        for (var start = 0; start < bytes.Length; start += chunk)
        {
            var piece = bytes.AsSpan(start, Math.Min(chunk, bytes.Length - start)).ToArray();
            output.Append(Encoding.UTF8.GetString(piece, 0, filter.Filter(piece)));
        }

        return output.ToString();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(100_000)]
    public void ValidJsonKeepsItsValuesAndLinesWithoutTheSpacesBetweenTokens(int chunk)
    {
        var filtered = Filter(Indented, chunk);

        using var original = JsonDocument.Parse(Indented);
        using var compact = JsonDocument.Parse(filtered);
        Assert.Equal(original.RootElement.GetRawText().Count(c => c == '\n'), filtered.Count(c => c == '\n'));
        Assert.Equal(JsonSerializer.Serialize(original.RootElement), JsonSerializer.Serialize(compact.RootElement));
        Assert.Equal("a b\t\"c\\\" d", compact.RootElement.GetProperty("UserDetailList")[0].GetProperty("UserName").GetString());
        Assert.DoesNotContain(filtered.Split('\n'), line => line.StartsWith(' ') || line.EndsWith(' '));
        Assert.DoesNotContain("  ", filtered.Replace("a b\\t", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        if (chunk >= 64)
        {
            // No chunk boundary inside the line: every space between tokens is gone (at a boundary after a value, one
            // space may stay until the next chunk tells what follows).
            Assert.Contains("\"Numbers\":[1,-2.5e3,true,false,null]", filtered, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("[tr ue]")]
    [InlineData("[1 2]")]
    [InlineData("[\"a\" \"b\"]")]
    [InlineData("[true \"a\"]")]
    [InlineData("{\"a\": 1 \"b\": 2}")]
    [InlineData("[1,\n  2 3]")]
    [InlineData("{\"a\":\n  [1,\n   2,\n  ]\n}")]
    [InlineData("[1, // comment\n 2]")]
    [InlineData("[\"unterminated  ]")]
    public void InvalidJsonFailsTheSameWayOnTheSameLine(string json)
    {
        foreach (var chunk in new[] { 1, 2, 5, 1000 })
        {
            var expected = Assert.ThrowsAny<JsonException>(() => ReadAll(json));
            var actual = Assert.ThrowsAny<JsonException>(() => ReadAll(Filter(json, chunk)));
            Assert.Equal(expected.LineNumber, actual.LineNumber);
            Assert.Equal(Message(expected), Message(actual));
        }
    }

    private static string Message(JsonException e) => e.Message[..Math.Max(0, e.Message.IndexOf(" LineNumber:", StringComparison.Ordinal))];

    private static void ReadAll(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
        }
    }
}
