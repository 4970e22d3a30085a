using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace Agora.Identity.Features.Account;

/// <summary><c>POST /account/logout</c>: ends the sign-in cookie (antiforgery-checked), back to the form.</summary>
internal static class Logout
{
    public static async Task<IResult> HandleAsync(HttpContext context, IAntiforgery antiforgery)
    {
        await antiforgery.ValidateRequestAsync(context);
        await context.SignOutAsync(IdentityDefaults.LoginScheme);
        return Results.Redirect("/account/login");
    }
}
