namespace Agora.Identity.Features.Clients;

/// <summary><c>DELETE /api/v1/admin/clients/{clientId}</c>: removes an API-created client with its authorizations and tokens.</summary>
internal static class RevokeClient
{
    public static async Task<Results<NoContent, ApiError>> Handle(string clientId, IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        var application = await applications.FindByClientIdAsync(clientId, ct);
        if (application is null)
        {
            return ClientDoc.NotFound(clientId);
        }

        if (await ClientRegistry.SourceAsync(applications, application, ct) != ClientSource.Api)
        {
            return ClientDoc.Configured(clientId);
        }

        // OpenIddict's EF Core store deletes the client's authorizations and tokens with it: refresh tokens stop at once;
        // access tokens already issued live out their 15 minutes (they are self-contained JWTs).
        await applications.DeleteAsync(application, ct);
        return TypedResults.NoContent();
    }
}
