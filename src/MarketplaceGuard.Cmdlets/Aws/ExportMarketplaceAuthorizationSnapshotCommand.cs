using System;
using System.IO;
using System.Management.Automation;
using MarketplaceGuard.Aws.Snapshots;
using MarketplaceGuard.Cmdlets.Output;

namespace MarketplaceGuard.Cmdlets.Aws;

/// <summary>
/// Export-MarketplaceAuthorizationSnapshot: reads the account with GetAccountAuthorizationDetails and writes the
/// JSON `aws iam get-account-authorization-details` writes, for offline audits.
/// </summary>
[Cmdlet(VerbsData.Export, "MarketplaceAuthorizationSnapshot", SupportsShouldProcess = true, DefaultParameterSetName = LiveParameterSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportMarketplaceAuthorizationSnapshotCommand : AwsCommand
{
    /// <summary>The file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Return the written file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        // Checked before connecting: a path that cannot be written fails at once, not after reading the account.
        using var file = OutputFile.Check(this, Path, nameof(Path));
        if (!ShouldProcess(file.Path, "Write the account's authorization details (users, groups, roles, policies)"))
        {
            return;
        }

        // Written beside the target and moved into place at the end: an interrupted or failed export leaves
        // neither a partial file nor a damaged earlier one.
        file.Reserve();
        var connection = Connect();
        int entities;
        try
        {
            entities = RunAws(connection, async (client, cancellation) =>
            {
                await using var stream = file.OpenTemporary(useAsync: true);
                return await AuthorizationDetailsExporter.ExportAsync(client, stream, cancellation).ConfigureAwait(false);
            }, file.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw file.Failed(e);
        }

        file.Commit();
        WriteVerbose($"Wrote {entities:N0} users, groups, roles and policies to {file.Path}.");

        if (PassThru)
        {
            WriteObject(new FileInfo(file.Path));
        }
    }
}
