using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MarketplaceGuard.Engine.Accounts;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Policies;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Tests.Templates;

/// <summary>
/// The Rule 2 templates, checked with the module's own evaluator on concrete requests: every launch, replication,
/// sharing and guard-tag request of a paid AMI is explicitly denied to a principal holding PowerUserAccess and the two
/// denies, allowed to a launcher, and ordinary (not paid) requests are left alone.
/// </summary>
public sealed class PaidAmiTemplateTests
{
    /// <summary>The guard tag key the EC2 discovery/protection side writes (GuardTag.Key); the templates spell it out.</summary>
    private const string GuardTagKey = "marketplaceguard:product-code";

    private const string Image = "arn:aws:ec2:us-east-1::image/ami-0abc";
    private const string Snapshot = "arn:aws:ec2:us-east-1::snapshot/snap-0abc";
    private const string Instance = "arn:aws:ec2:us-east-1:111122223333:instance/i-1";
    private const string Volume = "arn:aws:ec2:us-east-1:111122223333:volume/vol-1";
    private const string GuardTag = "aws:ResourceTag/" + GuardTagKey;

    private static readonly string[] LaunchActions = ["ec2:RunInstances", "ec2:CreateFleet", "ec2:RequestSpotInstances", "ec2:RequestSpotFleet"];

    /// <summary>A request of a paid AMI or its data, and the deny template (and statement) that must stop it.</summary>
    public sealed record PaidRequest(string Action, string Resource, (string Key, object Value)[] Context, string Template, string Sid)
    {
        public override string ToString() => $"{Action} on {Resource} with {string.Join(", ", Context.Select(c => $"{c.Key}={(c.Value is string[] many ? "[" + string.Join(",", many) + "]" : c.Value)}"))}";
    }

    private static PaidRequest Launch(string action, string resource, string sid, params (string, object)[] context) =>
        new(action, resource, context, PolicyTemplateCatalog.DenyPaidAmiLaunch, sid);

    private static PaidRequest Replicate(string action, string resource, string sid, params (string, object)[] context) =>
        new(action, resource, context, PolicyTemplateCatalog.DenyPaidAmiReplication, sid);

    /// <summary>Every request of rule2-spec's list, with the facts-file section it comes from (RULE2-RULE3-FACTS.md).</summary>
    public static IEnumerable<PaidRequest> PaidRequests()
    {
        foreach (var action in LaunchActions)
        {
            // §1.1/§1.2: original Marketplace AMIs are owned by aws-marketplace (image row of each launch action).
            yield return Launch(action, Image, "DenyLaunchFromMarketplaceAmis", ("ec2:Owner", "aws-marketplace"));

            // §1.3: a derived AMI is the account's own; only the guard tag tells it apart.
            yield return Launch(action, Image, "DenyLaunchFromGuardTaggedAmis", ("ec2:Owner", "111122223333"), (GuardTag, "abc123"));
        }

        // §1.1/§1.2: the instance row of RunInstances carries ec2:ProductCode.
        yield return Launch("ec2:RunInstances", Instance, "DenyLaunchOfProductCodedInstances", ("ec2:ProductCode", "abc123"));

        // §1.2/§1.3: a paid volume copies its codes to the instance it is attached to.
        yield return Launch("ec2:AttachVolume", Volume, "DenyAttachOfGuardTaggedVolumes", (GuardTag, "abc123"));

        // §1.5: CreateImage and CreateInstanceExportTask see the instance's product code.
        yield return Replicate("ec2:CreateImage", Instance, "DenyImagingAndExportOfProductCodedInstances", ("ec2:ProductCode", "abc123"));
        yield return Replicate("ec2:CreateInstanceExportTask", Instance, "DenyImagingAndExportOfProductCodedInstances", ("ec2:ProductCode", "abc123"));

        // §1.5: CopyImage's image row has only ec2:ImageID/ec2:Owner: any AMI but Amazon's is denied.
        yield return Replicate("ec2:CopyImage", Image, "DenyCopyOfAmisNotOwnedByAmazon", ("ec2:Owner", "aws-marketplace"));
        yield return Replicate("ec2:CopyImage", Image, "DenyCopyOfAmisNotOwnedByAmazon", ("ec2:Owner", "111122223333"), (GuardTag, "abc123"));

        foreach (var action in new[] { "ec2:CreateStoreImageTask", "ec2:ExportImage", "ec2:ModifyImageAttribute" })
        {
            yield return Replicate(action, Image, "DenyStoreExportAndSharingOfMarketplaceAmis", ("ec2:Owner", "aws-marketplace"));
            yield return Replicate(action, Image, "DenyStoreExportAndSharingOfGuardTaggedAmis", ("ec2:Owner", "111122223333"), (GuardTag, "abc123"), ("ec2:Attribute", "launchPermission"));
        }

        yield return Replicate("ec2:CreateRestoreImageTask", Image, "DenyRestoringStoredAmis", ("ec2:Owner", "111122223333"));

        // §1.5: CopySnapshot's snapshot row carries ec2:ProductCode.
        yield return Replicate("ec2:CopySnapshot", Snapshot, "DenyCopyOfProductCodedSnapshots", ("ec2:ProductCode", "abc123"), ("ec2:Owner", "111122223333"));

        foreach (var action in new[] { "ec2:CreateVolume", "ec2:RegisterImage", "ec2:ModifySnapshotAttribute" })
        {
            yield return Replicate(action, Snapshot, "DenyVolumesImagesAndSharingFromGuardTaggedSnapshots", ("ec2:Owner", "111122223333"), (GuardTag, "abc123"));
        }

        foreach (var action in new[] { "ec2:CreateSnapshot", "ec2:CreateSnapshots" })
        {
            yield return Replicate(action, Volume, "DenySnapshotsOfGuardTaggedVolumes", (GuardTag, "abc123"));
        }

        // §1.5 (tag-based conditions can be bypassed by anyone who can re-tag): nobody but launchers touches the key.
        foreach (var action in new[] { "ec2:CreateTags", "ec2:DeleteTags" })
        {
            foreach (var resource in new[] { Image, Snapshot, Volume })
            {
                yield return Replicate(action, resource, "DenyGuardTagChanges", ("aws:TagKeys", new[] { "Name", GuardTagKey }));
            }
        }
    }

