using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Agora.Primitives;

/// <summary>Money on the wire: a decimal string and an ISO 4217 code, e.g. <c>{"amount": "50000", "currency": "KRW"}</c>.</summary>
public sealed record MoneyDto(
    [property: MaxLength(32), RegularExpression(@"^[0-9]+(\.[0-9]+)?$")] string Amount,
    [property: MaxLength(3), RegularExpression("^[A-Z]{3}$")] string Currency);

/// <summary>Currency rules: minor units per ISO 4217, conversion to and from integer minor units.</summary>
public static class Currencies
{
    private static readonly Dictionary<string, int> MinorUnitDigits = new(StringComparer.Ordinal)
    {
        ["KRW"] = 0, ["JPY"] = 0, ["USD"] = 2, ["EUR"] = 2, ["GBP"] = 2, ["CNY"] = 2, ["CAD"] = 2, ["AUD"] = 2,
        ["CHF"] = 2, ["SGD"] = 2, ["HKD"] = 2, ["KWD"] = 3, ["BHD"] = 3,
    };

    /// <summary>True for a supported ISO 4217 code (upper case).</summary>
    public static bool IsSupported(string? code) => code is not null && MinorUnitDigits.ContainsKey(code);

    /// <summary>Digits after the decimal point (KRW 0, USD 2, KWD 3).</summary>
    public static int Digits(string code) => MinorUnitDigits[code];

    /// <summary>Parses an amount string; rejects floats in exponent form, too many decimals and non-numbers.</summary>
    public static bool TryParse(MoneyDto? money, out long minor, out string? error)
    {
        minor = 0;
        error = null;
        if (money is null)
        {
            error = "Required.";
            return false;
        }

        if (!IsSupported(money.Currency))
        {
            error = $"Unsupported currency '{money.Currency}'; use an ISO 4217 code such as KRW or USD.";
            return false;
        }

        if (!decimal.TryParse(money.Amount, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            error = "Amount must be a non-negative decimal string such as \"50000\" or \"19.99\".";
            return false;
        }

        var digits = Digits(money.Currency);
        var scaled = amount * Pow10(digits);
        if (scaled != decimal.Truncate(scaled))
        {
            error = $"{money.Currency} has {digits} decimal place(s).";
            return false;
        }

        if (scaled > long.MaxValue / 4)
        {
            error = "Amount is too large.";
            return false;
        }

        minor = (long)scaled;
        return true;
    }

    /// <summary>Minor units to a decimal amount.</summary>
    public static decimal ToDecimal(long minor, string currency) => minor / Pow10(Digits(currency));

    /// <summary>A decimal amount to minor units, rounded half away from zero to the currency's digits.</summary>
    public static long ToMinor(decimal amount, string currency) =>
        (long)decimal.Round(amount * Pow10(Digits(currency)), 0, MidpointRounding.AwayFromZero);

    /// <summary>Minor units to the wire format, with exactly the currency's digits.</summary>
    public static MoneyDto Format(long minor, string currency) =>
        new(ToDecimal(minor, currency).ToString("F" + Digits(currency), CultureInfo.InvariantCulture), currency);

    private static decimal Pow10(int digits) => digits switch { 0 => 1m, 1 => 10m, 2 => 100m, 3 => 1000m, _ => throw new ArgumentOutOfRangeException(nameof(digits)) };
}
