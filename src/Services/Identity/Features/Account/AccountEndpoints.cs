namespace Agora.Identity.Features.Account;

/// <summary>
/// The login page of the authorization code flow: a form with an antiforgery token, a cookie on success. One operation
/// per file: <see cref="ShowLogin"/> (GET /account/login), <see cref="Login"/> (POST /account/login),
/// <see cref="Logout"/> (POST /account/logout).
/// </summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/account/login", ShowLogin.Handle).ExcludeFromDescription();
        app.MapPost("/account/login", Login.HandleAsync).DisableAntiforgery().ExcludeFromDescription();
        app.MapPost("/account/logout", Logout.HandleAsync).DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    /// <summary>An HTML page of the account UI, never framed (clickjacking).</summary>
    internal static IResult Html(HttpContext context, string html, int status = StatusCodes.Status200OK)
    {
        FrameGuard.Apply(context.Response);
        return Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
    }
}
