using System.Text;
using Agora.Contracts.Orders;
using Agora.Shipping.Features.CarrierCallbacks;
using Agora.Shipping.Features.Shipments;
using Microsoft.Extensions.Options;

namespace Agora.Shipping.Tests;

/// <summary>Carrier rules and callback signatures, without a running service.</summary>
public sealed class CarrierTests
{
    private static CarrierSelector Selector(ShippingOptions options) => new(new StaticOptions(options));

    private static ShippingAddress Address(string country, string postalCode = "12345") =>
        new("R", "P", "L1", null, "City", postalCode, country);

    [Fact]
    public void Choose_ConfiguredRules_FirstMatchWinsElseDefaultCarrier()
    {
        var selector = Selector(new ShippingOptions
        {
            CarrierRules = [new CarrierRule { Countries = ["US", "CA"], Carrier = "UPS" }, new CarrierRule { Countries = ["KR"], Carrier = "Hanjin" }],
            DefaultCarrier = "DHL",
        });

        Assert.Equal("UPS", selector.Choose(Address("ca")).Carrier);
        Assert.Equal("Hanjin", selector.Choose(Address("KR")).Carrier);
        Assert.Equal("DHL", selector.Choose(Address("JP")).Carrier);
    }

    [Fact]
    public void Choose_NoRulesConfigured_KoreaGoesWithCjLogistics()
    {
        var selector = Selector(new ShippingOptions());
        Assert.Equal("CJ Logistics", selector.Choose(Address("KR")).Carrier);
        Assert.Equal("Agora Express", selector.Choose(Address("DE")).Carrier);
    }

    [Fact]
    public void Choose_ConfiguredUnserviceablePostalCode_RefusedWhateverItsSpacing()
    {
        var selector = Selector(new ShippingOptions { UnserviceablePostalCodes = ["999-99"] });

        Assert.Equal("address not serviceable", selector.Choose(Address("KR", "99999")).RefusalReason);
        Assert.NotNull(selector.Choose(Address("KR", "00000")).Carrier); // the default list is replaced, not extended
    }

    [Fact]
    public void Choose_IncompleteAddress_Refused()
    {
        Assert.Equal("invalid address", Selector(new ShippingOptions()).Choose(Address("Korea")).RefusalReason);
    }

    [Fact]
    public void Verify_SignatureOfAnotherSecretBesideTheRightOne_Accepted()
    {
        var body = Encoding.UTF8.GetBytes("""{"event_id":"e1"}""");
        var now = DateTimeOffset.UtcNow;
        var right = CarrierSignature.Header("right-secret-0123456789", now.ToUnixTimeSeconds(), body);
        var old = CarrierSignature.Header("older-secret-0123456789", now.ToUnixTimeSeconds(), body);
        var rotating = old + "," + right[(right.IndexOf(',', StringComparison.Ordinal) + 1)..];

        Assert.Null(CarrierSignature.Verify(rotating, body, "right-secret-0123456789", now, TimeSpan.FromMinutes(5)));
        Assert.NotNull(CarrierSignature.Verify(old, body, "right-secret-0123456789", now, TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v1=abc")]
    [InlineData("t=notanumber,v1=00")]
    [InlineData("t=1,v1=zz")]
    public void Verify_MalformedHeader_Refused(string header)
    {
        Assert.NotNull(CarrierSignature.Verify(header, "{}"u8, "right-secret-0123456789", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Verify_FutureTimestampBeyondTolerance_Refused()
    {
        var body = "{}"u8.ToArray();
        var now = DateTimeOffset.UtcNow;
        var header = CarrierSignature.Header("right-secret-0123456789", now.AddMinutes(6).ToUnixTimeSeconds(), body);
        Assert.NotNull(CarrierSignature.Verify(header, body, "right-secret-0123456789", now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Verify_NoSecretConfigured_RefusesEvenAnEmptySignature()
    {
        var header = CarrierSignature.Header("", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "{}"u8);
        Assert.NotNull(CarrierSignature.Verify(header, "{}"u8, "", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
    }

    private sealed class StaticOptions(ShippingOptions value) : IOptionsMonitor<ShippingOptions>
    {
        public ShippingOptions CurrentValue => value;
        public ShippingOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<ShippingOptions, string?> listener) => null;
    }
}
