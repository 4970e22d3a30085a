using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Notification.Tests.Infrastructure;

/// <summary>One POST a provider webhook received: its JSON body and headers of interest.</summary>
public sealed record WebhookCall(JsonNode Body, string? IdempotencyKey, string? Authorization);

/// <summary>An SMS or push provider's webhook: a tiny Kestrel on a free loopback port that records every POST.</summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<WebhookCall> _calls = new();

    private WebhookListener(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public IReadOnlyList<WebhookCall> Calls => _calls.ToList();

    public static async Task<WebhookListener> StartAsync()
    {
        // Empty: no appsettings.json (the service's Kestrel endpoints in the test directory would win over UseUrls).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        var listener = new WebhookListener(builder.Build());
        listener._app.MapPost("/hook", async (HttpRequest request) =>
        {
            var body = await JsonNode.ParseAsync(request.Body) ?? new JsonObject();
            listener._calls.Enqueue(new WebhookCall(body, request.Headers["Idempotency-Key"], request.Headers.Authorization));
            return Results.Accepted();
        });
        await listener._app.StartAsync();
        listener.Url = listener._app.Urls.First() + "/hook";
        return listener;
    }

    public Task<WebhookCall> WaitForAsync(Func<WebhookCall, bool> match, string what) =>
        Poll.UntilFoundAsync(() => _calls.FirstOrDefault(match), what + " at the webhook", NotificationApp.Patience);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
