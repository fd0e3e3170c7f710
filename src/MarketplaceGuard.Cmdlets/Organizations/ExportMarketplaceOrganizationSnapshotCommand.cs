using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Cmdlets.Errors;
using MarketplaceGuard.Engine.Organizations;

namespace MarketplaceGuard.Cmdlets.Organizations;

/// <summary>
/// Export-MarketplaceOrganizationSnapshot: writes the organization (tree, accounts, SCP documents and attachments) and
/// one authorization snapshot per active account into a folder, for offline audits of the whole organization
/// (-OrganizationSnapshotPath) that give the findings a live run gives. Needs the management account or a delegated
/// administrator.
/// </summary>
[Cmdlet(VerbsData.Export, "MarketplaceOrganizationSnapshot", SupportsShouldProcess = true)]
[OutputType(typeof(DirectoryInfo))]
public sealed partial class ExportMarketplaceOrganizationSnapshotCommand : OrganizationCommand
{
    /// <summary>The folder to write (created when missing).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Only these accounts' snapshots; every active account when omitted. The organization is always written whole.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public override string[]? AccountId { get => base.AccountId; set => base.AccountId = value; }

    /// <summary>Not a parameter here: the organization is always exported whole (declared without [Parameter] to hide the base's).</summary>
    public override SwitchParameter AllAccounts { get => base.AllAccounts; set => base.AllAccounts = value; }

    /// <summary>Return the folder.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Always an organization run: every account, or those -AccountId names.</summary>
    protected override bool IsOrganizationRun => true;

    /// <inheritdoc/>
    protected override string WorkDone => "exported";

    protected override void EndProcessing()
    {
        CheckOrganizationParameters();
        var folder = GetUnresolvedProviderPathFromPSPath(Path);
        CheckFolder(folder);
        if (!ShouldProcess(folder, $"Write the organization ({OrganizationSnapshotFile.FileName}) and one authorization snapshot per account ({OrganizationSnapshotFile.AccountsFolder}/<id>.json)"))
        {
            return;
        }

        var (connection, callerAccountId, read, scope, accounts) = StartLiveRun(organizationRequired: true);
        var organization = read!;

        var accountsFolder = System.IO.Path.Combine(folder, OrganizationSnapshotFile.AccountsFolder);
        Directory.CreateDirectory(accountsFolder);
        var exported = new Dictionary<string, string>(StringComparer.Ordinal);
        FanOut(connection, callerAccountId, accounts, scope, async (account, aws, pump) =>
        {
            using var client = new IamClient(aws.Connection) { CallCompleted = aws.CallCompleted };
            var relative = OrganizationSnapshotFile.AccountSnapshotPath(account.AccountId);
            var entities = await AccountSnapshotFile.WriteAsync(client, System.IO.Path.Combine(folder, relative), aws.Cancellation).ConfigureAwait(false);
            pump.Post(() => WriteVerbose($"Account {account.Label}: wrote {entities:N0} users, groups, roles and policies to {relative}."));
            return relative;
        }, (account, relative) => exported[account.AccountId] = relative);

        var failed = scope.Unaudited.ToDictionary(a => a.AccountId, a => a.Reason, StringComparer.Ordinal);
        var selected = AccountId?.ToHashSet(StringComparer.Ordinal);
        var written = new Organization(
            organization.Id,
            organization.Arn,
            organization.FeatureSet,
            organization.ManagementAccountId,
            organization.Roots,
            organization.OrganizationalUnits,
            organization.Accounts.Select(a => exported.TryGetValue(a.Id, out var relative)
                ? a with { AuthorizationDetails = relative, NotExported = null }
                : a with { AuthorizationDetails = null, NotExported = NotExportedReason(a, selected, failed) }).ToList(),
            organization.Policies);
        RemoveStaleSnapshots(accountsFolder, exported.Keys);
        WriteOrganization(folder, written);
        WriteAccountSummary(scope, exported.Count);
        if (PassThru)
        {
            WriteObject(new DirectoryInfo(folder));
        }
    }

    /// <summary>
    /// The folder must be new, empty, or an earlier organization snapshot (which this one replaces): anything else is
    /// refused rather than mixed with the snapshot.
    /// </summary>
    private void CheckFolder(string folder)
    {
        if (File.Exists(folder))
        {
            ThrowTerminatingError(ModuleErrors.Create($"-Path {ModuleErrors.Quote(folder)} is a file; give the folder to write the organization snapshot into.", ErrorIds.OutputPathInvalid, ErrorCategory.WriteError, Path));
        }

        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any() && !File.Exists(System.IO.Path.Combine(folder, OrganizationSnapshotFile.FileName)))
        {
            ThrowTerminatingError(ModuleErrors.Create(
                $"-Path {ModuleErrors.Quote(folder)} is a folder with other content and no {OrganizationSnapshotFile.FileName}; give a new or empty folder, or an earlier organization snapshot to replace.",
                ErrorIds.OutputPathInvalid,
                ErrorCategory.WriteError,
                Path));
        }
    }

    private static string NotExportedReason(OrganizationAccount account, HashSet<string>? selected, Dictionary<string, string> failed) =>
        failed.TryGetValue(account.Id, out var reason) ? "its export failed: " + reason
        : !account.IsActive ? $"the account is {OrganizationSnapshotFile.StateText(account.State)}, so it was not exported"
        : selected is not null && !selected.Contains(account.Id) ? "not selected (-AccountId)"
        : "not exported";

    /// <summary>Account snapshots an earlier export left that this one does not reference (organization.json would not name them).</summary>
    private void RemoveStaleSnapshots(string accountsFolder, IEnumerable<string> exported)
    {
        var keep = exported.ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(accountsFolder, "*.json"))
        {
            var name = System.IO.Path.GetFileNameWithoutExtension(file);
            if (AccountFileName().IsMatch(name) && !keep.Contains(name))
            {
                File.Delete(file);
                WriteVerbose($"Removed {file}: an earlier export's snapshot of an account this one did not export.");
            }
        }
    }

    private void WriteOrganization(string folder, Organization organization)
    {
        var file = System.IO.Path.Combine(folder, OrganizationSnapshotFile.FileName);
        var temporary = $"{file}.{System.IO.Path.GetRandomFileName()}.partial";
        try
        {
            using (var stream = File.Create(temporary))
            {
                OrganizationSnapshotFile.Write(organization, stream, DateTimeOffset.UtcNow);
            }

            File.Move(temporary, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            ThrowTerminatingError(ModuleErrors.Create($"Writing {ModuleErrors.Quote(file)} failed: {e.Message}", ErrorIds.OutputWriteFailed, ErrorCategory.WriteError, file, e));
        }
    }

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountFileName();
}
