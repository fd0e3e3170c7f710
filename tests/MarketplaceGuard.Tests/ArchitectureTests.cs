using System;
using System.Linq;
using System.Reflection;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Tests;

/// <summary>The layering DESIGN.md promises: a pure engine, and no AWS SDK type leaking out of the AWS layer.</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void EngineReferencesNeitherPowerShellNorTheAwsSdk()
    {
        var references = typeof(PolicyDocument).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, r => r.StartsWith("System.Management.Automation", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("AWSSDK", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("MarketplaceGuard", StringComparison.Ordinal));
    }

    [Fact]
    public void AwsLayerExposesNoAwsSdkTypes()
    {
        // The cmdlets live in the default load context and the SDK in the private one: an SDK type in a public
        // signature would tie the cmdlets to whichever AWSSDK.Core AWS.Tools loaded first.
        var leaks =
            from type in typeof(IamEndpoint).Assembly.GetExportedTypes()
            from member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            from exposed in ExposedTypes(member)
            where exposed.Assembly.GetName().Name!.StartsWith("AWSSDK", StringComparison.Ordinal)
            select $"{type.Name}.{member.Name}: {exposed.FullName}";

        Assert.Empty(leaks);
    }

    private static Type[] ExposedTypes(MemberInfo member) => member switch
    {
        PropertyInfo p => [p.PropertyType],
        FieldInfo f => [f.FieldType],
        MethodBase m => m.GetParameters().Select(p => p.ParameterType)
            .Concat(m is MethodInfo mi ? [mi.ReturnType] : Array.Empty<Type>()).ToArray(),
        EventInfo e => [e.EventHandlerType!],
        _ => [],
    };
}
