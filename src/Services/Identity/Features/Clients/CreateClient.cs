using System.Text.RegularExpressions;
using Validator = Agora.Http.Validator;

namespace Agora.Identity.Features.Clients;

/// <summary><c>POST /api/v1/admin/clients</c>: registers a client; a confidential one gets a generated secret, shown once.</summary>
internal static class CreateClient
{
    public static async Task<Results<ApiCreated<ClientWithSecretDto>, ApiError>> Handle(
        CreateClientInput input, IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        var clientId = input.ClientId?.Trim() ?? "";
        var client = new ClientOptions
        {
            Type = input.Type ?? ClientKind.Public,
            FirstParty = input.FirstParty ?? false,
            DisplayName = string.IsNullOrWhiteSpace(input.DisplayName) ? null : input.DisplayName.Trim(),
            RedirectUris = [.. (input.RedirectUris ?? []).Select(u => u?.Trim() ?? "").Distinct(StringComparer.Ordinal)],
            Scopes = [.. (input.Scopes ?? []).Select(s => s?.Trim() ?? "").Distinct(StringComparer.Ordinal)],
        };
        var v = new Validator();
        v.Require(Regex.IsMatch(clientId, ClientDoc.IdPattern, RegexOptions.None, TimeSpan.FromSeconds(1)), "client_id",
            "3 to 100 characters: lowercase letters, digits, '.', '_' and '-', starting with a letter or digit.");
        v.Require(input.Type is not null, "type", "Required: public or confidential.");
        v.Require(input.DisplayName is not { Length: > 100 }, "display_name", "At most 100 characters.");
        v.Require(client.RedirectUris.Count <= ClientDoc.MaxRedirectUris, "redirect_uris", $"At most {ClientDoc.MaxRedirectUris}.");
        v.Require(client.Scopes.Count is > 0 and <= ClientDoc.MaxScopes, "scopes", $"1 to {ClientDoc.MaxScopes} scopes.");
        foreach (var problem in ClientRegistry.Problems(clientId, client, secretRequired: false))
        {
            v.Add(problem.Contains("scope", StringComparison.Ordinal) ? "scopes" : "redirect_uris", problem);
        }

        if (!v.IsValid)
        {
            return v.ToError();
        }

        if (await applications.FindByClientIdAsync(clientId, ct) is not null)
        {
            return ApiResults.Conflict("CLIENT_EXISTS", $"A client '{clientId}' exists already.");
        }

        string? secret = null;
        if (client.Type == ClientKind.Confidential)
        {
            client.Secret = secret = ClientsApi.NewSecret();
        }

        await ClientRegistry.ApplyAsync(applications, clientId, client, ClientSource.Api, ct);
        client.Secret = null;
        return ApiResults.Created($"/api/v1/admin/clients/{clientId}", new ClientWithSecretDto(ClientDto.From(clientId, client, ClientSource.Api), secret));
    }
}
