using System;
using System.Collections.Generic;
using System.Linq;

namespace MarketplaceGuard.HelpBuilder.Tests;

/// <summary>Each test breaks the valid fixture page in one way and expects the compiler to say what is wrong.</summary>
public sealed class ValidationTests
{
    public static TheoryData<string, string, string, string> Breakages => new()
    {
        {
            "no title", "# Get-MarketplacePolicyTemplate\n", "",
            "missing title heading '# Get-MarketplacePolicyTemplate'"
        },
        {
            "wrong title", "# Get-MarketplacePolicyTemplate\n", "# Get-MarketplacePolicyTemplates\n",
            "title 'Get-MarketplacePolicyTemplates' does not match the file name (expected 'Get-MarketplacePolicyTemplate')"
        },
        {
            "no synopsis", "## SYNOPSIS\nGets the **built-in** policy templates of `MarketplaceGuard`.\n", "",
            "missing section '## SYNOPSIS'"
        },
        {
            "empty synopsis", "Gets the **built-in** policy templates of `MarketplaceGuard`.\n", "",
            "section '## SYNOPSIS' is empty"
        },
        {
            "no description", "## DESCRIPTION\n", "",
            "missing section '## DESCRIPTION'"
        },
        {
            "no examples section", "## EXAMPLES\n", "",
            "missing section '## EXAMPLES'"
        },
        {
            "example text before the first example heading", "### Example 1: List the templates", "Example 1: List the templates",
            "text under '## EXAMPLES' before its first '###' heading would be lost"
        },
        {
            "example without code", "```powershell\nPS> Get-MarketplacePolicyTemplate -Path ./custom.json -Scope Account -Force\n```", "Run it with a path.",
            "example 'Example 2: Read a template file' has no code block"
        },
        {
            "parameter without description", "The path of a template file.\n", "",
            "parameter -Path has no description"
        },
        {
            "parameter without yaml", "```yaml\nType: SwitchParameter\nParameter Sets: Path\nAliases:\n\nRequired: False\nPosition: Named\nDefault value: None\nAccept pipeline input: False\nAccept wildcard characters: False\n```\n", "",
            "parameter -Force has no ```yaml block"
        },
        {
            "unknown yaml key", "Aliases: FullName", "Alias: FullName",
            "parameter -Path: unknown yaml key 'Alias'"
        },
        {
            "yaml without Type", "Type: String[]\n", "",
            "parameter -Name: yaml block lacks required key 'Type'"
        },
        {
            "yaml without Required", "Required: False\nPosition: 0\n", "Position: 0\n",
            "parameter -Name: yaml block lacks required key 'Required'"
        },
        {
            "yaml without Position", "Position: 0\n", "",
            "parameter -Name: yaml block lacks required key 'Position'"
        },
        {
            "yaml Required not a boolean", "Required: True\nPosition: Named\nDefault value: None\nAccept pipeline input: True (ByPropertyName)", "Required: Yes\nPosition: Named\nDefault value: None\nAccept pipeline input: True (ByPropertyName)",
            "parameter -Path: yaml key 'Required' must be True or False, not 'Yes'"
        },
        {
            "yaml Position not a number", "Position: 0\n", "Position: first\n",
            "parameter -Name: yaml key 'Position' must be a number or Named, not 'first'"
        },
        {
            "yaml line without colon", "Aliases: N, TemplateName\n", "Aliases N, TemplateName\n",
            "parameter -Name: yaml line 'Aliases N, TemplateName' is not 'Key: value'"
        },
        {
            "yaml pipeline input not True or False", "Accept pipeline input: True (ByPropertyName)", "Accept pipeline input: ByPropertyName",
            "parameter -Path: yaml key 'Accept pipeline input' must start with True or False, not 'ByPropertyName'"
        },
        {
            "parameter set not under SYNTAX", "Parameter Sets: Path\nAliases: FullName", "Parameter Sets: File\nAliases: FullName",
            "parameter -Path: parameter set 'File' is not one of the sets under '## SYNTAX' (Name, Path)"
        },
        {
            "unknown section", "## NOTES\n", "## NOTE\n",
            "unknown section '## NOTE' (expected one of: SYNOPSIS, SYNTAX, DESCRIPTION, EXAMPLES, PARAMETERS, INPUTS, OUTPUTS, NOTES, RELATED LINKS)"
        },
        {
            "parameter heading without dash", "### -Format\n", "### Format\n",
            "parameter heading '### Format' must be '### -Name' or '### CommonParameters'"
        },
    };

    [Fact]
    public void The_fixture_page_itself_is_valid()
    {
        Assert.Empty(MarkdownHelpReader.Read(Fixtures.FullPage, Fixtures.CmdletName).Problems);
    }

    [Theory]
    [MemberData(nameof(Breakages))]
    public void A_broken_page_reports_what_is_wrong(string breakage, string find, string replaceWith, string expectedProblem)
    {
        var problems = Read(Break(Fixtures.FullPage, find, replaceWith));

        Assert.True(problems.Contains(expectedProblem), breakage + ": expected '" + expectedProblem + "' in:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Every_problem_of_a_page_is_reported_not_just_the_first()
    {
        var page = Break(Fixtures.FullPage, "# Get-MarketplacePolicyTemplate\n", "# Get-Wrong\n");
        page = Break(page, "Type: String[]\n", "");
        page = Break(page, "Aliases: FullName", "Colour: blue");
        page = Break(page, "The path of a template file.\n", "");

        Assert.Equal(
            [
                "title 'Get-Wrong' does not match the file name (expected 'Get-MarketplacePolicyTemplate')",
                "parameter -Name: yaml block lacks required key 'Type'",
                "parameter -Path: unknown yaml key 'Colour'",
                "parameter -Path has no description",
            ],
            Read(page));
    }

    [Fact]
    public void An_examples_section_without_examples_is_reported()
    {
        var page = Fixtures.FullPage;
        var start = page.IndexOf("## EXAMPLES\n", StringComparison.Ordinal) + "## EXAMPLES\n".Length;
        var end = page.IndexOf("## PARAMETERS", StringComparison.Ordinal);

        var problems = Read(page[..start] + "\n" + page[end..]);

        Assert.Contains("section '## EXAMPLES' has no example ('### Example 1: ...' followed by a code block)", problems);
    }

    [Fact]
    public void A_parameter_may_not_list_the_same_set_in_two_yaml_blocks()
    {
        var page = Break(Fixtures.FullPage, "Parameter Sets: Name\nAliases:\n\nRequired: False\nPosition: Named\nDefault value: Organization", "Parameter Sets: Path\nAliases:\n\nRequired: False\nPosition: Named\nDefault value: Organization");

        Assert.Contains("parameter -Scope: parameter set 'Path' is listed by two yaml blocks", Read(page));
    }

    private static List<string> Read(string page) => MarkdownHelpReader.Read(page, Fixtures.CmdletName).Problems.ToList();

    /// <summary>Replaces text that must be in the page, so a fixture edit cannot silently turn a test into a no-op.</summary>
    private static string Break(string page, string find, string replaceWith)
    {
        var at = page.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, "fixture no longer contains: " + find);
        return string.Concat(page.AsSpan(0, at), replaceWith, page.AsSpan(at + find.Length));
    }
}
