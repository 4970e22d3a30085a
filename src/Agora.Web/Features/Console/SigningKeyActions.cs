using Agora.Web.Features.SignIn;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Web.Features.Console;

/// <summary>
/// <c>POST /console/signing-keys/rotate</c>: the signing key page's Rotate button, a form post with the antiforgery token
/// (as <see cref="DeadLetterActions"/>). Staff only, and Identity decides again on the staff member's own token. Answers
/// with a redirect to the key list, which says what happened.
/// </summary>
internal static class SigningKeyActions
{
    public static IEndpointRouteBuilder MapSigningKeyActions(this IEndpointRouteBuilder app)
    {
        // The [FromForm] parameter (unused) makes the endpoint read the form, so the antiforgery token is validated first.
        app.MapPost("/console/signing-keys/rotate", async ([FromForm] string? returnUrl, HttpContext context, TokenStore tokens, StaffClient staff) =>
            {
                if (await tokens.AccessTokenAsync(context.User, context.RequestAborted) is not { } token)
                {
                    return Results.Redirect("/signin?returnUrl=" + Uri.EscapeDataString("/console/signing-keys"));
                }

                var outcome = await staff.RotateSigningKeysAsync(token, context.RequestAborted) switch
                {
                    null => "rotated",
                    { Status: 401 or 403 } => "refused",
                    _ => "failed",
                };
                return Results.Redirect($"/console/signing-keys?outcome={outcome}");
            })
            .RequireAuthorization(ConsoleAuthorization.Policy).ExcludeFromDescription();
        return app;
    }
}
