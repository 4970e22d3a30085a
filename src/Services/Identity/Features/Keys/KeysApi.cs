namespace Agora.Identity.Features.Keys;

/// <summary>Admin view and rotation of the authorization server's keys (never the private parts).</summary>
internal static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin/signing-keys").WithTags("Signing keys")
            .RequireAuthorization(Users.StaffAuthorization.Policy);
        group.MapGet("/", ListSigningKeys.Handle).WithName("ListSigningKeys").WithSummary("The keys: current signs, next and retired are only published")
            .WithDescription("Every key of the authorization server: id (kid), use, status and dates; never a private part. "
                + "Needs a staff access token: scope admin:ops, of a user with the admin role.");
        group.MapPost("/rotate", RotateSigningKeys.Handle).WithName("RotateSigningKeys")
            .WithSummary("Next key starts signing; the current one stays published until its tokens expire")
            .WithDescription("Rotates now: the published next key starts signing, the current one is retired but stays in the "
                + "JWKS until the tokens it signed expire, and a new next key is published. Answers the keys afterwards. "
                + "Needs a staff access token: scope admin:ops, of a user with the admin role.");
        return app;
    }
}
