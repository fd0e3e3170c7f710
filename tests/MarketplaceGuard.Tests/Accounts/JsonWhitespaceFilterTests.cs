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

    /// <summary>
    /// The filter's rules one byte at a time, as written before the filter searched strings and runs of spaces with
    /// vectorized searches: the filter must give exactly these bytes, however its input is cut into chunks.
    /// </summary>
    private sealed class ByteAtATime(bool dropLineFeeds)
    {
        private bool inString;
        private bool escaped;
        private byte last;

        public int Filter(Span<byte> bytes)
        {
            var written = 0;
            var pendingSpace = false;
            foreach (var b in bytes.ToArray())
            {
                if (inString)
                {
                    bytes[written++] = b;
                    if (escaped)
                    {
                        escaped = false;
                    }
                    else if (b == (byte)'\\')
                    {
                        escaped = true;
                    }
                    else if (b == (byte)'"')
                    {
                        inString = false;
                    }

                    continue;
                }

                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' || (b == (byte)'\n' && dropLineFeeds))
                {
                    pendingSpace = true;
                    continue;
                }

                if (pendingSpace && !Separates(last) && !Separates(b))
                {
                    bytes[written++] = (byte)' ';
                }

                pendingSpace = false;
                bytes[written++] = b;
                last = b;
                inString = b == (byte)'"';
            }

            if (pendingSpace && !Separates(last))
            {
                bytes[written++] = (byte)' ';
                last = (byte)' ';
            }

            return written;
        }

        private static bool Separates(byte b) => "{}[]:,\n \0".Contains((char)b, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void GivesTheBytesOfTheByteAtATimeRulesForAnyInputAndAnyChunks(int seed)
    {
        // Bytes that matter to the filter, runs of spaces (indentation), and long strings (the vectorized search).
        var random = new Random(seed);
        string[] pieces = [" ", "  ", "        ", "\t", "\r", "\n", "\"", "\\", "\\\"", "{", "}", "[", "]", ":", ",", "a", "1", "true", "é", new string('x', 40), "\"" + new string('y', 70) + "\\\"z\""];
        for (var round = 0; round < 400; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 120)).Select(_ => pieces[random.Next(pieces.Length)]));
            var input = Encoding.UTF8.GetBytes(text);

            var expected = input.ToArray();
            var expectedLength = new ByteAtATime(dropLineFeeds: true).Filter(expected);
            var compacted = input.ToArray();
            var compactedLength = JsonWhitespaceFilter.Compact(compacted);
            Assert.Equal(Convert.ToHexString(expected, 0, expectedLength), Convert.ToHexString(compacted, 0, compactedLength));

            var reference = new ByteAtATime(dropLineFeeds: false);
            var filter = new JsonWhitespaceFilter();
            var expectedChunks = new StringBuilder();
            var actualChunks = new StringBuilder();
            for (var start = 0; start < input.Length;)
            {
                var length = Math.Min(input.Length - start, random.Next(1, 90));
                var a = input.AsSpan(start, length).ToArray();
                var b = a.ToArray();
                expectedChunks.Append(Convert.ToHexString(a, 0, reference.Filter(a))).Append('|');
                actualChunks.Append(Convert.ToHexString(b, 0, filter.Filter(b))).Append('|');
                start += length;
            }

            Assert.Equal(expectedChunks.ToString(), actualChunks.ToString());
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
