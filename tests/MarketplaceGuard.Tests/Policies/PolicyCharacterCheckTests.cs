using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests.Policies;

/// <summary>
/// The parser's character check (which characters IAM accepts, the managed-policy quota) searches with vectorized
/// searches: it must report exactly what a character-by-character reading of IAM's rules reports.
/// </summary>
public sealed class PolicyCharacterCheckTests
{
    /// <summary>IAM's rules one character at a time: the first refused character with its line and column, and the quota.</summary>
    private static List<string> Expected(string text, int? maxCharacters)
    {
        var errors = new List<string>();
        var counted = 0;
        var reported = false;
        var line = 1;
        var column = 0;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                line++;
                column = 0;
            }
            else
            {
                column++;
            }

            if (!char.IsWhiteSpace(c))
            {
                counted++;
            }

            if (!reported && !(c is '\t' or '\n' or '\r' || (c >= '\u0020' && c <= '\u00FF')))
            {
                reported = true;
                errors.Add($"$: character U+{(int)c:X4} at line {line}, column {column} is not allowed: IAM accepts only tab, line feed, carriage return and U+0020 to U+00FF in policy documents");
            }
        }

        if (maxCharacters is { } max && counted > max)
        {
            errors.Add($"$: the document has {counted.ToString("N0", CultureInfo.InvariantCulture)} characters (whitespace not counted), over IAM's quota of {max.ToString("N0", CultureInfo.InvariantCulture)} for a managed policy");
        }

        return errors;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReportsWhatACharacterByCharacterReadingReports(int seed)
    {
        // Allowed and refused characters, whitespace IAM counts or not (no-break space, next line), and long runs that
        // the vectorized searches step over.
        var random = new Random(seed);
        string[] pieces = ["\"a\"", ":", ",", " ", "\n", "\t", "\r", "x", "\u00e9", "\u00a0", "\u0085", "\u2019", "\u0001", "\u000b", "\u001f", "\u007f", "\u0100", "\ud800", "\udc00", "\ud83d\ude00", new string('y', 50), new string(' ', 40), "\n\n\n"];
        int?[] quotas = [null, 0, 3, 40, 200, 6144];
        var checkedTexts = 0;
        for (var round = 0; round < 600; round++)
        {
            var text = "{" + string.Concat(Enumerable.Range(0, random.Next(0, 60)).Select(_ => pieces[random.Next(pieces.Length)])) + "}";
            var quota = quotas[random.Next(quotas.Length)];

            PolicyParser.TryParse(text, new PolicyParseOptions { MaxCharacters = quota }, out _, out var errors);

            var characterErrors = errors.Select(e => e.ToString()).Where(e => e.StartsWith("$: character U+", StringComparison.Ordinal) || e.StartsWith("$: the document has", StringComparison.Ordinal)).ToList();
            Assert.Equal(Expected(text, quota), characterErrors);
            checkedTexts += characterErrors.Count > 0 ? 1 : 0;
        }

        Assert.True(checkedTexts > 100, $"only {checkedTexts} texts had a character or quota error: the generator no longer tests the check");
    }
}
