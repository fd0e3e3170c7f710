using System;
using System.Linq;
using MarketplaceGuard.Engine.Audit;
using MarketplaceGuard.Engine.PaidResources;
using MarketplaceGuard.Engine.Templates;

namespace MarketplaceGuard.Tests.PaidResources;

public sealed class GuardTagTests
{
    [Fact]
    public void TheValueIsTheDistinctCodesSortedAndJoinedWithCommas()
    {
        Assert.Equal("abc,xyz", GuardTag.ValueFor(["xyz", "abc", " xyz ", ""]));
        Assert.Equal(string.Empty, GuardTag.ValueFor([]));
    }

    [Fact]
    public void AValueTooLongForEc2KeepsTheWholeCodesThatFit()
    {
        var codes = Enumerable.Range(0, 12).Select(i => $"code{i:d2}" + new string('x', 19)).ToArray(); // 25 characters each

        var value = GuardTag.ValueFor(codes);

        Assert.True(value.Length <= GuardTag.MaxValueLength);
        Assert.Equal(9, value.Split(',').Length); // 9 × 25 + 8 commas = 233; a tenth would need 259
        Assert.All(value.Split(','), code => Assert.Contains(code, codes));
        Assert.Equal(codes.Order().Take(9), value.Split(','));
    }

    [Fact]
    public void TheTemplatesAndTheAuditUseTheKeyProtectWrites()
    {
        Assert.Equal("marketplaceguard:product-code", GuardTag.Key);
        Assert.Equal(GuardTag.Key, PaidAmiCapabilities.GuardTagKey);
        foreach (var name in new[] { PolicyTemplateCatalog.DenyPaidAmiLaunch, PolicyTemplateCatalog.DenyPaidAmiReplication })
        {
            var document = PolicyTemplateCatalog.Find(name)!.Document;
            Assert.Contains("aws:ResourceTag/" + GuardTag.Key, document, StringComparison.Ordinal);
            Assert.DoesNotContain("ResourceTag/marketplaceguard:", document.Replace("ResourceTag/" + GuardTag.Key, string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }
}
