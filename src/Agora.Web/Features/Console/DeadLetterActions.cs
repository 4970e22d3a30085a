using Agora.Web.Features.SignIn;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Web.Features.Console;

/// <summary>
/// <c>POST /console/dead-letters/{service}/{id}/replay</c> and <c>…/discard</c>: the console's two buttons, as form posts
/// with the antiforgery token (a link from another site cannot press them). Staff only (<see cref="ConsoleAuthorization.Policy"/>),
/// and the service decides again on the staff member's own token. Answers with a redirect to the dead-letter list,
/// which says what happened.
/// </summary>
internal static class DeadLetterActions
{
    public static IEndpointRouteBuilder MapDeadLetterActions(this IEndpointRouteBuilder app)
    {
        // The [FromForm] parameter (unused) makes the endpoints read the form, which is what has ASP.NET Core validate the
        // antiforgery token (UseAntiforgery) before the handler runs.
        var group = app.MapGroup("/console/dead-letters/{service}/{id}").RequireAuthorization(ConsoleAuthorization.Policy).ExcludeFromDescription();
        group.MapPost("/replay", (string service, string id, [FromForm] string? returnUrl, HttpContext context, TokenStore tokens, StaffClient staff) =>
            ActAsync(context, tokens, service, id, "replayed", (token, ct) => staff.ReplayAsync(token, service, id, ct)));
        group.MapPost("/discard", (string service, string id, [FromForm] string? returnUrl, HttpContext context, TokenStore tokens, StaffClient staff) =>
            ActAsync(context, tokens, service, id, "discarded", (token, ct) => staff.DiscardAsync(token, service, id, ct)));
        return app;
    }

    private static async Task<IResult> ActAsync(
        HttpContext context, TokenStore tokens, string service, string id, string done, Func<string, CancellationToken, Task<StaffError?>> act)
    {
        if (!StaffClient.IsService(service))
        {
            return Results.NotFound();
        }

        if (await tokens.AccessTokenAsync(context.User, context.RequestAborted) is not { } token)
        {
            return Results.Redirect("/signin?returnUrl=" + Uri.EscapeDataString("/console/dead-letters"));
        }

        var error = await act(token, context.RequestAborted);
        var outcome = error switch
        {
            null => done,
            { Status: 404 } => "gone",
            { Status: 401 or 403 } => "refused",
            _ => "failed",
        };
        return Results.Redirect($"/console/dead-letters?outcome={outcome}&letter={Uri.EscapeDataString(id)}&in={Uri.EscapeDataString(service)}");
    }
}
