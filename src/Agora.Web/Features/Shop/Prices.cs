using System.Globalization;

namespace Agora.Web.Features.Shop;

/// <summary>
/// Prices as a shopper reads them, per currency: its symbol and its own number of decimals (₩32,000, $19.99, €5.00).
/// The services run with invariant globalization, so the symbols are written here rather than read from a culture.
/// </summary>
public static class Prices
{
    private static readonly Dictionary<string, (string Symbol, bool Before)> Symbols = new(StringComparer.Ordinal)
    {
        ["KRW"] = ("₩", true), ["USD"] = ("$", true), ["EUR"] = ("€", true), ["GBP"] = ("£", true), ["JPY"] = ("¥", true),
        ["CNY"] = ("CN¥", true), ["CAD"] = ("CA$", true), ["AUD"] = ("A$", true),
    };

    public static string Format(Money? price) => price is null ? "" : Format(price.Amount, price.Currency);

    public static string Format(string amount, string currency)
    {
        if (!decimal.TryParse(amount, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return $"{amount} {currency}";
        }

        var digits = Agora.Primitives.Currencies.IsSupported(currency) ? Agora.Primitives.Currencies.Digits(currency) : 2;
        var number = value.ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return Symbols.TryGetValue(currency, out var symbol) ? (symbol.Before ? symbol.Symbol + number : number + " " + symbol.Symbol) : $"{number} {currency}";
    }

    /// <summary>The sum of amounts in one currency (a cart's total), formatted; amounts in other currencies are summed apart.</summary>
    public static IReadOnlyList<string> Totals(IEnumerable<(string Amount, string Currency, int Quantity)> lines) =>
        lines.GroupBy(l => l.Currency, StringComparer.Ordinal)
            .Select(g => Format(g.Sum(l => decimal.Parse(l.Amount, CultureInfo.InvariantCulture) * l.Quantity).ToString(CultureInfo.InvariantCulture), g.Key))
            .ToList();
}
