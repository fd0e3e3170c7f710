using System.IO;
using System.Linq;
using System.Text;
using System.Xml.Linq;

namespace MarketplaceGuard.HelpBuilder.Tests;

public sealed class MamlOutputTests : IClassFixture<CompiledFixture>
{
    private const string Get = "/msh:helpItems/command:command[command:details/command:name='Get-MarketplacePolicyTemplate']";
    private const string Test = "/msh:helpItems/command:command[command:details/command:name='Test-MarketplacePolicy']";

    private readonly CompiledFixture _compiled;

    public MamlOutputTests(CompiledFixture compiled)
    {
        _compiled = compiled;
    }

    private Maml Maml => _compiled.Maml;

    [Fact]
    public void Every_cmdlet_page_becomes_one_command_in_a_single_msh_helpItems_file()
    {
        var root = Maml.Document.Root!;
        Assert.Equal(XName.Get("helpItems", "http://msh"), root.Name);
        Assert.Equal("maml", (string?)root.Attribute("schema"));

        // Sorted by name; README.md and the about page are not cmdlets.
        Assert.Equal(
            ["Get-MarketplacePolicyTemplate", "Test-MarketplacePolicy"],
            Maml.Texts("/msh:helpItems/command:command/command:details/command:name"));
        Assert.Equal(2, _compiled.Result.CmdletPages);
        Assert.Equal(1, _compiled.Result.AboutTopics);
    }

    [Fact]
    public void Command_declares_the_maml_command_and_dev_namespaces()
    {
        var command = Maml.Single(Get);
        Assert.Equal("http://schemas.microsoft.com/maml/dev/command/2004/10", command.Name.NamespaceName);
        Assert.Equal("http://schemas.microsoft.com/maml/2004/10", (string?)command.Attribute(XNamespace.Xmlns + "maml"));
        Assert.Equal("http://schemas.microsoft.com/maml/dev/command/2004/10", (string?)command.Attribute(XNamespace.Xmlns + "command"));
        Assert.Equal("http://schemas.microsoft.com/maml/dev/2004/10", (string?)command.Attribute(XNamespace.Xmlns + "dev"));
    }

    [Fact]
    public void Details_hold_name_verb_noun_and_the_synopsis_as_plain_text()
    {
        Assert.Equal("Get", Maml.Single(Get + "/command:details/command:verb").Value);
        Assert.Equal("MarketplacePolicyTemplate", Maml.Single(Get + "/command:details/command:noun").Value);
        Assert.Equal(
            ["Gets the built-in policy templates of MarketplaceGuard."],
            Maml.Texts(Get + "/command:details/maml:description/maml:para"));
    }

    [Fact]
    public void Description_keeps_the_words_drops_the_markup_and_turns_list_items_into_dash_paragraphs()
    {
        Assert.Equal(
            [
                "The Get-MarketplacePolicyTemplate cmdlet returns the policy templates that ship with the module. "
                    + "See the online guide for the full list.",
                "- Strict templates deny every subscription.",
                "- Permissive templates allow an approved list.",
                "Templates are read-only.",
            ],
            Maml.Texts(Get + "/maml:description/maml:para"));
    }

    [Fact]
    public void Syntax_has_one_item_per_parameter_set_with_positional_then_mandatory_then_optional_parameters()
    {
        var items = Maml.All(Get + "/command:syntax/command:syntaxItem");
        Assert.Equal(2, items.Length);
        Assert.All(items, item => Assert.Equal("Get-MarketplacePolicyTemplate", item.Elements().First().Value));

        // Name (Default) set, then Path set: the order of the ### headings under ## SYNTAX.
        Assert.Equal(["Name", "Format", "Scope"], Maml.Texts(Get + "/command:syntax/command:syntaxItem[1]/command:parameter/maml:name"));
        Assert.Equal(["Scope", "Path", "Force"], Maml.Texts(Get + "/command:syntax/command:syntaxItem[2]/command:parameter/maml:name"));
    }

