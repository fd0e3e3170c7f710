using MarketplaceGuard.Engine.Matching;

namespace MarketplaceGuard.Tests.Matching;

public sealed class ClosestNamesTests
{
    private static readonly string[] Actions =
    [
        "aws-marketplace:Subscribe",
        "aws-marketplace:Unsubscribe",
        "aws-marketplace:ViewSubscriptions",
        "aws-marketplace:GetEntitlements",
    ];

    [Theory]
    [InlineData("aws-marketplace:Subscrib", "aws-marketplace:Subscribe")]
    [InlineData("AWS-MARKETPLACE:SUBSCRIBE", "aws-marketplace:Subscribe")]
    [InlineData("aws-marketplace:Susbcribe", "aws-marketplace:Subscribe")]
    [InlineData("aws-marketplace:ViewSubscription", "aws-marketplace:ViewSubscriptions")]
    [InlineData(" aws-marketplace:Unsubscribe ", "aws-marketplace:Unsubscribe")]
    public void A_typo_finds_the_intended_name_first(string value, string expected)
    {
        Assert.Equal(expected, ClosestNames.Find(value, Actions)[0]);
    }

    [Fact]
    public void Nearest_names_come_first_and_at_most_max_are_returned()
    {
        var names = new[] { "MarketplaceBuyers", "MarketplaceBuyer", "Marketplace", "MarketplaceBuilder", "MarketplaceBuy" };

        // Distances 1, 1 (ties in ordinal order) and 2; "Marketplace" and "MarketplaceBuilder" (4 each) are within a
        // third of the longer name but too far behind the nearest.
        Assert.Equal(["MarketplaceBuy", "MarketplaceBuyer", "MarketplaceBuyers"], ClosestNames.Find("MarketplaceBuyr", names));
        Assert.Equal(["MarketplaceBuy", "MarketplaceBuyer", "MarketplaceBuyers"], ClosestNames.Find("MarketplaceBuyr", names, max: 10));
        Assert.Equal(["MarketplaceBuyer", "MarketplaceBuyers"], ClosestNames.Find("MarketplaceBuyerz", names, max: 10));
        Assert.Empty(ClosestNames.Find("Procurement", names));
        Assert.Equal(["MarketplaceBuy"], ClosestNames.Find("MarketplaceBuyr", names, max: 1));
    }

    [Theory]
    [InlineData("iam:CreateUser")]
    [InlineData("x")]
    [InlineData("")]
    [InlineData("   ")]
    public void A_name_unlike_every_candidate_gets_no_suggestion(string value)
    {
        Assert.Empty(ClosestNames.Find(value, Actions));
    }

    [Fact]
    public void Candidates_that_differ_only_in_case_are_offered_once()
    {
        Assert.Equal(["Procurement"], ClosestNames.Find("Procurment", ["Procurement", "PROCUREMENT", "Billing"]));
    }

    [Fact]
    public void Short_names_allow_one_edit()
    {
        Assert.Equal(["bob"], ClosestNames.Find("bib", ["bob", "alice"]));
        Assert.Empty(ClosestNames.Find("bxx", ["bob"]));
    }
}
