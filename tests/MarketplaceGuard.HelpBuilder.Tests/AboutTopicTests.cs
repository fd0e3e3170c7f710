using System.IO;
using System.Linq;
using System.Text;

namespace MarketplaceGuard.HelpBuilder.Tests;

public sealed class AboutTopicTests
{
    [Fact]
    public void About_page_becomes_plain_text_with_upper_cased_headings_wrapped_prose_and_indented_code()
    {
        var text = AboutTopicWriter.Convert(Fixtures.AboutPage, "about_MarketplaceGuard");

        Assert.Equal(
            """
            about_MarketplaceGuard

            SHORT DESCRIPTION
            Explains how MarketplaceGuard keeps AWS Marketplace subscriptions under the
            control of your organization's administrators.

            LONG DESCRIPTION
            MarketplaceGuard builds Service Control Policies from templates. Use
            Get-MarketplacePolicyTemplate to list the templates that ship with the module,
            then deploy one.

                Get-MarketplacePolicyTemplate |
                    Format-Table Name, PolicyName

            - Strict templates deny every subscription that is not explicitly approved by an
              administrator of the organization.
            - Permissive templates allow an approved list.

            TEMPLATE FILES
            A template file is JSON.

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void No_line_is_longer_than_80_columns()
    {
        var longParagraph = string.Join(' ', Enumerable.Repeat("policy", 60));

        var lines = AboutTopicWriter.Convert("# about_X\n\n" + longParagraph + "\n\n- " + longParagraph + "\n", "about_X").Split('\n');

        Assert.All(lines, line => Assert.True(line.Length <= 80, "too long: " + line));
        Assert.True(lines.Length > 8);
    }

    [Fact]
    public void A_word_longer_than_a_line_is_kept_whole_on_its_own_line()
    {
        var url = "https://example.com/" + new string('a', 90);

        var lines = TextWrapper.Wrap("see " + url + " now", "", "", 80);

        Assert.Equal(["see", url, "now"], lines);
    }

    [Fact]
    public void Compiling_writes_about_topics_as_help_txt_next_to_the_maml_file()
    {
        using var temp = new TempDirectory();
        var maml = temp.Combine("en-US", "MarketplaceGuard.dll-Help.xml");

        HelpCompiler.Compile(Fixtures.DocsFolder, maml);

        var bytes = File.ReadAllBytes(temp.Combine("en-US", "about_MarketplaceGuard.help.txt"));
        Assert.Equal((byte)'a', bytes[0]);
        Assert.Equal(AboutTopicWriter.Convert(Fixtures.AboutPage, "about_MarketplaceGuard"), Encoding.UTF8.GetString(bytes));
    }
}
