using Agora.Http;
using Agora.Hosting;
using Agora.OpenApi;
using Agora.ServiceDefaults.Caching;
using Agora.ServiceDefaults.Resilience;
using Agora.ServiceDefaults.Telemetry;
using Agora.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Agora.ServiceDefaults;

/// <summary>
/// What every Agora service shares: <c>builder.AddServiceDefaults("name")</c> and <c>app.MapDefaultEndpoints()</c>.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Telemetry (OpenTelemetry, JSON logs, Prometheus), request and correlation ids, the error envelope for every
    /// framework failure, JSON conventions, health checks, HybridCache, resilience for outgoing calls and OpenAPI.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        DemoSecrets.EnsureNoneOutsideDevelopment(builder.Configuration, builder.Environment);
        // The service's ports from the one table (Agora.Hosting.ServiceTable), as the lowest-precedence source: whatever is
        // configured (the AppHost, a ConfigMap, a test's own listener) wins.
        // In Mutual mode (Agora:Tls:Mode) the defaults are https and the internal endpoints require a peer's certificate (Tls/MutualTls.cs).
        var tls = AgoraTlsOptions.From(builder.Configuration);
        var mutual = tls.Mutual && tls.EndpointNames.Count > 0;
        if (ServiceTable.Find(serviceName) is not null)
        {
            builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = ServiceTable.KestrelDefaults(serviceName, mutual) });
        }

        builder.Configuration[$"{AgoraOptions.SectionName}:{nameof(AgoraOptions.ServiceName)}"] ??= serviceName;
        builder.Services.AddOptions<AgoraOptions>()
            .Bind(builder.Configuration.GetSection(AgoraOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var options = builder.GetAgoraOptions();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddAgoraTelemetry(serviceName);

        builder.Services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Services.AddTransient<IStartupFilter, AgoraStartupFilter>();

        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [HealthTags.Live]);
        builder.AddCertificateExpiry(tls);
        PublicHttps.AddPublicHttps(builder, tls);
        builder.AddMutualTls(serviceName);
        builder.AddAgoraCaching(options);
        builder.Services.AddAgoraResilience();
        builder.Services.AddAgoraOpenApi(serviceName);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health/live</c>, <c>/health/ready</c>, <c>/metrics</c> and <c>/openapi/v1.json</c>; adds authentication
    /// and authorization to the pipeline when the service registered them (<c>AddAgoraAuthentication</c>); maps the
    /// endpoints of the platform parts it added (<see cref="IDefaultEndpoints"/>: the dead-letter admin API,
    /// <c>/api/v1/admin/dead-letters</c>, when it uses <c>AddAgoraMessaging</c>).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Again inside the app's own pipeline, so exceptions are enveloped before the developer exception page sees them.
        app.UseMiddleware<ErrorEnvelopeMiddleware>();

        // After the envelope, so the bare 401/403 of a challenge or a forbid is enveloped on the way out.
        if (app.Services.GetService<IAuthenticationSchemeProvider>() is not null)
        {
            app.UseAuthentication();
        }

        if (app.Services.GetService<IAuthorizationPolicyProvider>() is not null)
        {
            app.UseAuthorization();
        }

        // After authorization, before binding: bodies the binder would pass on broken, and query limits the contract declares.
        app.UseMiddleware<InputGuardMiddleware>();

        // What the platform parts the service added bring with them (AddAgoraMessaging: the dead-letter admin API).
        foreach (var endpoints in app.Services.GetServices<IDefaultEndpoints>())
        {
            endpoints.Map(app);
        }

        app.MapAgoraHealth();
        app.MapPrometheusScrapingEndpoint("/metrics").DisableHttpMetrics();
        app.MapOpenApi("/openapi/{documentName}.json").DisableHttpMetrics();
        return app;
    }

    /// <summary>Puts the request context and error envelope in front of everything, including routing.</summary>
    private sealed class AgoraStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<RequestContextMiddleware>();
            app.UseMiddleware<ErrorEnvelopeMiddleware>();
            next(app);
        };
    }
}
