using System.Text.Json.Serialization;
using Agora.Simulators;

namespace Agora.PspSimulator;

/// <summary>
/// Entry point of the PSP simulator (HTTP, port 5190). A named class rather than top-level statements, so a test
/// project can reference it next to a service whose entry point is the global <c>Program</c>.
/// </summary>
public static class PspSimulatorProgram
{
    public static Task Main(string[] args) => SimulatorHost.RunAsync(args, Build);

    /// <summary>
    /// Adds the simulator's services and endpoints to <paramref name="builder"/>. Tests call this with their own
    /// builder (Kestrel on a free loopback port) and configuration (<c>Psp:Behaviour</c>, <c>Psp:Seed</c>).
    /// </summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Psp");
        var initial = section.GetSection("Behaviour").Get<PspBehaviour>() ?? new PspBehaviour();
        var problems = initial.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Psp:Behaviour is invalid: " + string.Join("; ", problems));
        }

        builder.AddSimulatorDefaults(json => json.NumberHandling = JsonNumberHandling.Strict);
        builder.Services.AddSingleton(new PspControl(initial, section.GetValue("Seed", 5190)));
        var dataDirectory = section["DataDirectory"] is { Length: > 0 } configured ? configured
            : builder.Configuration["Agora:DataDirectory"] is { Length: > 0 } shared ? Path.Combine(shared, "psp-simulator") : null;
        builder.Services.AddSingleton(_ => PspJournal.Open(dataDirectory));
        builder.Services.AddSingleton<PspLedger>();

        var app = builder.Build();
        app.Use(PspApi.Gate);
        app.MapPspApi();
        app.MapAdminApi();
        app.MapSimulatorHealth();
        return app;
    }
}
