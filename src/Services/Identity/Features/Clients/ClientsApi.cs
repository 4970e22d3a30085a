using System.ComponentModel.DataAnnotations;

namespace Agora.Identity.Features.Clients;

/// <summary>A client as the admin API shows it: never its secret.</summary>
public sealed record ClientDto(
    [property: MaxLength(100), RegularExpression(ClientDoc.IdPattern)] string ClientId,
    ClientKind Type,
    bool FirstParty,
    [property: MaxLength(100)] string? DisplayName,
    [property: MaxLength(ClientDoc.MaxRedirectUris)] IReadOnlyList<string> RedirectUris,
    [property: MaxLength(ClientDoc.MaxScopes)] IReadOnlyList<string> Scopes,
    ClientSource ManagedBy)
{
    public static ClientDto From(string clientId, ClientOptions client, ClientSource source) =>
        new(clientId, client.Type, client.FirstParty, client.DisplayName, client.RedirectUris, client.Scopes, source);
}

/// <summary>A new confidential client or a rotated secret: the secret is shown this once only.</summary>
public sealed record ClientWithSecretDto(ClientDto Client, [property: MaxLength(64)] string? ClientSecret);

/// <summary>What <c>POST /api/v1/admin/clients</c> takes.</summary>
public sealed record CreateClientInput(
    [property: MaxLength(100)] string? ClientId,
    ClientKind? Type,
    [property: MaxLength(ClientDoc.MaxRedirectUris)] List<string>? RedirectUris,
    [property: MaxLength(ClientDoc.MaxScopes)] List<string>? Scopes,
    // Optional (false, none): a default keeps them out of the document's required list.
    bool? FirstParty = null,
    [property: MaxLength(100)] string? DisplayName = null);

/// <summary>The documented limits of clients (the handlers check the same).</summary>
internal static class ClientDoc
{
    public const string IdPattern = "^[a-z0-9][a-z0-9._-]{2,99}$";
    public const int MaxRedirectUris = 10;
    public const int MaxScopes = 32;

    public static ApiError NotFound(string id) => ApiResults.NotFound("CLIENT_NOT_FOUND", $"Client '{UserErrors.Truncate(id)}' does not exist.");

    public static ApiError Configured(string id) => ApiResults.Conflict("CLIENT_CONFIGURED",
        $"Client '{UserErrors.Truncate(id)}' is defined in configuration (Identity:Clients) or is a Development demo client: change it there.");
}

/// <summary>
/// <c>/api/v1/admin/clients</c>: the OAuth clients, listed, created, their secrets rotated, revoked. Staff only (role
/// admin AND scope admin:ops). Clients from <c>Identity:Clients</c> are listed but changed only in configuration.
/// </summary>
internal static class ClientsApi
{
    private const string Staff = " Needs a staff access token: scope admin:ops, of a user with the admin role (checked against the account).";

    public static IEndpointRouteBuilder MapClientsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin/clients").WithTags("Clients").RequireAuthorization(StaffAuthorization.Policy);
        group.MapGet("/", ListClients.Handle).WithName("ListClients")
            .WithSummary("The OAuth clients: type, first party, redirect URIs, scopes and who manages them; never a secret")
            .WithDescription("Every OAuth client, by client id." + Staff)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden);
        group.MapPost("/", CreateClient.Handle).WithName("CreateClient")
            .WithSummary("Register a client; a confidential one's secret is in the response, shown this once only")
            .WithDescription("Registers a public client (authorization code with PKCE: redirect URIs required) or a confidential one "
                + "(client credentials without redirect URIs, or authorization code with them). Scopes are what it may ask for; "
                + "what a token then carries also depends on the user's roles, and public clients never get staff scopes." + Staff)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .ProducesError(StatusCodes.Status409Conflict, "CLIENT_EXISTS")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapPost("/{clientId}/rotate-secret", RotateClientSecret.Handle).WithName("RotateClientSecret")
            .WithSummary("Give a confidential client a new secret; the old one stops working at once")
            .WithDescription("Replaces the secret of a confidential client created through this API; the new one is in the response, "
                + "shown this once only. Clients from configuration rotate there (409 CLIENT_CONFIGURED)." + Staff)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .ProducesError(StatusCodes.Status404NotFound, "CLIENT_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "CLIENT_CONFIGURED", "CLIENT_PUBLIC");
        group.MapDelete("/{clientId}", RevokeClient.Handle).WithName("RevokeClient")
            .WithSummary("Revoke a client: it is removed with its authorizations and tokens")
            .WithDescription("Removes a client created through this API, with every authorization and token issued to it. Clients from "
                + "configuration are removed there (409 CLIENT_CONFIGURED)." + Staff)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .ProducesError(StatusCodes.Status404NotFound, "CLIENT_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "CLIENT_CONFIGURED");
        return app;
    }

    /// <summary>A new secret: 32 random bytes, base64url (43 characters).</summary>
    public static string NewSecret() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
