using Agora.Web.Features.SignIn;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Web.Features.Console;

/// <summary>
/// <c>POST /console/api-keys/{id}/revoke</c>: the API key page's Revoke button, a form post with the antiforgery token
/// (as <see cref="DeadLetterActions"/>). Staff only, and Identity decides again on the staff member's own token. Answers
/// with a redirect to the key list, which says what happened. (Creating a key is the page's own form: its answer shows
/// the key once, which a redirect could only carry in a URL.)
/// </summary>
internal static class ApiKeyActions
{
    public static IEndpointRouteBuilder MapApiKeyActions(this IEndpointRouteBuilder app)
    {
        // The [FromForm] parameter (unused) makes the endpoint read the form, so the antiforgery token is validated first.
        app.MapPost("/console/api-keys/{id}/revoke", async (string id, [FromForm] string? returnUrl, HttpContext context, TokenStore tokens, StaffClient staff) =>
            {
                if (await tokens.AccessTokenAsync(context.User, context.RequestAborted) is not { } token)
                {
                    return Results.Redirect("/signin?returnUrl=" + Uri.EscapeDataString("/console/api-keys"));
                }

                var outcome = await staff.RevokeApiKeyAsync(token, id, context.RequestAborted) switch
                {
                    null => "revoked",
                    { Status: 404 } => "gone",
                    { Status: 401 or 403 } => "refused",
                    _ => "failed",
                };
                return Results.Redirect($"/console/api-keys?outcome={outcome}&key={Uri.EscapeDataString(id)}");
            })
            .RequireAuthorization(ConsoleAuthorization.Policy).ExcludeFromDescription();
        return app;
    }
}
