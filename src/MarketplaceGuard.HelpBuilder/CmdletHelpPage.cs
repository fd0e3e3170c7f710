using System.Collections.Generic;

namespace MarketplaceGuard.HelpBuilder;

/// <summary>One cmdlet's help as read from its markdown page: the only input of <see cref="MamlWriter"/>.</summary>
internal sealed class CmdletHelpPage
{
    public CmdletHelpPage(string name)
    {
        Name = name;
    }

    /// <summary>The cmdlet name, <c>Verb-Noun</c>.</summary>
    public string Name { get; }

    public string Verb => Name[..Name.IndexOf('-', System.StringComparison.Ordinal)];

    public string Noun => Name[(Name.IndexOf('-', System.StringComparison.Ordinal) + 1)..];

    public List<string> Synopsis { get; } = [];

    public List<string> Description { get; } = [];

    /// <summary>
    /// Parameter set names in the order the page lists them. Empty when the cmdlet has a single, unnamed set; then
    /// every parameter belongs to the one syntax item.
    /// </summary>
    public List<string> ParameterSetNames { get; } = [];

    public List<ParameterHelp> Parameters { get; } = [];

    public List<ExampleHelp> Examples { get; } = [];

    public List<TypeHelp> Inputs { get; } = [];

    public List<TypeHelp> Outputs { get; } = [];

    public List<string> Notes { get; } = [];

    public List<RelatedLink> RelatedLinks { get; } = [];
}

/// <summary>A <c>### -Name</c> entry of the PARAMETERS section.</summary>
internal sealed class ParameterHelp
{
    public ParameterHelp(string name)
    {
        Name = name;
    }

    /// <summary>The parameter name without the leading dash.</summary>
    public string Name { get; }

    public List<string> Description { get; } = [];

    /// <summary>
    /// One entry per yaml block. A parameter that is mandatory in one set and optional in another has one block per
    /// set, as platyPS writes it; the first block describes the parameter in the MAML PARAMETERS section.
    /// </summary>
    public List<ParameterMetadata> Metadata { get; } = [];
}

/// <summary>The contents of one parameter yaml block, already converted to MAML spelling.</summary>
internal sealed class ParameterMetadata
{
    public required string Type { get; init; }

    /// <summary>The sets this block applies to; empty means every set (<c>Parameter Sets: (All)</c>).</summary>
    public IReadOnlyList<string> ParameterSets { get; init; } = [];

    public IReadOnlyList<string> Aliases { get; init; } = [];

    public IReadOnlyList<string> AcceptedValues { get; init; } = [];

    public bool Required { get; init; }

    /// <summary>"0", "1", … or "named", the spelling Get-Help expects in the MAML <c>position</c> attribute.</summary>
    public string Position { get; init; } = "named";

    public string DefaultValue { get; init; } = "None";

    /// <summary>Verbatim "False" or "True (ByValue, ByPropertyName)": Get-Help prints the attribute as is.</summary>
    public string PipelineInput { get; init; } = "False";

    public bool Globbing { get; init; }

    public bool AppliesToAllSets => ParameterSets.Count == 0;

    public bool IsSwitch => Type is "SwitchParameter" or "System.Management.Automation.SwitchParameter";

    public bool IsPositional => Position != "named";
}

/// <summary>A <c>### Example</c> entry: <see cref="Code"/> holds the command blocks, <see cref="Remarks"/> the
/// output blocks and the prose, in page order.</summary>
internal sealed class ExampleHelp
{
    public ExampleHelp(string title)
    {
        Title = title;
    }

    public string Title { get; }

    public List<string> Code { get; } = [];

    public List<string> Remarks { get; } = [];
}

/// <summary>An INPUTS or OUTPUTS entry.</summary>
internal sealed record TypeHelp(string TypeName, IReadOnlyList<string> Description);

/// <summary>A RELATED LINKS entry. <see cref="Uri"/> is empty for relative links: Get-Help -Online only understands
/// absolute URIs.</summary>
internal sealed record RelatedLink(string Text, string Uri);
