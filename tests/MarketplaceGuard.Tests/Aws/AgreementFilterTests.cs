using System;
using MarketplaceGuard.Engine.Procurement;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>AgreementFilter: the values it accepts, and what it keeps.</summary>
public sealed class AgreementFilterTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static Agreement With(DateTimeOffset? end, string status = "ACTIVE") =>
        new("agmt-1", "111122223333") { Status = status, EndTime = end, AgreementType = "PurchaseAgreement", Resources = [new("prod-aaaaaaaaaaaaa", "SaaSProduct")] };

    [Theory]
    [InlineData(5.0, true)]
    [InlineData(30.0, true)]
    [InlineData(30.001, false)]
    [InlineData(-1.0, false)]
    [InlineData(0.0, false)]
    public void ExpiresWithinKeepsWhatEndsAfterNowAndWithinTheSpan(double days, bool kept) =>
        Assert.Equal(kept, AgreementFilter.Create(expiresWithin: TimeSpan.FromDays(30)).Matches(With(Now.AddDays(days)), Now));

    [Fact]
    public void ExpiresWithinNeverKeepsAnAgreementWithoutAnEndAndTakesAHugeSpan()
    {
        Assert.False(AgreementFilter.Create(expiresWithin: TimeSpan.MaxValue).Matches(With(null), Now));
        Assert.True(AgreementFilter.Create(expiresWithin: TimeSpan.MaxValue).Matches(With(Now.AddYears(50)), Now));
        Assert.True(AgreementFilter.All.Matches(With(null), Now));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(59)]
    public void ASpanThatIsNotAheadIsRefused(int seconds) =>
        Assert.Equal("expiresWithin", Assert.Throws<ArgumentException>(() => AgreementFilter.Create(expiresWithin: TimeSpan.FromSeconds(seconds))).ParamName);

    [Fact]
    public void ABareNumberOfTicksIsRefusedWithTheHint()
    {
        var e = Assert.Throws<ArgumentException>(() => AgreementFilter.Create(expiresWithin: TimeSpan.FromTicks(30)));
        Assert.Contains("bare number binds as ticks", e.Message, StringComparison.Ordinal);
        Assert.NotNull(AgreementFilter.Create(expiresWithin: TimeSpan.FromMinutes(1)).ExpiresWithin);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("prod-ABCDEFGHIJKLM", "has uppercase letters")]
    [InlineData("prod-abc", "is not an AWS Marketplace product id")]
    [InlineData("prodcode1abc", "is not an AWS Marketplace product id")]
    public void AProductIdOfAnotherShapeIsRefusedSayingWhy(string id, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => AgreementFilter.Create(productIds: [id]));
        Assert.Equal("productIds", e.ParamName);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void StatusesAndTypesAreSpelledAsTheApiDoesAndAnUnknownOneIsRefused()
    {
        var filter = AgreementFilter.Create(["active", "Active", "expired"], resourceTypes: ["saasproduct"], agreementType: "purchaseagreement");
        Assert.Equal(["ACTIVE", "EXPIRED"], filter.Statuses);
        Assert.Equal(["SaaSProduct"], filter.ResourceTypes);
        Assert.Equal("PurchaseAgreement", filter.AgreementType);
        Assert.Throws<ArgumentException>(() => AgreementFilter.Create(["ACTIV"]));
        Assert.Throws<ArgumentException>(() => AgreementFilter.Create(resourceTypes: ["Ami"]));
        Assert.False(filter.Matches(With(Now, "CANCELLED"), Now));
        Assert.True(filter.Matches(With(Now, "EXPIRED"), Now));
    }
}