    [Fact]
    public void A_parameter_with_one_yaml_block_per_set_gets_each_sets_attributes_in_that_sets_syntax_item()
    {
        var inNameSet = Maml.Single(Get + "/command:syntax/command:syntaxItem[1]/command:parameter[maml:name='Scope']");
        Assert.Equal("false", (string?)inNameSet.Attribute("required"));
        Assert.Equal("named", (string?)inNameSet.Attribute("position"));

        var inPathSet = Maml.Single(Get + "/command:syntax/command:syntaxItem[2]/command:parameter[maml:name='Scope']");
        Assert.Equal("true", (string?)inPathSet.Attribute("required"));
        Assert.Equal("1", (string?)inPathSet.Attribute("position"));

        // The PARAMETERS section shows the first block, as platyPS does.
        var described = Maml.Single(Get + "/command:parameters/command:parameter[maml:name='Scope']");
        Assert.Equal("false", (string?)described.Attribute("required"));
        Assert.Equal("Organization", Maml.Single(Get + "/command:parameters/command:parameter[maml:name='Scope']/dev:defaultValue").Value);
    }

    [Theory]
    [InlineData("Name", "false", "true", "True (ByPropertyName, ByValue)", "0", "N, TemplateName", "String[]", "None")]
    [InlineData("Path", "true", "false", "True (ByPropertyName)", "named", "FullName", "String", "None")]
    [InlineData("Format", "false", "false", "False", "named", "none", "String", "Json")]
    [InlineData("Force", "false", "false", "False", "named", "none", "SwitchParameter", "False")]
    public void Parameters_section_carries_the_yaml_metadata_as_maml_attributes(
        string name, string required, string globbing, string pipelineInput, string position, string aliases, string type, string defaultValue)
    {
        var parameter = Maml.Single(Get + "/command:parameters/command:parameter[maml:name='" + name + "']");
        Assert.Equal(required, (string?)parameter.Attribute("required"));
        Assert.Equal("true", (string?)parameter.Attribute("variableLength"));
        Assert.Equal(globbing, (string?)parameter.Attribute("globbing"));
        Assert.Equal(pipelineInput, (string?)parameter.Attribute("pipelineInput"));
        Assert.Equal(position, (string?)parameter.Attribute("position"));
        Assert.Equal(aliases, (string?)parameter.Attribute("aliases"));

        var value = parameter.Element(XName.Get("parameterValue", MamlWriter.CommandNamespace))!;
        Assert.Equal(type, value.Value);
        Assert.Equal(type == "SwitchParameter" ? "false" : "true", (string?)value.Attribute("required"));
        Assert.Equal(type, Maml.Single(Get + "/command:parameters/command:parameter[maml:name='" + name + "']/dev:type/maml:name").Value);
        Assert.Equal(defaultValue, Maml.Single(Get + "/command:parameters/command:parameter[maml:name='" + name + "']/dev:defaultValue").Value);
    }

    [Fact]
    public void Parameters_section_lists_each_parameter_once_in_page_order_without_CommonParameters()
    {
        Assert.Equal(["Force", "Format", "Name", "Path", "Scope"], Maml.Texts(Get + "/command:parameters/command:parameter/maml:name"));
        Assert.Empty(Maml.All(Get + "//command:parameter[maml:name='CommonParameters']"));
    }

    [Fact]
    public void Parameter_description_joins_wrapped_lines_into_one_paragraph()
    {
        Assert.Equal(
            ["The names of the templates to get. Wildcards are permitted."],
            Maml.Texts(Get + "/command:parameters/command:parameter[maml:name='Name']/maml:description/maml:para"));
    }

    [Fact]
    public void Switch_has_no_parameterValue_in_syntax_so_Get_Help_shows_no_type_after_it()
    {
        Assert.Empty(Maml.All(Get + "/command:syntax/command:syntaxItem/command:parameter[maml:name='Force']/command:parameterValue"));
        Assert.Single(Maml.All(Get + "/command:syntax/command:syntaxItem/command:parameter[maml:name='Path']/command:parameterValue"));
    }

