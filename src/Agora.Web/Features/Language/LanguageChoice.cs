namespace Agora.Web.Features.Language;

/// <summary>
/// The visitor's language: the one they chose in this browser (the <see cref="StorefrontLanguage.CookieName"/> cookie,
/// anyone, signed in or not), else the signed-in customer's <c>locale</c> (Identity's profile, through its user info),
/// else English. Only <c>en</c> and <c>ko</c>; a regional tag (<c>ko-KR</c>) counts as its language. (The services run
/// with invariant globalization, so this is a tag, not a <see cref="System.Globalization.CultureInfo"/>.)
/// </summary>
public static class LanguageChoice
{
    /// <summary>The claim Identity's user info carries the profile's locale in (OpenID Connect's standard claim).</summary>
    public const string LocaleClaim = "locale";

    public const string Default = "en";

    /// <summary>The language of <paramref name="context"/>'s request (a page, or the connection of an interactive page's circuit).</summary>
    public static string Of(HttpContext? context) =>
        context is null ? Default : Of(context.Request.Cookies[StorefrontLanguage.CookieName], context.User.FindFirst(LocaleClaim)?.Value);

    /// <summary>The language to show from the cookie's choice and the customer's locale.</summary>
    public static string Of(string? chosen, string? locale) => Supported(chosen) ?? Supported(locale) ?? Default;

    /// <summary><c>en</c> or <c>ko</c> for a tag of either language, else null.</summary>
    public static string? Supported(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }

        var language = tag.Split('-', '_')[0].Trim().ToLowerInvariant();
        return StorefrontLanguage.Languages.Contains(language, StringComparer.Ordinal) ? language : null;
    }
}
