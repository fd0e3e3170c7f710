using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MarketplaceGuard.Engine.Accounts;

/// <summary>
/// AWS managed policy documents shipped with the module (Accounts/AwsManagedPolicies, provenance in its SOURCES.md),
/// for snapshots that attach an AWS managed policy without including its document. Looked up by policy name: AWS
/// managed policy names are unique whatever their path (arn:aws:iam::aws:policy/job-function/ViewOnlyAccess).
/// </summary>
public sealed class AwsManagedPolicyLibrary
{
    private const string Prefix = "MarketplaceGuard.AwsManagedPolicies.";
    private static readonly Lazy<AwsManagedPolicyLibrary> Embedded = new(LoadEmbedded);
    private readonly Dictionary<string, string> documents;

    private AwsManagedPolicyLibrary(Dictionary<string, string> documents)
    {
        this.documents = documents;
    }

    /// <summary>The documents shipped with the module.</summary>
    public static AwsManagedPolicyLibrary Default => Embedded.Value;

    /// <summary>The names of the policies the library holds.</summary>
    public IEnumerable<string> Names => documents.Keys.Order(StringComparer.Ordinal);

    /// <summary>True for an ARN of an AWS managed policy (account "aws").</summary>
    public static bool IsAwsManaged(string policyArn) => policyArn.Contains(":iam::aws:policy/", StringComparison.Ordinal);

    /// <summary>The document of an AWS managed policy by its ARN, or null when the library does not have it.</summary>
    public string? Find(string policyArn) =>
        IsAwsManaged(policyArn) && documents.TryGetValue(policyArn[(policyArn.LastIndexOf('/') + 1)..], out var document) ? document : null;

    private static AwsManagedPolicyLibrary LoadEmbedded()
    {
        var assembly = typeof(AwsManagedPolicyLibrary).Assembly;
        var documents = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            documents[resource[Prefix.Length..^".json".Length]] = reader.ReadToEnd();
        }

        return new AwsManagedPolicyLibrary(documents);
    }
}