    /// <summary>Requests of ordinary (not paid) AMIs and data: the denies must not stop them.</summary>
    public static IEnumerable<PaidRequest> OrdinaryRequests()
    {
        foreach (var action in LaunchActions)
        {
            yield return new(action, Image, [("ec2:Owner", "amazon")], "", "");
            yield return new(action, Image, [("ec2:Owner", "111122223333")], "", "");
        }

        yield return new("ec2:RunInstances", Instance, [("ec2:InstanceType", "t3.micro")], "", "");
        yield return new("ec2:StartInstances", Instance, [], "", "");
        yield return new("ec2:AttachVolume", Volume, [], "", "");
        yield return new("ec2:CreateImage", Instance, [], "", "");
        yield return new("ec2:CopyImage", Image, [("ec2:Owner", "amazon")], "", "");
        yield return new("ec2:ModifyImageAttribute", Image, [("ec2:Owner", "111122223333")], "", "");
        yield return new("ec2:CopySnapshot", Snapshot, [("ec2:Owner", "111122223333")], "", "");
        yield return new("ec2:CreateVolume", Snapshot, [("ec2:Owner", "111122223333")], "", "");
        yield return new("ec2:CreateSnapshot", Volume, [], "", "");
        yield return new("ec2:CreateTags", Image, [("aws:TagKeys", new[] { "Name", "team" })], "", "");
        yield return new("ec2:DeleteTags", Volume, [("aws:TagKeys", new[] { "Name" })], "", "");
        yield return new("ec2:DescribeImages", "*", [], "", "");
    }

    public static TheoryData<PaidRequest> Paid() => [.. PaidRequests()];

    public static TheoryData<PaidRequest> Ordinary() => [.. OrdinaryRequests()];

    private static NamedPolicy Template(string name) => new(PolicyTemplateCatalog.Get(name).PolicyName, PolicyCompiler.Compile(PolicyTemplateCatalog.Get(name).Policy));

    private static readonly NamedPolicy PowerUserAccess = new(
        "PowerUserAccess",
        PolicyCompiler.Compile(PolicyParser.Parse(AwsManagedPolicyLibrary.Default.Find("arn:aws:iam::aws:policy/PowerUserAccess")!)));

    private static readonly PolicySet PowerUserWithDenies = new([PowerUserAccess, Template(PolicyTemplateCatalog.DenyPaidAmiLaunch), Template(PolicyTemplateCatalog.DenyPaidAmiReplication)]);

    private static RequestContext Context(PaidRequest request) =>
        RequestContext.Concrete(request.Context.Select(p => new KeyValuePair<string, ContextValue>(
            p.Key, p.Value is string[] many ? ContextValue.ListOf(many) : ContextValue.Of((string)p.Value))));

    [Theory]
    [MemberData(nameof(Paid))]
    public void APowerUserHoldingTheDeniesIsExplicitlyDeniedEveryPaidAmiRequest(PaidRequest request)
    {
        var result = PolicyEvaluator.Default.Explain(PowerUserWithDenies, request.Action, request.Resource, Context(request));

        Assert.Equal(Decision.ExplicitDeny, result.Decision);
        Assert.Equal(Decision.ExplicitDeny, PolicyEvaluator.Default.Decide(PowerUserWithDenies, request.Action, request.Resource, Context(request)));
        var deciding = Assert.Single(result.MatchedStatements, s => s.Effect == PolicyEffect.Deny);
        Assert.Equal(PolicyTemplateCatalog.Get(request.Template).PolicyName, deciding.PolicyName);
        Assert.Equal(request.Sid, deciding.Sid);
    }

