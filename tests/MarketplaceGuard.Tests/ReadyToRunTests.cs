using System;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;

namespace MarketplaceGuard.Tests;

/// <summary>What keeps the engine's ReadyToRun code usable (see the Cmdlets project's PrecompileDependencies).</summary>
public sealed class ReadyToRunTests
{
    [Fact]
    public void TheEngineKeepsNo128BitIntegers()
    {
        // UInt128 and Int128 are laid out by the platform, a layout the ReadyToRun compiler cannot fix: every method of
        // the engine whose fields, locals or signature hold one runs through the JIT's slow tiers in a fresh process
        // (measured: the snapshot loader's and the account builder's, and the condition comparison). The hash of an
        // entry and IP addresses are kept as two 64-bit halves instead.
        var engine = typeof(SnapshotEntity).Assembly;
        const System.Reflection.BindingFlags all = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static
            | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly;
        var offending = engine.GetTypes()
            .SelectMany(type => type.GetFields(all).Select(f => (Where: $"{type.Name}.{f.Name}", Type: f.FieldType))
                .Concat(type.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => (Where: $"{type.Name}.{m.Name}({p.Name})", Type: p.ParameterType))
                    .Append((Where: $"{type.Name}.{m.Name} returns", Type: m.ReturnType)))))
            .Where(member => Holds128(member.Type))
            .Select(member => member.Where)
            .ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public void TheEngineUsesNoVectorizedHashPackage()
    {
        // System.IO.Hashing's vector code has no precompiled form: the snapshot loader ran XxHash128 unoptimized over every
        // entry of a fresh process's first audit (150-180 ms on the 1x synthetic account against 22 ms warm). The engine
        // hashes entries with its own scalar ContentHash, which is precompiled with it.
        var references = typeof(SnapshotEntity).Assembly.GetReferencedAssemblies().Select(name => name.Name);
        Assert.DoesNotContain("System.IO.Hashing", references);
    }

    private static bool Holds128(Type type)
    {
        var element = type.IsByRef || type.IsArray ? type.GetElementType()! : type;
        return element == typeof(UInt128) || element == typeof(Int128) || (element.IsGenericType && element.GetGenericArguments().Any(Holds128));
    }
}
