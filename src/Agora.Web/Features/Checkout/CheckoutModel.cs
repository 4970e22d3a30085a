using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Agora.Web.Features.Shop;

namespace Agora.Web.Features.Checkout;

/// <summary>What the checkout form sends: an address of the address book, or a new one.</summary>
public sealed class CheckoutInput
{
    /// <summary>An address id, or <see cref="NewAddress"/>.</summary>
    public string? AddressId { get; set; }

    public const string NewAddress = "new";

    [MaxLength(100)] public string? Recipient { get; set; }

    [MaxLength(30)] public string? Phone { get; set; }

    [MaxLength(200)] public string? Line1 { get; set; }

    [MaxLength(200)] public string? Line2 { get; set; }

    [MaxLength(100)] public string? City { get; set; }

    [MaxLength(20)] public string? PostalCode { get; set; }

    [MaxLength(2)] public string? Country { get; set; } = "KR";

    /// <summary>Keep a new address in the address book.</summary>
    public bool Save { get; set; } = true;

    /// <summary>The new address as an order's, or what is missing.</summary>
    public (OrderAddress? Address, string? Problem) NewOrderAddress()
    {
        string?[] required = [Recipient, Phone, Line1, City, PostalCode, Country];
        if (required.Any(string.IsNullOrWhiteSpace))
        {
            return (null, "Fill in the recipient, phone, address, city, postal code and country.");
        }

        var country = Country!.Trim().ToUpperInvariant();
        return country.Length != 2 || !country.All(char.IsAsciiLetterUpper)
            ? (null, "The country is a two-letter code such as KR or US.")
            : (new OrderAddress(Recipient!.Trim(), Phone!.Trim(), Line1!.Trim(), string.IsNullOrWhiteSpace(Line2) ? null : Line2.Trim(),
                City!.Trim(), PostalCode!.Trim(), country), null);
    }
}

/// <summary>The checkout's rules that are not markup.</summary>
public static class CheckoutRules
{
    /// <summary>An address-book entry as an order's address (an order needs a phone and a postal code).</summary>
    public static OrderAddress? ToOrderAddress(Address a) =>
        string.IsNullOrWhiteSpace(a.Phone) || string.IsNullOrWhiteSpace(a.PostalCode)
            ? null
            : new OrderAddress(a.Recipient, a.Phone, a.Line1, string.IsNullOrWhiteSpace(a.Line2) ? null : a.Line2, a.City, a.PostalCode, a.Country);

    /// <summary>
    /// The order's <c>Idempotency-Key</c>: the cart's checkout key (one per cart as it stands) and the address, so the
    /// same cart sent to the same address is one order however often it is sent, and another address is another order.
    /// </summary>
    public static string IdempotencyKey(string checkoutKey, OrderAddress address)
    {
        var text = string.Join('\u001f', address.Recipient, address.Phone, address.Line1, address.Line2 ?? "", address.City, address.PostalCode, address.Country);
        return checkoutKey + "-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
    }
}
