using System.Net;
using System.Net.Http.Json;
using Agora.Hosting;
using Agora.Identity.Infrastructure;
using static Agora.Identity.Tests.UsersTestKit;

namespace Agora.Identity.Tests;

/// <summary>Clients are configuration plus an admin API: staff only, secrets shown once, rotation and revocation immediate.</summary>
public sealed class ClientsAdminTests(ClientsAdminTests.ConfiguredFixture fixture) : IClassFixture<ClientsAdminTests.ConfiguredFixture>
{
    private const string Url = "/api/v1/admin/clients";
    private const string ConfiguredSecret = "configured-secret-0123456789-abcdef";

    /// <summary>Identity with one client from configuration, as production defines them.</summary>
    public sealed class ConfiguredFixture() : IdentityFixture(AgoraMode.Embedded)
    {
        public override ServiceApp<Program> Configure(ServiceApp<Program> app) => app
            .With("Identity:Clients:svc-configured:Type", "Confidential")
            .With("Identity:Clients:svc-configured:Secret", ConfiguredSecret)
            .With("Identity:Clients:svc-configured:Scopes:0", "read:catalog");
    }

    private Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonObject Body)> ClientCredentialsAsync(string clientId, string secret) =>
        OAuth.TokenAsync(fixture.App.CreateClient(), new()
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "read:catalog",
        });

    [Fact]
    public async Task Clients_api_refuses_anyone_but_staff_with_admin_ops()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api(fixture, null).GetAsync(Url)).StatusCode);
        var customer = await SignInAsync(fixture, DemoSeeder.CustomerEmail, DemoSeeder.CustomerPassword);
        var forbidden = await Api(fixture, customer).GetAsync(Url);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("FORBIDDEN", await ErrorCodeAsync(forbidden));
        // The admin role through the public web client: no admin:ops, so no.
        var webAdmin = await SignInAsync(fixture, DemoSeeder.AdminEmail, DemoSeeder.AdminPassword, "openid roles read:users");
        Assert.Equal(HttpStatusCode.Forbidden, (await Api(fixture, webAdmin).GetAsync(Url)).StatusCode);
        var service = await ServiceTokenAsync(fixture, "read:users");
        Assert.Equal(HttpStatusCode.Forbidden, (await Api(fixture, service).GetAsync(Url)).StatusCode);
    }

    [Fact]
    public async Task Configured_client_works_from_start_and_is_changed_only_in_configuration()
    {
        Assert.Equal(HttpStatusCode.OK, (await ClientCredentialsAsync("svc-configured", ConfiguredSecret)).Status);
        var staff = Api(fixture, await AdminTokenAsync(fixture));
        var list = (await BodyAsync(await staff.GetAsync(Url)))["data"]!.AsArray();
        var configured = list.Single(c => (string?)c!["client_id"] == "svc-configured")!;
        Assert.Equal("configuration", ((string?)configured["managed_by"])!.ToLowerInvariant());
        Assert.Null(configured["client_secret"]);
        Assert.Contains(list, c => (string?)c!["client_id"] == DemoSeeder.WebClientId);

        var revoke = await staff.DeleteAsync($"{Url}/svc-configured");
        Assert.Equal(HttpStatusCode.Conflict, revoke.StatusCode);
        Assert.Equal("CLIENT_CONFIGURED", await ErrorCodeAsync(revoke));
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"{Url}/svc-configured/rotate-secret", null)).StatusCode);
    }

    [Fact]
    public async Task Staff_creates_rotates_and_revokes_a_confidential_client()
    {
        var staff = Api(fixture, await AdminTokenAsync(fixture));
        var id = "svc-" + Guid.NewGuid().ToString("N")[..8];
        var created = await staff.PostAsJsonAsync(Url, new { client_id = id, type = "confidential", scopes = new[] { "read:catalog" } });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var first = (string)(await BodyAsync(created))["data"]!["client_secret"]!;
        Assert.Equal(HttpStatusCode.OK, (await ClientCredentialsAsync(id, first)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsJsonAsync(Url, new { client_id = id, type = "confidential", scopes = new[] { "read:catalog" } })).StatusCode);

        var rotated = await staff.PostAsync($"{Url}/{id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var second = (string)(await BodyAsync(rotated))["data"]!["client_secret"]!;
        Assert.Equal("invalid_client", (string?)(await ClientCredentialsAsync(id, first)).Body["error"]);
        Assert.Equal(HttpStatusCode.OK, (await ClientCredentialsAsync(id, second)).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await staff.DeleteAsync($"{Url}/{id}")).StatusCode);
        Assert.Equal("invalid_client", (string?)(await ClientCredentialsAsync(id, second)).Body["error"]);
        var gone = await staff.DeleteAsync($"{Url}/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("CLIENT_NOT_FOUND", await ErrorCodeAsync(gone));
    }

    [Fact]
    public void Configured_confidential_client_without_a_secret_refuses_to_start_naming_it()
    {
        using var app = new ServiceApp<Program>("identity", AgoraMode.Embedded);
        app.With("environment", "Development")
            .With("Identity:Clients:svc-nosecret:Type", "Confidential").With("Identity:Clients:svc-nosecret:Scopes:0", "read:catalog");
        var e = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains("Identity:Clients:svc-nosecret", e.ToString());
    }

    [Fact]
    public async Task Create_client_with_unknown_scope_or_public_without_redirect_is_422()
    {
        var staff = Api(fixture, await AdminTokenAsync(fixture));
        var response = await staff.PostAsJsonAsync(Url, new { client_id = "bad-client", type = "public", scopes = new[] { "root:everything" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("VALIDATION_ERROR", await ErrorCodeAsync(response));
        Assert.Contains("scopes", await ErrorFieldsAsync(response));
        Assert.Contains("redirect_uris", await ErrorFieldsAsync(response));
    }
}
