using System.ComponentModel.DataAnnotations;

namespace Agora.Shipping;

/// <summary><c>Shipping</c> section: which carrier takes a parcel, which addresses no carrier serves, callback security.</summary>
public sealed class ShippingOptions
{
    public const string SectionName = "Shipping";

    /// <summary>
    /// Carrier rules, first match wins: a rule matches when the address's country is in <see cref="CarrierRule.Countries"/>
    /// (or the rule names no countries). Default (no rules configured): KR → <c>CJ Logistics</c>.
    /// </summary>
    public List<CarrierRule> CarrierRules { get; set; } = [];

    /// <summary>The carrier for every address no rule matches. Default <c>Agora Express</c>.</summary>
    [Required, StringLength(100, MinimumLength = 1)]
    public string DefaultCarrier { get; set; } = "Agora Express";

    /// <summary>
    /// Postal codes no carrier serves: a shipment to one fails with <c>ShipmentFailed</c> ("address not serviceable").
    /// Also the failure injection tests and demos use. Default <c>["00000"]</c> (when the list is not configured).
    /// </summary>
    public string[]? UnserviceablePostalCodes { get; set; }

    /// <summary>
    /// The secret carriers sign their callbacks with (HMAC-SHA256 over <c>"{timestamp}.{raw body}"</c>). No default:
    /// while it is empty every callback is refused with 401. At least 16 characters.
    /// </summary>
    public string? CarrierWebhookSecret { get; set; }

    /// <summary>How far a callback's signed timestamp may be from now, either way. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CarrierWebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Prefix of tracking numbers; nine random digits follow (seed style <c>KR123456789</c>). Default <c>KR</c>.</summary>
    [Required, RegularExpression("^[A-Z]{2}$")]
    public string TrackingNumberPrefix { get; set; } = "KR";

    internal static readonly string[] DefaultUnserviceablePostalCodes = ["00000"];

    internal static readonly CarrierRule[] DefaultRules = [new() { Countries = ["KR"], Carrier = "CJ Logistics" }];

    /// <summary>The rules in force: the configured ones, else the default.</summary>
    public IReadOnlyList<CarrierRule> EffectiveRules => CarrierRules.Count > 0 ? CarrierRules : DefaultRules;

    /// <summary>The unserviceable postal codes in force.</summary>
    public IReadOnlyList<string> EffectiveUnserviceablePostalCodes => UnserviceablePostalCodes ?? DefaultUnserviceablePostalCodes;
}

/// <summary>One carrier rule: addresses in these countries go with this carrier.</summary>
public sealed class CarrierRule
{
    /// <summary>ISO 3166-1 alpha-2 codes (KR, US); empty matches every country.</summary>
    public List<string> Countries { get; set; } = [];

    /// <summary>The carrier's name as customers see it.</summary>
    [Required]
    public string Carrier { get; set; } = "";
}
