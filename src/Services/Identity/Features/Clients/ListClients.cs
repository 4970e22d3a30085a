namespace Agora.Identity.Features.Clients;

/// <summary><c>GET /api/v1/admin/clients</c>: every client, by client id.</summary>
internal static class ListClients
{
    public static async Task<ApiOk<IReadOnlyList<ClientDto>>> Handle(IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        var clients = new List<ClientDto>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, ct))
        {
            var (client, source) = await ClientRegistry.ReadAsync(applications, application, ct);
            clients.Add(ClientDto.From((await applications.GetClientIdAsync(application, ct))!, client, source));
        }

        var sorted = clients.OrderBy(c => c.ClientId, StringComparer.Ordinal).ToList();
        return ApiResults.Page<ClientDto>(sorted, Paging.Info(Math.Max(1, sorted.Count), sorted.Count, null));
    }
}
