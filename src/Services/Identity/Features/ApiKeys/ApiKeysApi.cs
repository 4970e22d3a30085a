namespace Agora.Identity.Features.ApiKeys;

/// <summary><c>/api/v1/api-keys</c>: maps the partner API key operations (one file each in this folder).</summary>
internal static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        const string Admins = " Needs a bearer access token from this server with the admin:ops scope, of a user with the admin role "
            + "(checked against the account, so a revoked role stops at once); anyone else is 403.";
        var group = app.MapGroup("/api/v1/api-keys").WithTags("API keys");
        group.MapPost("/", CreateApiKey.Handle).RequireAuthorization(ApiKeys.AdminPolicy).WithName("CreateApiKey")
            .WithSummary("Create a partner API key (administrators); the response holds the key, shown this once only")
            .WithDescription("Creates a key with a name, API scopes and an optional expiry. Only its hash is kept: the key in the "
                + "response is shown this once." + Admins)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapGet("/", ListApiKeys.Handle).RequireAuthorization(ApiKeys.AdminPolicy).WithName("ListApiKeys")
            .WithSummary("The API keys, newest first: prefix, scopes, status and last use; never the key")
            .WithDescription("Every API key, newest first, without the key or its hash." + Admins)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED");
        group.MapGet("/{id}", GetApiKey.Handle).RequireAuthorization(ApiKeys.AdminPolicy).WithName("GetApiKey").WithSummary("One API key")
            .WithDescription("One API key, without the key or its hash." + Admins)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "API_KEY_NOT_FOUND");
        group.MapDelete("/{id}", RevokeApiKey.Handle).RequireAuthorization(ApiKeys.AdminPolicy).WithName("RevokeApiKey")
            .WithSummary("Revoke an API key (idempotent)")
            .WithDescription("Revokes the key at once; revoking a revoked key changes nothing." + Admins)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "API_KEY_NOT_FOUND");
        group.MapPost("/verify", VerifyApiKey.Handle).RequireAuthorization(ApiKeys.VerifyPolicy).WithName("VerifyApiKey")
            .WithSummary("Check the key in the X-API-Key header (services with verify:api-keys); never send it in the URL")
            .WithDescription("Answers whether the key in X-API-Key is active, with its id, name, scopes and expiry; unknown, revoked "
                + "and expired keys are only active: false. A key in the query string is refused (400 API_KEY_IN_URL). Needs a "
                + "service's bearer access token (client credentials) with scope verify:api-keys.")
            .ProducesError(StatusCodes.Status400BadRequest, "API_KEY_IN_URL")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        return app;
    }
}
