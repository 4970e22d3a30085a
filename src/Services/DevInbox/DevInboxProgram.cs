using System.Text.Json;

namespace Agora.DevInbox;

/// <summary>
/// Entry point of the development inbox: SMTP on <c>DevInbox:SmtpPort</c> (2525) and HTTP on 5191 (the caught messages,
/// the SMS and push webhooks, failure injection). A named class, like the PSP simulator's, so a test project can
/// reference it next to a service.
/// </summary>
public static class DevInboxProgram
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        await using var app = Build(builder);
        await app.RunAsync();
    }

    /// <summary>Adds the inbox's services and endpoints to <paramref name="builder"/> (tests pass their own ports).</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DevInboxOptions>().Bind(builder.Configuration.GetSection(DevInboxOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Inbox>();
        builder.Services.AddHostedService<SmtpListener>();
        builder.Services.AddRouting();
        builder.Services.AddHealthChecks().AddCheck<SmtpListener.HealthCheck>("smtp");
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);

        var app = builder.Build();
        app.MapInboxApi();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready");
        return app;
    }
}
