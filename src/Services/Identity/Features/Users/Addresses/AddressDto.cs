using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Agora.Http;
using Agora.Identity.Infrastructure;
using Validator = Agora.Http.Validator;

namespace Agora.Identity.Features.Users.Addresses;

/// <summary>A user's address as the API shows it.</summary>
public sealed record AddressDto(
    [property: MaxLength(40), RegularExpression("^adr_[A-Za-z0-9]+$")] string Id,
    [property: MaxLength(40), RegularExpression("^usr_[A-Za-z0-9]+$")] string UserId,
    [property: MaxLength(50)] string Label,
    [property: MaxLength(200)] string Recipient,
    [property: MaxLength(200)] string Line1,
    [property: MaxLength(200)] string Line2,
    [property: MaxLength(100)] string City,
    [property: MaxLength(20), RegularExpression(@"^[A-Za-z0-9\- ]{0,20}$")] string PostalCode,
    [property: MaxLength(2), RegularExpression("^[A-Z]{2}$")] string Country,
    [property: MaxLength(40), RegularExpression(@"^(\+?(?:[ ()\-]*[0-9]){5,20}[ ()\-]*)?$")] string Phone,
    bool IsDefault,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static AddressDto From(Address a) =>
        new(a.Id, a.UserId, a.Label, a.Recipient, a.Line1, a.Line2, a.City, a.PostalCode, a.Country, a.Phone, a.IsDefault,
            a.CreatedAt, a.UpdatedAt);
}

/// <summary>
/// What POST and PUT take, and the shape a PATCH merges into. <c>recipient</c>, <c>line1</c>, <c>city</c> and
/// <c>country</c> are required; <c>label</c>, <c>line2</c>, <c>postal_code</c> and <c>phone</c> may be left out (empty),
/// and so may <c>is_default</c> (the first address becomes the default).
/// </summary>
public sealed record AddressInput(
    [property: MaxLength(50), ApiOptional] string? Label,
    [property: MaxLength(200)] string? Recipient,
    [property: MaxLength(200)] string? Line1,
    [property: MaxLength(200), ApiOptional] string? Line2,
    [property: MaxLength(100)] string? City,
    [property: MaxLength(20), RegularExpression(@"^[A-Za-z0-9\- ]{0,20}$"), ApiOptional] string? PostalCode,
    [property: MaxLength(2), RegularExpression("^[A-Za-z]{2}$")] string? Country,
    [property: MaxLength(40), RegularExpression(@"^(\+?(?:[ ()\-]*[0-9]){5,20}[ ()\-]*)?$"), ApiOptional] string? Phone,
    [property: ApiOptional] bool? IsDefault);

internal static partial class AddressValidation
{
    /// <summary>Addresses one user may keep; also the page size of the address list, which is therefore one page.</summary>
    public const int MaxPerUser = Paging.DefaultPerPage;

    public static void Validate(AddressInput input, Validator v)
    {
        Text(input.Label, "label", 50, required: false, v);
        Text(input.Recipient, "recipient", 200, required: true, v);
        Text(input.Line1, "line1", 200, required: true, v);
        Text(input.Line2, "line2", 200, required: false, v);
        Text(input.City, "city", 100, required: true, v);
        Text(input.PostalCode, "postal_code", 20, required: false, v);
        v.Require(input.PostalCode is null || PostalCode().IsMatch(input.PostalCode.Trim()), "postal_code",
            "Letters, digits, spaces and '-' only.");
        if (string.IsNullOrWhiteSpace(input.Country))
        {
            v.Add("country", "Required: an ISO 3166-1 alpha-2 code such as KR or US.");
        }
        else
        {
            v.Require(Countries.IsAssigned(input.Country.Trim()), "country", "Not an ISO 3166-1 alpha-2 country code (e.g. KR, US, DE).");
        }

        v.Require(input.Phone is null || input.Phone.Trim().Length == 0 || Phone().IsMatch(input.Phone.Trim()), "phone",
            "A phone number: digits with an optional leading '+', spaces, '-', '(' and ')'; 5 to 20 digits.");
    }

    /// <summary>Copies a validated input onto the entity (trimmed, country upper case).</summary>
    public static void Apply(AddressInput input, Address a)
    {
        a.Label = input.Label?.Trim() ?? "";
        a.Recipient = input.Recipient!.Trim();
        a.Line1 = input.Line1!.Trim();
        a.Line2 = input.Line2?.Trim() ?? "";
        a.City = input.City!.Trim();
        a.PostalCode = input.PostalCode?.Trim() ?? "";
        a.Country = input.Country!.Trim().ToUpperInvariant();
        a.Phone = input.Phone?.Trim() ?? "";
    }

    private static void Text(string? value, string field, int max, bool required, Validator v)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            v.Add(field, "Required.");
        }
        else if (value is not null && value.Trim().Length > max)
        {
            v.Add(field, $"At most {max} characters.");
        }
        else if (value is not null && value.Any(char.IsControl))
        {
            v.Add(field, "Must not contain control characters.");
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9\- ]{0,20}$")]
    private static partial Regex PostalCode();

    [GeneratedRegex(@"^\+?(?:[ ()\-]*[0-9]){5,20}[ ()\-]*$")]
    private static partial Regex Phone();
}

/// <summary>The officially assigned ISO 3166-1 alpha-2 codes (249; the list tzdata ships as iso3166.tab).</summary>
internal static class Countries
{
    private static readonly HashSet<string> Assigned = new(StringComparer.OrdinalIgnoreCase)
    {
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE",
        "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD",
        "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
        "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
        "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU",
        "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
        "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME",
        "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
        "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
        "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI",
        "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK",
        "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
        "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
    };

    public static bool IsAssigned(string code) => code.Length == 2 && Assigned.Contains(code);
}
