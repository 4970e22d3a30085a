using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Agora.Hosting;
using Agora.Http;
using Agora.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Agora.ServiceDefaults.Tests.Http;

/// <summary>
/// A request that meets the service's database restarting is told to come back in a moment (503, <c>Retry-After</c>,
/// the error envelope), not that the service is broken (500): during the chaos run's PostgreSQL restart every order
/// POST in flight answered 500 <c>INTERNAL_ERROR</c> and was logged as an unhandled Error.
/// </summary>
public sealed class OutageAnswerTests : IAsyncLifetime
{
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddOptions<AgoraOptions>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new Outage("database", DbErrors.IsTransient));
        _app = builder.Build();
        _app.UseMiddleware<ErrorEnvelopeMiddleware>();
        _app.MapPost("/orders", () => Throw(new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
            new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)))));
        _app.MapPost("/bug", () => Throw(new InvalidOperationException("Sequence contains no elements")));
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
    }

    private HttpClient Client() => new() { BaseAddress = new Uri(_app.Urls.Single()) };

    private static IResult Throw(Exception exception) => throw exception;

    [Fact]
    public async Task DatabaseRestarting_Is503WithRetryAfter_InTheEnvelope()
    {
        using var client = Client();
        using var response = await client.PostAsync("/orders", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(Outage.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(ErrorCodes.ServiceUnavailable, (string)error["code"]!);
        Assert.Contains("database", (string)error["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABug_IsStill500()
    {
        using var client = Client();
        using var response = await client.PostAsync("/bug", null);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        Assert.Equal(ErrorCodes.InternalError, (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!);
    }
}
