using System.Collections.Generic;
using System.Text;

namespace MarketplaceGuard.HelpBuilder;

/// <summary>Greedy word wrap for the plain-text about topics.</summary>
internal static class TextWrapper
{
    /// <summary>
    /// Wraps <paramref name="text"/> so no line is longer than <paramref name="width"/>, except a single word that
    /// does not fit on any line (a URL, say), which is never broken. A "\n" in the text (a markdown hard break) always
    /// starts a new line.
    /// </summary>
    /// <param name="firstIndent">Prefix of the first line, e.g. a list marker "- ".</param>
    /// <param name="nextIndent">Prefix of every following line.</param>
    public static List<string> Wrap(string text, string firstIndent, string nextIndent, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder(firstIndent);
        var lineHasWord = false;

        void StartLine()
        {
            lines.Add(line.ToString());
            line.Clear().Append(nextIndent);
            lineHasWord = false;
        }

        var hardLines = text.Split('\n');
        for (var i = 0; i < hardLines.Length; i++)
        {
            if (i > 0)
            {
                StartLine();
            }

            foreach (var word in hardLines[i].Split(' ', System.StringSplitOptions.RemoveEmptyEntries))
            {
                if (lineHasWord && line.Length + 1 + word.Length > width)
                {
                    StartLine();
                }

                if (lineHasWord)
                {
                    line.Append(' ');
                }

                line.Append(word);
                lineHasWord = true;
            }
        }

        lines.Add(line.ToString());
        return lines;
    }
}
