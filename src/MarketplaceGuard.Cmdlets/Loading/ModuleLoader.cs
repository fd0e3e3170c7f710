using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace MarketplaceGuard.Cmdlets.Loading;

/// <summary>
/// Routes the module's own assemblies into <see cref="DependencyLoadContext"/>. The cmdlet assembly lives in the
/// default context (PowerShell loads it there); when it first touches an engine type, the default context cannot
/// find <c>MarketplaceGuard.Engine</c> (it sits in the <c>dependencies</c> folder, which nothing probes) and asks
/// this resolver, which loads it into the private context. The engine's own references (AWSSDK.Core ...) are then
/// resolved by the private context from the same folder. Pattern: PowerShell docs, "Resolving PowerShell module
/// assembly dependency conflicts"; PSResourceGet does the same.
/// Consequence for cmdlet code: parameter types must come from this assembly or the framework. PowerShell reads
/// them by reflection when it imports the module, which neither triggers the module initializer nor goes through a
/// resolver that is not hooked yet; engine types may appear in outputs and OutputType, which are read later.
/// </summary>
public sealed class ModuleLoader : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string[] RoutedAssemblies = ["MarketplaceGuard.Engine", "MarketplaceGuard.Aws"];

    private static readonly DependencyLoadContext Context = new(
        Path.Combine(Path.GetDirectoryName(typeof(ModuleLoader).Assembly.Location)!, "dependencies"));

    private static readonly object Gate = new();
    private static bool hooked;

    /// <summary>
    /// Hooks the resolver as soon as the assembly loads, before PowerShell inspects any cmdlet type: attributes such
    /// as OutputType name engine types, and reading them must already resolve.
    /// </summary>
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "The resolver must be in place before PowerShell reflects over the cmdlet types, which can happen before OnImport.")]
    [ModuleInitializer]
    internal static void HookOnAssemblyLoad() => Hook();

    public void OnImport() => Hook();

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            if (hooked)
            {
                AssemblyLoadContext.Default.Resolving -= Resolve;
                hooked = false;
            }
        }
    }

    private static void Hook()
    {
        lock (Gate)
        {
            if (!hooked)
            {
                AssemblyLoadContext.Default.Resolving += Resolve;
                hooked = true;
            }
        }
    }

    private static Assembly? Resolve(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        foreach (var routed in RoutedAssemblies)
        {
            if (string.Equals(name.Name, routed, System.StringComparison.Ordinal))
            {
                return Context.LoadFromAssemblyName(name);
            }
        }

        return null;
    }
}
