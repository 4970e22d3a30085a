using Agora.Simulators;

namespace Agora.DevInbox;

/// <summary>
/// Entry point of the development inbox: SMTP on <c>DevInbox:SmtpPort</c> (2525) and HTTP on 5191 (the caught messages,
/// the SMS and push webhooks, failure injection). A named class, like the PSP simulator's, so a test project can
/// reference it next to a service.
/// </summary>
public static class DevInboxProgram
{
    public static Task Main(string[] args) => SimulatorHost.RunAsync(args, Build);

    /// <summary>Adds the inbox's services and endpoints to <paramref name="builder"/> (tests pass their own ports).</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DevInboxOptions>().Bind(builder.Configuration.GetSection(DevInboxOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.AddSimulatorDefaults().AddCheck<SmtpListener.HealthCheck>("smtp");
        builder.Services.AddSingleton<Inbox>();
        builder.Services.AddHostedService<SmtpListener>();

        var app = builder.Build();
        app.MapInboxApi();
        app.MapSimulatorHealth();
        return app;
    }
}
