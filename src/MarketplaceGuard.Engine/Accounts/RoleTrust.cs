using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using MarketplaceGuard.Engine.Matching;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Engine.Accounts;

/// <summary>
/// Which AWS services a role's trust policy lets assume it (Principal {"Service": ...} of statements that allow
/// sts:AssumeRole). The audit asks it for Rule 2: a principal that can pass a role to a service that launches
/// instances (CloudFormation, Service Catalog, Auto Scaling, Spot Fleet) can launch with the role's permissions.
/// Conditions of the trust policy are not weighed (they restrict who assumes, e.g. aws:SourceAccount), so a role is
/// trusted by a service whenever some statement names it: the audit may then report a route the condition closes,
/// never miss one. A trust policy that cannot be read trusts every service, for the same reason.
/// </summary>
public sealed class RoleTrust
{
    private readonly HashSet<string> services;

    private RoleTrust(IEnumerable<string> services, bool anyService, string? problem)
    {
        this.services = new HashSet<string>(services, StringComparer.OrdinalIgnoreCase);
        AnyService = anyService;
        Problem = problem;
    }

    /// <summary>A role without a trust policy in the snapshot: nothing is known, so every service may assume it.</summary>
    public static RoleTrust Unknown { get; } = new([], anyService: true, "the snapshot has no AssumeRolePolicyDocument");

    /// <summary>The service principals named, e.g. cloudformation.amazonaws.com.</summary>
    public IReadOnlyCollection<string> Services => services;

    /// <summary>True when any service may assume the role ("*" principal, or the document could not be read).</summary>
    public bool AnyService { get; }

    /// <summary>Why the document could not be read, when it could not.</summary>
    public string? Problem { get; }

    public bool Trusts(string service) => AnyService || services.Contains(service);

    /// <summary>Reads a trust policy (JSON, or URL-encoded as IAM returns it).</summary>
    public static RoleTrust Read(string? document)
    {
        if (document is null)
        {
            return Unknown;
        }

        try
        {
            // The snapshot reader checked the text of the entry, which holds a URL-encoded document as one string: what
            // it decodes to is checked here (an escaped half of a surrogate pair would fail every read of that string).
            var text = PolicyParser.DecodeIfUrlEncoded(document);
            if (JsonText.FindInvalidString(text) is { } invalid)
            {
                return new RoleTrust([], anyService: true, "the trust policy cannot be read: " + invalid);
            }

            using var json = JsonDocument.Parse(text);
            var found = new List<string>();
            var any = false;
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                // A URL-encoded string that decodes to an array, a number or a string: JSON, but not a policy.
                return new RoleTrust([], anyService: true, $"the trust policy is {JsonText.Describe(json.RootElement)}, not a JSON object");
            }

            if (!json.RootElement.TryGetProperty("Statement", out var statements))
            {
                return new RoleTrust([], anyService: true, "the trust policy has no Statement");
            }

            foreach (var statement in statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToArray() : [statements])
            {
                if (statement.ValueKind != JsonValueKind.Object
                    || !statement.TryGetProperty("Effect", out var effect) || effect.ValueKind != JsonValueKind.String || effect.GetString() != "Allow"
                    || !AllowsAssumeRole(statement))
                {
                    continue;
                }

                if (!statement.TryGetProperty("Principal", out var principal))
                {
                    any |= statement.TryGetProperty("NotPrincipal", out _);
                    continue;
                }

                if (principal.ValueKind == JsonValueKind.String)
                {
                    any |= principal.GetString() == "*";
                }
                else if (principal.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in principal.EnumerateObject())
                    {
                        var values = Strings(property.Value);
                        if (property.Name == "Service")
                        {
                            found.AddRange(values);
                        }
                        else if (property.Name == "AWS" && values.Contains("*"))
                        {
                            any = true;
                        }
                    }
                }
            }

            return new RoleTrust(found, any, null);
        }
        catch (JsonException e)
        {
            return new RoleTrust([], anyService: true, "the trust policy is not valid JSON: " + e.Message);
        }
    }

    private static bool AllowsAssumeRole(JsonElement statement)
    {
        if (statement.TryGetProperty("NotAction", out var notAction))
        {
            return !Strings(notAction).Any(a => Glob.Compile(a, wildcards: true, variables: false).Match("sts:AssumeRole", StringComparison.OrdinalIgnoreCase, null) == Tristate.True);
        }

        return statement.TryGetProperty("Action", out var action)
            && Strings(action).Any(a => Glob.Compile(a, wildcards: true, variables: false).Match("sts:AssumeRole", StringComparison.OrdinalIgnoreCase, null) == Tristate.True);
    }

    private static List<string> Strings(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList(),
        _ => [],
    };
}
