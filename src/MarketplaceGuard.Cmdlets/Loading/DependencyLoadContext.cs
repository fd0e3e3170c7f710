using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace MarketplaceGuard.Cmdlets.Loading;

/// <summary>
/// The module's private load context. It holds the engine, the AWS layer and their packages (AWSSDK.Core 4.1.0 ...)
/// from the module's <c>dependencies</c> folder, so they never clash with the copies another module — typically
/// AWS.Tools.Common with its own AWSSDK.Core 4.0.x, same assembly version 4.0.0.0 — has loaded into the default
/// context. Anything not in that folder (the .NET framework itself) falls back to the default context.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    public const string ContextName = "MarketplaceGuard";

    private readonly string dependencyDirectory;

    public DependencyLoadContext(string dependencyDirectory)
        : base(ContextName, isCollectible: false)
    {
        this.dependencyDirectory = dependencyDirectory;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(dependencyDirectory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
