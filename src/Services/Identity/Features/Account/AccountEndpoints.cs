using System.Globalization;
using Agora.Identity.Features.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Agora.Identity.Features.Account;

/// <summary>The login page of the authorization code flow: a form with an antiforgery token, a cookie on success.</summary>
internal static partial class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/account/login", (HttpContext context, string? returnUrl) =>
            Html(context, Pages.Login(context, SafeReturnUrl(returnUrl), null, null))).ExcludeFromDescription();
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
        HttpContext context, IAntiforgery antiforgery, IdentityDbContext db, IPasswordHasher<User> hasher, DummyPasswordHash dummy,
        LoginThrottle throttle, ILoggerFactory loggers, CancellationToken ct)
    {
        if (!context.Request.HasFormContentType)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Html(context, Pages.Login(context, "/", "Your session expired; please try again.", null), StatusCodes.Status400BadRequest);
        }

        var form = await context.Request.ReadFormAsync(ct);
        var email = form["email"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = SafeReturnUrl(form["return_url"]);
        var normalized = email.ToUpperInvariant();
        var network = throttle.NetworkOf(context);
        var logger = loggers.CreateLogger("Agora.Identity.Login");

        // Throttled before the password is looked at, and alike for known and unknown emails.
        var wait = throttle.RetryAfter(normalized, network);
        if (wait > TimeSpan.Zero)
        {
            LogThrottled(logger, network);
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Html(context, Pages.Login(context, returnUrl, $"Too many sign-in attempts. Try again in {seconds} seconds.", email),
                StatusCodes.Status429TooManyRequests);
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.EmailNormalized == normalized, ct);
        // An unknown email costs the same hash verification as a known one, so timing does not tell them apart.
        var verdict = user is null
            ? Fail(hasher.VerifyHashedPassword(dummy.User, dummy.Hash, password))
            : hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (user is not { Status: UserStatus.Active } || verdict == PasswordVerificationResult.Failed)
        {
            throttle.Failed(normalized, network);
            LogFailedLogin(logger, network);
            return Html(context, Pages.Login(context, returnUrl, "Wrong email or password.", email), StatusCodes.Status400BadRequest);
        }

        throttle.Succeeded(normalized);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            await db.SaveChangesAsync(ct);
        }

        var identity = new ClaimsIdentity([new Claim(Claims.Subject, user.Id), new Claim(Claims.Name, user.Name)], IdentityDefaults.LoginScheme);
        await context.SignInAsync(IdentityDefaults.LoginScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(returnUrl);
    }

    private static PasswordVerificationResult Fail(PasswordVerificationResult _) => PasswordVerificationResult.Failed;

    /// <summary>
    /// Only local paths, as ASP.NET Core's <c>IUrlHelper.IsLocalUrl</c> decides: "/" or "/x", never "//host", "/\host"
    /// or a control character anywhere (browsers drop tabs and newlines, so "/%09/evil.example" would become
    /// "//evil.example"). An open redirect on the login page would hand codes to anyone.
    /// </summary>
    internal static string SafeReturnUrl(string? url) => IsLocalUrl(url) ? url! : "/";

    internal static bool IsLocalUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return false;
        }

        if (url.Length == 1)
        {
            return true;
        }

        return url[1] is not ('/' or '\\') && !url.AsSpan(1).ContainsAnyInRange('\u0000', '\u001f') && !url.Contains('\u007f', StringComparison.Ordinal);
    }

    private static IResult Html(HttpContext context, string html, int status = StatusCodes.Status200OK)
    {
        FrameGuard.Apply(context.Response);
        return Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Warning, Message = "Failed login attempt from {Network}")]
    private static partial void LogFailedLogin(ILogger logger, string network);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Login attempt refused: throttled ({Network})")]
    private static partial void LogThrottled(ILogger logger, string network);
}

/// <summary>
/// A password hash of nothing anyone knows, made once with the configured hasher: verifying against it costs what a
/// real account costs, so an unknown email answers no faster.
/// </summary>
internal sealed class DummyPasswordHash
{
    public DummyPasswordHash(IServiceScopeFactory scopes)
    {
        using var scope = scopes.CreateScope();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
        User = new User { Id = "usr_dummy", Email = "", EmailNormalized = "", Name = "" };
        Hash = hasher.HashPassword(User, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
    }

    public User User { get; }

    public string Hash { get; }
}
