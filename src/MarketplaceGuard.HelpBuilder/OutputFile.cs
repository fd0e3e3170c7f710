using System;
using System.IO;

namespace MarketplaceGuard.HelpBuilder;

internal static class OutputFile
{
    /// <summary>
    /// Writes the file only when its bytes differ from what is on disk, so an unchanged help file keeps its timestamp
    /// and MSBuild's incremental checks downstream (copy to the module folder, packaging) stay quiet.
    /// </summary>
    /// <returns>True when the file was (re)written.</returns>
    public static bool WriteIfChanged(string path, byte[] content)
    {
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
        {
            return false;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(path, content);
        return true;
    }
}
