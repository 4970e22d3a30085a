namespace Agora.Identity.Features.Clients;

/// <summary><c>POST /api/v1/admin/clients/{clientId}/rotate-secret</c>: a new secret, the old one refused at once.</summary>
internal static class RotateClientSecret
{
    public static async Task<Results<ApiOk<ClientWithSecretDto>, ApiError>> Handle(
        string clientId, IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        var application = await applications.FindByClientIdAsync(clientId, ct);
        if (application is null)
        {
            return ClientDoc.NotFound(clientId);
        }

        var (client, source) = await ClientRegistry.ReadAsync(applications, application, ct);
        if (source != ClientSource.Api)
        {
            return ClientDoc.Configured(clientId);
        }

        if (!await applications.HasClientTypeAsync(application, ClientTypes.Confidential, ct))
        {
            return ApiResults.Conflict("CLIENT_PUBLIC", $"Client '{clientId}' is public: it has no secret.");
        }

        var secret = ClientsApi.NewSecret();
        // The caching application manager compares the stored hash, so the old secret stops at once on every request.
        await applications.UpdateAsync(application, secret, ct);
        return ApiResults.Ok(new ClientWithSecretDto(ClientDto.From(clientId, client, source), secret));
    }
}
