using System.Security.Cryptography;
using Agora.Contracts.Orders;

namespace Agora.Shipping.Features.Shipments;

/// <summary>What booking a parcel with a carrier gave: a carrier, or the reason none would take it.</summary>
public sealed record CarrierDecision(string? Carrier, string? RefusalReason);

/// <summary>
/// Picks the carrier for an address by the configured rules (first match wins, else the default carrier) and refuses
/// addresses no carrier serves. Tracking numbers are the seed's style: the prefix and nine random digits.
/// </summary>
public sealed class CarrierSelector(IOptionsMonitor<ShippingOptions> options)
{
    /// <summary>Why a shipment to an unserviceable postal code fails.</summary>
    public const string NotServiceable = "address not serviceable";

    public CarrierDecision Choose(ShippingAddress? address)
    {
        var o = options.CurrentValue;
        if (address is null || string.IsNullOrWhiteSpace(address.Country) || address.Country.Trim().Length != 2
            || string.IsNullOrWhiteSpace(address.PostalCode) || string.IsNullOrWhiteSpace(address.Line1)
            || string.IsNullOrWhiteSpace(address.City) || string.IsNullOrWhiteSpace(address.Recipient))
        {
            return new CarrierDecision(null, "invalid address");
        }

        var postal = NormalizePostalCode(address.PostalCode);
        if (o.EffectiveUnserviceablePostalCodes.Any(p => NormalizePostalCode(p) == postal))
        {
            return new CarrierDecision(null, NotServiceable);
        }

        var country = address.Country.Trim().ToUpperInvariant();
        var rule = o.EffectiveRules.FirstOrDefault(r =>
            r.Countries.Count == 0 || r.Countries.Any(c => string.Equals(c.Trim(), country, StringComparison.OrdinalIgnoreCase)));
        return new CarrierDecision(rule?.Carrier ?? o.DefaultCarrier, null);
    }

    /// <summary>A fresh tracking number; uniqueness is the database's unique index (a clash is retried by the caller).</summary>
    public string NewTrackingNumber() =>
        options.CurrentValue.TrackingNumberPrefix + RandomNumberGenerator.GetInt32(0, 1_000_000_000).ToString("D9", System.Globalization.CultureInfo.InvariantCulture);

    private static string NormalizePostalCode(string code) =>
        string.Concat(code.Where(char.IsLetterOrDigit)).ToUpperInvariant();
}
