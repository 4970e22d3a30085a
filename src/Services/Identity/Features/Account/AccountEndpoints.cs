using System.Security.Claims;
using Agora.Identity.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Agora.Identity.Features.Account;

/// <summary>The login page of the authorization code flow: a form with an antiforgery token, a cookie on success.</summary>
internal static partial class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/account/login", (HttpContext context, string? returnUrl) =>
            Html(Pages.Login(context, SafeReturnUrl(returnUrl), null, null))).ExcludeFromDescription();
        app.MapPost("/account/login", LoginAsync).DisableAntiforgery().ExcludeFromDescription();
        app.MapPost("/account/logout", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            await antiforgery.ValidateRequestAsync(context);
            await context.SignOutAsync(IdentityDefaults.LoginScheme);
            return Results.Redirect("/account/login");
        }).DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> LoginAsync(
        HttpContext context, IAntiforgery antiforgery, IdentityDbContext db, IPasswordHasher<User> hasher,
        ILoggerFactory loggers, CancellationToken ct)
    {
        if (!context.Request.HasFormContentType)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Html(Pages.Login(context, "/", "Your session expired; please try again.", null), StatusCodes.Status400BadRequest);
        }

        var form = await context.Request.ReadFormAsync(ct);
        var email = form["email"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = SafeReturnUrl(form["return_url"]);
        var normalized = email.ToUpperInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.EmailNormalized == normalized, ct);
        var verdict = user is null ? PasswordVerificationResult.Failed : hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (user is not { Status: UserStatus.Active } || verdict == PasswordVerificationResult.Failed)
        {
            LogFailedLogin(loggers.CreateLogger("Agora.Identity.Login"));
            return Html(Pages.Login(context, returnUrl, "Wrong email or password.", email), StatusCodes.Status400BadRequest);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            await db.SaveChangesAsync(ct);
        }

        var identity = new ClaimsIdentity([new Claim(Claims.Subject, user.Id), new Claim(Claims.Name, user.Name)], IdentityDefaults.LoginScheme);
        await context.SignInAsync(IdentityDefaults.LoginScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(returnUrl);
    }

    /// <summary>Only local paths: an open redirect on the login page would hand codes to anyone.</summary>
    private static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";

    private static IResult Html(string html, int status = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);

    [LoggerMessage(EventId = 3100, Level = LogLevel.Warning, Message = "Failed login attempt")]
    private static partial void LogFailedLogin(ILogger logger);
}
