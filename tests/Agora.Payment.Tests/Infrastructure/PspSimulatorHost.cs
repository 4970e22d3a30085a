using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.PspSimulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace Agora.Payment.Tests.Infrastructure;

/// <summary>
/// The PSP simulator in-process on a real Kestrel port (loopback, port 0), so Payment's HttpClient and its resilience
/// pipeline talk real HTTP to it: refused connections, timeouts and 503s are the real thing.
/// </summary>
public sealed class PspSimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PspSimulatorHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    /// <summary>A plain client of the simulator (no resilience): what tests use to look and to switch failures.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts a simulator; <paramref name="settings"/> go under its configuration (e.g. <c>Psp:Behaviour:Outage</c>).</summary>
    public static async Task<PspSimulatorHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        // Empty builder: no appsettings.json (the test directory holds the services' ones, with their fixed ports).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        var app = PspSimulatorProgram.Build(builder);
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        return new PspSimulatorHost(app, new Uri($"http://127.0.0.1:{address.Port}/"));
    }

    /// <summary>Replaces the behaviour (PUT: what is not given is healthy).</summary>
    public async Task SetAsync(object behaviour)
    {
        var response = await Client.PutAsync("admin/behaviour", Json.Of(behaviour));
        response.EnsureSuccessStatusCode();
    }

    public Task HealthyAsync() => SetAsync(new { });

    /// <summary>The provider's authorizations for an order id: what was really charged.</summary>
    public async Task<JsonArray> AuthorizationsAsync(string reference) =>
        (await (await Client.GetAsync("v1/authorizations?reference=" + Uri.EscapeDataString(reference))).BodyAsync())["data"]!.AsArray();

    public async Task<JsonArray> RefundsAsync(string authorizationId) =>
        (await (await Client.GetAsync("v1/refunds?authorization_id=" + Uri.EscapeDataString(authorizationId))).BodyAsync())["data"]!.AsArray();

    /// <summary><c>/v1</c> requests the simulator received so far (answered or not).</summary>
    public async Task<long> RequestsAsync() => (long)(await Client.GetFromJsonAsync<JsonObject>("admin/stats"))!["requests"]!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
