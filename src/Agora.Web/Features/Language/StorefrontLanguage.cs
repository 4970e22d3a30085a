using Agora.Web.Features.SignIn;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Web.Features.Language;

/// <summary>
/// English or Korean per request (<see cref="LanguageChoice"/>): the scoped <see cref="Texts"/> of a page's request, or
/// of an interactive page's circuit (made while its connection's request, with the same cookies and sign-in, is current).
/// <c>POST /language</c> keeps a visitor's choice.
/// </summary>
internal static class StorefrontLanguage
{
    public const string CookieName = "agora.web.lang";

    public static readonly string[] Languages = ["en", "ko"];

    public static IServiceCollection AddStorefrontLanguage(this IServiceCollection services) =>
        services.AddHttpContextAccessor()
            .AddScoped(sp => Texts.For(LanguageChoice.Of(sp.GetRequiredService<IHttpContextAccessor>().HttpContext)));

    /// <summary><c>POST /language</c> (a form, antiforgery-checked): keeps the choice for a year, back to the page.</summary>
    public static IEndpointRouteBuilder MapLanguageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/language", (HttpContext context, TimeProvider clock, [FromForm] string language, [FromForm] string? returnUrl) =>
        {
            if (LanguageChoice.Supported(language) is { } chosen)
            {
                context.Response.Cookies.Append(CookieName, chosen, new CookieOptions
                {
                    HttpOnly = true, Secure = true, SameSite = SameSiteMode.Lax, IsEssential = true, Path = "/",
                    Expires = clock.GetUtcNow().AddYears(1),
                });
            }

            return Results.Redirect(SignInEndpoints.LocalOnly(returnUrl));
        }).ExcludeFromDescription();
        return app;
    }
}
