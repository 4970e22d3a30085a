using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using System.Text.RegularExpressions;
using Validator = Agora.Http.Validator;

namespace Agora.Identity.Features.Users;

/// <summary>A user as the API shows it; the profile (locale, marketing preference) is part of it. Never the hash.</summary>
public sealed record UserDto(
    [property: MaxLength(40), RegularExpression("^usr_[A-Za-z0-9]+$")] string Id,
    [property: MaxLength(200)] string Name,
    [property: MaxLength(254), EmailAddress] string Email,
    UserStatus Status,
    [property: MaxLength(UserValidation.MaxRoles)] IReadOnlyList<string> Roles,
    [property: MaxLength(35), RegularExpression(UserValidation.LocalePattern)] string? Locale,
    bool MarketingOptIn,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static UserDto From(User u) =>
        new(u.Id, u.Name, u.Email, u.Status, u.RoleList, u.Locale, u.MarketingOptIn, u.CreatedAt, u.UpdatedAt);
}

/// <summary>
/// What <c>POST /api/v1/users</c> takes. <c>roles</c> and <c>status</c> are not accepted here (422): a new account is
/// an active customer, and only an administrator grants more.
/// </summary>
public sealed record RegisterUserInput(
    [property: MaxLength(200)] string? Name,
    [property: MaxLength(254), EmailAddress] string? Email,
    [property: MinLength(UserValidation.MinPasswordLength), MaxLength(UserValidation.MaxPasswordLength)] string? Password,
    [property: MaxLength(35), RegularExpression(UserValidation.LocalePattern)] string? Locale = null,
    bool? MarketingOptIn = null,
    JsonElement? Roles = null,
    JsonElement? Status = null);

/// <summary>
/// What PUT takes, and the shape a PATCH merges into. <c>status</c> and <c>roles</c> may be sent by anyone as long as
/// they equal the current values (a read-modify-write round trip); changing them is an administrator's right (403
/// otherwise). <c>password</c> is write-only and needs <c>current_password</c>; only the account holder may change it.
/// </summary>
public sealed record UserInput(
    [property: MaxLength(200)] string? Name,
    [property: MaxLength(254), EmailAddress] string? Email,
    [property: MaxLength(35), RegularExpression(UserValidation.LocalePattern)] string? Locale = null,
    bool? MarketingOptIn = null,
    UserStatus? Status = null,
    [property: MaxLength(UserValidation.MaxRoles)] IReadOnlyList<string>? Roles = null,
    [property: MinLength(UserValidation.MinPasswordLength), MaxLength(UserValidation.MaxPasswordLength)] string? Password = null,
    [property: MaxLength(UserValidation.MaxPasswordLength)] string? CurrentPassword = null);

internal static partial class UserValidation
{
    public const int MinPasswordLength = 10;

    /// <summary>Long enough to be a passphrase, short enough that hashing it is cheap.</summary>
    public const int MaxPasswordLength = 128;

    public static readonly string[] KnownRoles = [AgoraRoles.Admin, AgoraRoles.Customer];

    /// <summary>The most roles a user can hold (every known role once); the documented bound of <c>roles</c>.</summary>
    public const int MaxRoles = 2;

    /// <summary>A BCP 47 language tag, as <see cref="Locale"/> checks it.</summary>
    public const string LocalePattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$";

    // The most common passwords that satisfy the length rule (NIST SP 800-63B asks to refuse known-bad ones).
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "1234567890", "12345678910", "123456789012", "0123456789", "0987654321", "1111111111", "0000000000",
        "password12", "password123", "password1234", "passw0rd12", "qwertyuiop", "qwerty12345", "qwerty123456",
        "1q2w3e4r5t", "1qaz2wsx3edc", "iloveyou12", "abcdefghij", "abc1234567", "letmein123", "welcome123",
        "administrator", "changeme12", "zaq12wsxcde",
    };

    public static void Name(string? name, Validator v)
    {
        v.Require(!string.IsNullOrWhiteSpace(name), "name", "Required.");
        v.Require(name is null || name.Trim().Length <= 200, "name", "At most 200 characters.");
    }

    public static void Email(string? email, Validator v)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            v.Add("email", "Required.");
            return;
        }

        var trimmed = email.Trim();
        v.Require(trimmed.Length <= 254 && IsEmail(trimmed), "email", "Not a valid email address.");
    }

    public static bool IsEmail(string email) =>
        !email.Any(char.IsWhiteSpace) && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email
        && parsed.Host.Contains('.', StringComparison.Ordinal) && !parsed.Host.EndsWith('.');

    public static void Password(string? password, string? email, Validator v, string field = "password")
    {
        if (string.IsNullOrEmpty(password))
        {
            v.Add(field, "Required.");
            return;
        }

        if (password.Length < MinPasswordLength || password.Length > MaxPasswordLength)
        {
            v.Add(field, $"Must be {MinPasswordLength} to {MaxPasswordLength} characters long.");
        }
        else if (Common.Contains(password) || password.Distinct().Count() < 3)
        {
            v.Add(field, "Too easy to guess; choose a longer or less common password.");
        }
        else if (email is not null && string.Equals(password, email.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            v.Add(field, "Must not be your email address.");
        }
    }

    public static void Locale(string? locale, Validator v) =>
        v.Require(locale is null || (locale.Length <= 35 && LocaleTag().IsMatch(locale)), "locale",
            "A BCP 47 language tag such as 'en', 'ko-KR' or 'zh-Hant-TW'.");

    /// <summary>Validates roles; returns them in canonical (sorted, distinct) form.</summary>
    public static IReadOnlyList<string>? Roles(IReadOnlyList<string>? roles, Validator v)
    {
        if (roles is null)
        {
            return null;
        }

        v.Require(roles.Count > 0, "roles", "At least one role.");
        var unknown = roles.Where(r => !KnownRoles.Contains(r, StringComparer.Ordinal)).ToList();
        v.Require(unknown.Count == 0, "roles", $"Unknown roles: {string.Join(", ", unknown)}. Known: {string.Join(", ", KnownRoles)}.");
        return roles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The unique key of an email: trimmed, upper-invariant (as the login page compares them).</summary>
    public static string Normalize(string email) => email.Trim().ToUpperInvariant();

    [GeneratedRegex(LocalePattern)]
    private static partial Regex LocaleTag();
}
