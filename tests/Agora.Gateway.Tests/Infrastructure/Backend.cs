using System.Collections.Concurrent;
using System.Net;
using Agora.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Gateway.Tests.Infrastructure;

/// <summary>What a backend saw of one request.</summary>
public sealed record SeenRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, long BodyLength);

/// <summary>
/// A replica behind the gateway: a real Kestrel on a free loopback port that answers every path with
/// <c>{"backend": name, "path": …}</c>, records what it saw, and can be told to fail (5xx), to be slow, or to be
/// healthy again. Its <c>/health/ready</c> follows <see cref="Healthy"/>.
/// </summary>
public sealed class Backend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _hits;
    private int _failNext;

    private Backend(string name, WebApplication app)
    {
        Name = name;
        _app = app;
        app.Map("/health/ready", (HttpContext c) => Healthy ? Results.Ok() : Results.StatusCode(503));
        app.Map("/{**path}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            Seen.Enqueue(new SeenRequest(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.Length));
            Interlocked.Increment(ref _hits);
            if (Delay > TimeSpan.Zero)
            {
                // Not a wait in a test: the simulated service is slow on purpose (timeouts, hedging, slow upstreams).
                await Task.Delay(Delay, context.RequestAborted);
            }

            if (DependencyFailing)
            {
                // The service is up; what it depends on is not (Ordering when Catalog cannot price an order).
                context.Response.Headers[DependencyFailure.Header] = "catalog";
                context.Response.Headers.RetryAfter = "5";
                return Results.Json(new { error = new { code = "SERVICE_UNAVAILABLE", message = "dependency down" } }, statusCode: 503);
            }

            if (Failing || Interlocked.Decrement(ref _failNext) >= 0)
            {
                context.Response.Headers["Server"] = "backend-server";
                return Results.Json(new { error = new { code = "BOOM", message = "backend failure" } }, statusCode: 500);
            }

            context.Response.Headers["Server"] = "backend-server";
            context.Response.Headers["X-Powered-By"] = "tests";
            return Results.Json(new { backend = Name, path = context.Request.Path.Value });
        });
    }

    public string Name { get; }

    /// <summary>http://127.0.0.1:port/</summary>
    public string Address { get; private set; } = "";

    public ConcurrentQueue<SeenRequest> Seen { get; } = new();

    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Every request answers 500.</summary>
    public bool Failing { get; set; }

    /// <summary>Every request answers 503 marked as a dependency's failure (<see cref="DependencyFailure.Header"/>).</summary>
    public bool DependencyFailing { get; set; }

    /// <summary><c>/health/ready</c> answers 200 (else 503).</summary>
    public bool Healthy { get; set; } = true;

    /// <summary>Each request waits this long before answering.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>The next <paramref name="count"/> requests answer 500.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failNext, count);

    public SeenRequest Last => Seen.Last();

    /// <summary>The loopback port it listens on.</summary>
    public int Port => new Uri(Address).Port;

    /// <summary>Starts a backend on a free port, or on <paramref name="port"/> (a restart of one that was disposed).</summary>
    public static async Task<Backend> StartAsync(string name, int port = 0)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddRoutingCore();
        var backend = new Backend(name, builder.Build());
        backend._app.UseRouting();
        await backend._app.StartAsync();
        backend.Address = new Uri(backend._app.Urls.First()).GetLeftPart(UriPartial.Authority) + "/";
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
