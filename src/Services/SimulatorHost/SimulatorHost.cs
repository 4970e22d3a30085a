using System.Text.Json;

namespace Agora.Simulators;

/// <summary>
/// The one minimal host of the two stand-ins for outside systems, the PSP simulator and the development inbox: JSON
/// console logs with UTC timestamps, snake_case JSON, routing, <see cref="TimeProvider"/>, and health at
/// <c>/health/live</c> (the process answers) and <c>/health/ready</c> (every registered check). Compiled into each
/// simulator (a linked source file, internal), because the simulators share no project with the services or each
/// other: Agora reaches them over the wire only, as it would the real systems.
/// </summary>
internal static class SimulatorHost
{
    /// <summary>Builds the simulator with <paramref name="build"/> on a default builder and runs it.</summary>
    public static async Task RunAsync(string[] args, Func<WebApplicationBuilder, WebApplication> build)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        await using var app = build(builder);
        await app.RunAsync();
    }

    /// <summary>The services every simulator needs; returns the health checks builder for its own checks.</summary>
    public static IHealthChecksBuilder AddSimulatorDefaults(this WebApplicationBuilder builder, Action<JsonSerializerOptions>? json = null)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddRouting();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json?.Invoke(o.SerializerOptions);
        });
        return builder.Services.AddHealthChecks();
    }

    /// <summary>Maps <c>/health/live</c> (no checks) and <c>/health/ready</c> (all of them).</summary>
    public static WebApplication MapSimulatorHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready");
        return app;
    }
}
