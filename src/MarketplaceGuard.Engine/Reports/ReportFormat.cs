namespace MarketplaceGuard.Engine.Reports;

/// <summary>The file formats an audit report can be written in.</summary>
public enum ReportFormat
{
    /// <summary>MarketplaceGuard's own JSON: summary, findings and the who-can matrix.</summary>
    Json,

    /// <summary>SARIF 2.1.0, for code-scanning dashboards.</summary>
    Sarif,

    /// <summary>JUnit XML, for CI test reports: one test case per rule and principal.</summary>
    JUnit,

    /// <summary>GitHub-flavoured Markdown, for pull requests and wikis.</summary>
    Markdown,

    /// <summary>One self-contained HTML page for people who do not read JSON.</summary>
    Html,
}
