using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Agora.Identity.Features.Account;

/// <summary>
/// <c>POST /account/login</c>: checks the form (antiforgery, throttling per account and network, the password against
/// a dummy hash for unknown emails), then signs the login cookie in and returns to a local page.
/// </summary>
internal static partial class Login
{
    public static async Task<IResult> HandleAsync(
        HttpContext context, IAntiforgery antiforgery, IdentityDbContext db, IPasswordHasher<User> hasher, DummyPasswordHash dummy,
        LoginThrottle throttle, ILoggerFactory loggers, CancellationToken ct)
    {
        if (!context.Request.HasFormContentType)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return AccountEndpoints.Html(context, Pages.Login(context, "/", "Your session expired; please try again.", null), StatusCodes.Status400BadRequest);
        }

        var form = await context.Request.ReadFormAsync(ct);
        var email = form["email"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = ReturnUrl.Safe(form["return_url"]);
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
            return AccountEndpoints.Html(context, Pages.Login(context, returnUrl, $"Too many sign-in attempts. Try again in {seconds} seconds.", email),
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
            return AccountEndpoints.Html(context, Pages.Login(context, returnUrl, "Wrong email or password.", email), StatusCodes.Status400BadRequest);
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

    [LoggerMessage(EventId = 3100, Level = LogLevel.Warning, Message = "Failed login attempt from {Network}")]
    private static partial void LogFailedLogin(ILogger logger, string network);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Login attempt refused: throttled ({Network})")]
    private static partial void LogThrottled(ILogger logger, string network);
}
