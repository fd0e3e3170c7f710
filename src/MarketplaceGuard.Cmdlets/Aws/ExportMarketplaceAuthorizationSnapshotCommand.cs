using System;
using System.IO;
using System.Management.Automation;
using MarketplaceGuard.Aws.Snapshots;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Cmdlets.Organizations;
using MarketplaceGuard.Cmdlets.Output;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Cmdlets.Aws;

/// <summary>
/// Export-MarketplaceAuthorizationSnapshot: reads the account with GetAccountAuthorizationDetails and writes the
/// JSON `aws iam get-account-authorization-details` writes, for offline audits; with -AccountId or -AllAccounts, one
/// file per account (named after its id) in the folder -Path names, through the role assumed in each account.
/// </summary>
[Cmdlet(VerbsData.Export, "MarketplaceAuthorizationSnapshot", SupportsShouldProcess = true, DefaultParameterSetName = LiveParameterSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportMarketplaceAuthorizationSnapshotCommand : OrganizationCommand
{
    /// <summary>The file to write; with -AccountId or -AllAccounts, the folder to write one file per account into.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Return the written file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc/>
    protected override string WorkDone => "exported";

    protected override void EndProcessing()
    {
        CheckOrganizationParameters();
        if (IsOrganizationRun)
        {
            ExportAccounts();
            return;
        }

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

    /// <summary>One snapshot per account into the folder -Path names (created when missing): &lt;id&gt;.json.</summary>
    private void ExportAccounts()
    {
        var folder = GetUnresolvedProviderPathFromPSPath(Path);
        if (File.Exists(folder))
        {
            ThrowTerminatingError(ModuleErrors.Create($"-Path {ModuleErrors.Quote(folder)} is a file; with -AccountId or -AllAccounts, give the folder to write one snapshot per account into.", ErrorIds.OutputPathInvalid, ErrorCategory.WriteError, Path));
        }

        if (!ShouldProcess(folder, "Write the authorization details of each account (<account id>.json)"))
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var (connection, callerAccountId, organization, scope, accounts) = StartLiveRun();
        if (organization is null)
        {
            WriteVerbose($"The organization was not read ({scope.NotReadReason}); the accounts are exported by id.");
        }

        var written = 0;
        FanOut(connection, callerAccountId, accounts, scope, async (account, aws, pump) =>
        {
            using var client = new IamClient(aws.Connection) { CallCompleted = aws.CallCompleted };
            var file = System.IO.Path.Combine(folder, account.AccountId + ".json");
            var entities = await AccountSnapshotFile.WriteAsync(client, file, aws.Cancellation).ConfigureAwait(false);
            pump.Post(() => WriteVerbose($"Account {account.Label}: wrote {entities:N0} users, groups, roles and policies to {file}."));
            return file;
        }, (_, file) =>
        {
            written++;
            if (PassThru)
            {
                WriteObject(new FileInfo(file));
            }
        });
        WriteAccountSummary(scope, written);
    }
}