    [Fact]
    public void Accepted_values_become_a_parameterValueGroup_in_the_syntax_only()
    {
        Assert.Equal(
            ["Json", "Yaml"],
            Maml.Texts(Get + "/command:syntax/command:syntaxItem[1]/command:parameter[maml:name='Format']/command:parameterValueGroup/command:parameterValue"));
        Assert.Empty(Maml.All(Get + "/command:parameters//command:parameterValueGroup"));
    }

    [Fact]
    public void Examples_have_a_padded_title_the_command_as_code_and_the_output_block_first_in_the_remarks()
    {
        var titles = Maml.Texts(Get + "/command:examples/command:example/maml:title");
        Assert.Equal("---------------- Example 1: List the templates ----------------", titles[0]);
        Assert.Equal("--------------- Example 2: Read a template file ---------------", titles[1]);

        Assert.Equal(
            ["PS> Get-MarketplacePolicyTemplate", "PS> Get-MarketplacePolicyTemplate -Path ./custom.json -Scope Account -Force"],
            Maml.Texts(Get + "/command:examples/command:example/dev:code"));

        Assert.Equal(
            [
                "Name        PolicyName\n----        ----------\nStrict      mg-strict\nPermissive  mg-permissive",
                "This lists every template.",
            ],
            Maml.Texts(Get + "/command:examples/command:example[1]/dev:remarks/maml:para"));
        Assert.Empty(Maml.All(Get + "/command:examples/command:example[2]/dev:remarks/maml:para"));
    }

    [Fact]
    public void Inputs_outputs_and_notes_are_written()
    {
        Assert.Equal(["System.String[]"], Maml.Texts(Get + "/command:inputTypes/command:inputType/dev:type/maml:name"));
        Assert.Equal(["Template names, from the pipeline."], Maml.Texts(Get + "/command:inputTypes/command:inputType/maml:description/maml:para"));
        Assert.Equal(
            ["MarketplaceGuard.Engine.Templates.PolicyTemplate"],
            Maml.Texts(Get + "/command:returnValues/command:returnValue/dev:type/maml:name"));
        Assert.Equal(["One object per template."], Maml.Texts(Get + "/command:returnValues/command:returnValue/maml:description/maml:para"));
        Assert.Equal(["Templates are embedded in the module."], Maml.Texts(Get + "/maml:alertSet/maml:alert/maml:para"));
    }

    [Fact]
    public void Related_links_keep_absolute_uris_and_leave_relative_ones_empty()
    {
        Assert.Equal(["about_MarketplaceGuard", "Online guide"], Maml.Texts(Get + "/command:relatedLinks/maml:navigationLink/maml:linkText"));
        Assert.Equal(["", "https://example.com/guide"], Maml.Texts(Get + "/command:relatedLinks/maml:navigationLink/maml:uri"));
    }

    [Fact]
    public void Page_without_set_headings_gets_one_syntax_item_with_every_parameter()
    {
        Assert.Single(Maml.All(Test + "/command:syntax/command:syntaxItem"));
        Assert.Equal(["Strict"], Maml.Texts(Test + "/command:syntax/command:syntaxItem/command:parameter/maml:name"));
        Assert.Equal(["None"], Maml.Texts(Test + "/command:inputTypes/command:inputType/dev:type/maml:name"));
        Assert.Empty(Maml.All(Test + "/command:relatedLinks/maml:navigationLink"));
    }

    [Fact]
    public void Sections_follow_platyPS_order()
    {
        Assert.Equal(
            ["details", "description", "syntax", "parameters", "inputTypes", "returnValues", "alertSet", "examples", "relatedLinks"],
            Maml.Single(Get).Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public void File_is_utf8_without_bom_with_an_xml_declaration_and_unix_line_ends()
    {
        var bytes = File.ReadAllBytes(_compiled.MamlPath);
        Assert.Equal((byte)'<', bytes[0]);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<helpItems schema=\"maml\" xmlns=\"http://msh\">\n", text, System.StringComparison.Ordinal);
        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("</helpItems>\n", text, System.StringComparison.Ordinal);
    }
}