    [Theory]
    [MemberData(nameof(Paid))]
    public void ALauncherIsAllowedEveryPaidAmiRequest(PaidRequest request)
    {
        var launcher = Template(PolicyTemplateCatalog.PaidAmiLauncher);

        Assert.Equal(Decision.Allowed, PolicyEvaluator.Default.Decide(new PolicySet([launcher]), request.Action, request.Resource, Context(request)));
        Assert.Equal(Decision.Allowed, PolicyEvaluator.Default.Decide(new PolicySet([PowerUserAccess, launcher]), request.Action, request.Resource, Context(request)));
    }

    [Theory]
    [MemberData(nameof(Paid))]
    public void WithoutTheDeniesPowerUserAccessAllowsEveryPaidAmiRequest(PaidRequest request)
    {
        // The denies are what stops these requests: the tests above would pass for nothing if PowerUserAccess did not allow them.
        Assert.Equal(Decision.Allowed, PolicyEvaluator.Default.Decide(new PolicySet([PowerUserAccess]), request.Action, request.Resource, Context(request)));
    }

    [Theory]
    [MemberData(nameof(Ordinary))]
    public void TheDeniesLeaveOrdinaryRequestsAlone(PaidRequest request)
    {
        Assert.Equal(Decision.Allowed, PolicyEvaluator.Default.Decide(PowerUserWithDenies, request.Action, request.Resource, Context(request)));
    }

    [Fact]
    public void AnUnknownProductCodeOrTagIsNotTreatedAsPaid()
    {
        // Null checks: a request that does not carry the key is not paid; one that carries it, whatever its value, is.
        var run = (RequestContext context) => PolicyEvaluator.Default.Decide(PowerUserWithDenies, "ec2:RunInstances", Instance, context);

        Assert.Equal(Decision.Allowed, run(RequestContext.Empty));
        Assert.Equal(Decision.ExplicitDeny, run(MarketplaceGuard.Tests.Evaluation.Eval.Concrete(("ec2:ProductCode", "zzzz"))));
    }

    [Theory]
    [InlineData(PolicyTemplateCatalog.PaidAmiLauncher)]
    [InlineData(PolicyTemplateCatalog.DenyPaidAmiLaunch)]
    [InlineData(PolicyTemplateCatalog.DenyPaidAmiReplication)]
    public void EachDocumentIsACustomerManagedPolicyWithinIamsQuota(string name)
    {
        var template = PolicyTemplateCatalog.Get(name);
        using var stream = typeof(PolicyTemplate).Assembly.GetManifestResourceStream($"MarketplaceGuard.Templates.{name}.json")!;
        var source = new StreamReader(stream).ReadToEnd();

        // IAM counts a managed policy's characters without whitespace; the parser's quota check does the same.
        var parsed = PolicyParser.Parse(source, PolicyParseOptions.CustomerManagedPolicy);
        Assert.True(parsed.SemanticallyEquals(template.Policy));
        Assert.InRange(source.Count(c => !char.IsWhiteSpace(c)), 1, PolicyParseOptions.ManagedPolicyCharacterQuota);
        Assert.InRange(template.Document.Length, 1, PolicyParseOptions.ManagedPolicyCharacterQuota);
        Assert.Equal(2, template.Rule);
        Assert.Equal("MarketplaceGuard-" + name, template.PolicyName);
        Assert.All(template.Policy.Statements, s => Assert.False(string.IsNullOrEmpty(s.Sid)));
    }

    [Fact]
    public void TheGuardTagKeyIsSpelledAlikeInEveryTemplate()
    {
        foreach (var name in new[] { PolicyTemplateCatalog.DenyPaidAmiLaunch, PolicyTemplateCatalog.DenyPaidAmiReplication })
        {
            var document = PolicyTemplateCatalog.Get(name).Document;
            Assert.Contains($"\"aws:ResourceTag/{GuardTagKey}\"", document, StringComparison.Ordinal);
            Assert.DoesNotMatch("marketplaceguard:(?!product-code)", document);
        }

        Assert.Contains($"\"{GuardTagKey}\"", PolicyTemplateCatalog.Get(PolicyTemplateCatalog.DenyPaidAmiReplication).Document, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLauncherGrantsNoPassRoleAndNoMarketplaceAction()
    {
        var actions = PolicyTemplateCatalog.Get(PolicyTemplateCatalog.PaidAmiLauncher).Policy.Statements.SelectMany(s => s.Actions).ToList();

        Assert.All(actions, a => Assert.StartsWith("ec2:", a, StringComparison.Ordinal));
        Assert.DoesNotContain(actions, a => a.Contains('*', StringComparison.Ordinal));
    }
}
