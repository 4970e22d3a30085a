namespace Agora.Identity.Features.Account;

/// <summary><c>GET /account/login</c>: the sign-in form, returning to a local page only.</summary>
internal static class ShowLogin
{
    public static IResult Handle(HttpContext context, string? returnUrl) =>
        AccountEndpoints.Html(context, Pages.Login(context, ReturnUrl.Safe(returnUrl), null, null));
}
