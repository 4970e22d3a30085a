using Agora.Web.Features.Checkout;
using Agora.Web.Features.Orders;
using Agora.Web.Features.Shop;
using Agora.Web.Features.SignIn;

namespace Agora.Web.Tests;

public sealed class StorefrontRulesTests
{
    [Theory]
    [InlineData("32000", "KRW", "₩32,000")]
    [InlineData("19.9", "USD", "$19.90")]
    [InlineData("1234.5", "EUR", "€1,234.50")]
    [InlineData("12.345", "KWD", "12.345 KWD")]
    [InlineData("abc", "USD", "abc USD")]
    public void Prices_AreFormattedPerCurrency(string amount, string currency, string shown) =>
        Assert.Equal(shown, Prices.Format(amount, currency));

    [Fact]
    public void Prices_TotalsSumEachCurrencyApart() =>
        Assert.Equal(["₩70,000", "$3.00"], Prices.Totals([("30000", "KRW", 2), ("10000", "KRW", 1), ("1.50", "USD", 2)]));

    [Fact]
    public void Highlights_KeepOnlyTheEmphasis()
    {
        Assert.Equal("Blue <mark>Shirt</mark> &amp; hat", Highlights.ToMarkup("Blue <em>Shirt</em> &amp; hat").Value);
        // A fragment that was not escaped as promised cannot inject markup.
        Assert.Equal("&lt;script&gt;x&lt;/script&gt; <mark>a</mark>", Highlights.ToMarkup("<script>x</script> <em>a</em>").Value);
    }

    [Theory]
    [InlineData("/cart", "/cart")]
    [InlineData("/orders/ord_1?x=1", "/orders/ord_1?x=1")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData(null, "/")]
    public void ReturnUrls_StayOnTheSite(string? returnUrl, string expected) =>
        Assert.Equal(expected, SignInEndpoints.LocalOnly(returnUrl));

    [Fact]
    public void Backchannel_RewritesOnlyAddressesUnderTheIssuer()
    {
        Assert.Equal("https://localhost:5101/connect/token",
            IdentityBackchannel.Rewrite("http://localhost:5101/connect/token", "http://localhost:5101/", "https://localhost:5101/"));
        Assert.Equal("http://other/x", IdentityBackchannel.Rewrite("http://other/x", "http://localhost:5101/", "https://localhost:5101/"));
        Assert.Equal("http://localhost:5101/x", IdentityBackchannel.Rewrite("http://localhost:5101/x", "http://localhost:5101/", null));
    }

    [Fact]
    public void Browser_IsSentToTheGateway_AlsoForEndpointsDiscoveredOverTheBackchannel()
    {
        // Under mutual TLS the discovery document is read over the back channel, and Identity names its endpoints after
        // that request (https://localhost:5101/…), not after its issuer (http://…): a browser cannot reach that port at
        // all (it asks a client certificate), so those addresses too must become the gateway's.
        Assert.Equal("https://localhost:8443/connect/authorize?client_id=c",
            IdentityBackchannel.Rewrite("https://localhost:5101/connect/authorize?client_id=c", "http://localhost:5101/", "https://localhost:8443/", "https://localhost:5101/"));
        Assert.Equal("https://localhost:8443/connect/endsession",
            IdentityBackchannel.Rewrite("http://localhost:5101/connect/endsession", "http://localhost:5101/", "https://localhost:8443/", "https://localhost:5101/"));
        Assert.Equal("https://elsewhere/connect/authorize",
            IdentityBackchannel.Rewrite("https://elsewhere/connect/authorize", "http://localhost:5101/", "https://localhost:8443/", "https://localhost:5101/"));
    }

    [Fact]
    public void IdempotencyKey_IsTheSameForTheSameCheckout_AndDiffersPerAddress()
    {
        var seoul = new OrderAddress("Kim", "+82-10", "1 Teheran-ro", null, "Seoul", "06236", "KR");
        var busan = seoul with { City = "Busan" };
        Assert.Equal(CheckoutRules.IdempotencyKey("web-1", seoul), CheckoutRules.IdempotencyKey("web-1", seoul));
        Assert.NotEqual(CheckoutRules.IdempotencyKey("web-1", seoul), CheckoutRules.IdempotencyKey("web-1", busan));
        Assert.NotEqual(CheckoutRules.IdempotencyKey("web-1", seoul), CheckoutRules.IdempotencyKey("web-2", seoul));
        Assert.True(CheckoutRules.IdempotencyKey("web-" + new string('a', 32), seoul).Length <= 255);
    }

    [Fact]
    public void NewAddress_NeedsEveryRequiredField_AndATwoLetterCountry()
    {
        var input = new CheckoutInput { Recipient = "Kim", Phone = "010", Line1 = "1 Road", City = "Seoul", PostalCode = "06236", Country = "kr" };
        Assert.Equal("KR", input.NewOrderAddress().Address!.Country);
        input.Country = "KOR";
        Assert.NotNull(input.NewOrderAddress().Problem);
        input.Country = "KR";
        input.Phone = " ";
        Assert.NotNull(input.NewOrderAddress().Problem);
    }

    [Fact]
    public void OrderSteps_FollowTheEvents_AndTheSettledStates()
    {
        var at = DateTimeOffset.Parse("2026-12-07T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var order = Order("paid", "create_shipment");
        var steps = OrderSteps.Of(order, [new(1, "order_placed", at), new(2, "stock_reserved", at), new(3, "payment_authorized", at)]);
        Assert.Equal(["Order placed", "Stock reserved", "Payment authorized"], steps.Where(s => s.Done).Select(s => s.Label));
        Assert.False(OrderSteps.IsSettled(order));
        Assert.True(OrderSteps.IsSettled(Order("confirmed", "completed")));
        Assert.True(OrderSteps.IsCancelled(Order("cancelled", "cancelled")));
        Assert.Contains(OrderSteps.Of(Order("shipped", "completed"), []), s => s is { Label: "Shipped", Done: true });
    }

    internal static Order Order(string status, string saga) => new(
        "ord_1", status, [], new Money("1000", "KRW"), new OrderAddress("Kim", "010", "1 Road", null, "Seoul", "06236", "KR"),
        new OrderPayment(null, "none"), new OrderShipment(null, "none", null, null), new OrderSaga(saga, 1, false), null,
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, []);
}
