using System;
using System.IO;
using System.Management.Automation;
using MarketplaceGuard.Aws.Snapshots;

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
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(path, "Write the account's authorization details (users, groups, roles, policies)"))
        {
            return;
        }

        // Written beside the target and moved into place at the end: an interrupted or failed export leaves
        // neither a partial file nor a damaged earlier one.
        var partial = path + ".partial";
        var connection = Connect();
        try
        {
            var entities = RunAws(connection, async (client, cancellation) =>
            {
                await using var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                return await AuthorizationDetailsExporter.ExportAsync(client, file, cancellation).ConfigureAwait(false);
            }, path);
            File.Move(partial, path, overwrite: true);
            WriteVerbose($"Wrote {entities:N0} users, groups, roles and policies to {path}.");
        }
        finally
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
        }

        if (PassThru)
        {
            WriteObject(new FileInfo(path));
        }
    }
}
