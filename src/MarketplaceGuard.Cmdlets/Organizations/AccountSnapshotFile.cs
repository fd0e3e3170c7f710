using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Aws.Snapshots;

namespace MarketplaceGuard.Cmdlets.Organizations;

/// <summary>
/// Writes one account's authorization snapshot on a worker thread of a fan-out: into a temporary file beside the
/// target, moved into place only when complete, so an interrupted or failed export leaves neither a partial file nor
/// a damaged earlier one (as OutputFile does on the pipeline thread).
/// </summary>
internal static class AccountSnapshotFile
{
    /// <summary>Exports the account <paramref name="client"/> reads into <paramref name="path"/>; returns the number of entities.</summary>
    public static async Task<int> WriteAsync(IamClient client, string path, CancellationToken cancellation)
    {
        var temporary = $"{path}.{Path.GetRandomFileName()}.partial";
        try
        {
            int entities;
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                entities = await AuthorizationDetailsExporter.ExportAsync(client, stream, cancellation).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
            return entities;
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
