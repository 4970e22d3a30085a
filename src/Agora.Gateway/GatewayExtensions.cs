using Agora.Gateway.Features.Auth;
using Agora.Gateway.Features.Canary;
using Agora.Gateway.Features.Deprecation;
using Agora.Gateway.Features.GraphQL;
using Agora.Gateway.Features.Resilience;
using Agora.Gateway.Features.Routing;
using Agora.Gateway.Features.Security;
using Agora.Gateway.RateLimiting;
using Agora.GraphQL;
using Agora.Hosting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace Agora.Gateway;

/// <summary>The gateway's composition: <c>builder.AddAgoraGateway()</c> and <c>app.MapAgoraGateway()</c>.</summary>
internal static class GatewayExtensions
{
    /// <summary>The CORS policy every route uses (origins from <see cref="GatewayOptions.CorsOrigins"/>).</summary>
    public const string CorsPolicy = "agora";

    /// <summary>
    /// YARP with the routes of <c>ReverseProxy</c> (reloaded when the file changes) and clusters from the service table
    /// (<see cref="TopologyClusters"/>), edge authentication,
    /// transforms, CORS, timeouts, the resilient forwarding client, outlier ejection and the deprecation phases.
    /// </summary>
    public static IHostApplicationBuilder AddAgoraGateway(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<GatewayOptions>(GatewayOptions.SectionName);
        builder.AddEdgeAuthentication();
        TopologyClusters.AddTo(builder.Configuration);

        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ClusterResilience>();
        builder.Services.AddSingleton<OutlierDetector>();
        builder.Services.AddSingleton<IPassiveHealthCheckPolicy, ConsecutiveFailuresPolicy>();
        builder.Services.AddSingleton<IForwarderHttpClientFactory, ResilientForwarderHttpClientFactory>();
        builder.Services.AddHostedService<DeprecationPhaseClock>();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<DeprecationConfigFilter>()
            .AddTransforms<GatewayTransforms>();

        var timeout = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>()?.Resilience.RequestTimeout
                      ?? new GatewayResilienceOptions().RequestTimeout;
        builder.Services.AddRequestTimeouts(o => o.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = timeout,
            TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
        });
        builder.Services.AddCors();
        builder.Services.AddSingleton<IGraphQLCostGate, RateLimitedGraphQLCost>();
        builder.Services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>, ConfigureCors>();
        builder.WebHost().ConfigureKestrel(k => k.AddServerHeader = false);
        builder.AddEdgeTls();
        return builder;
    }

    /// <summary>
    /// The edge before the endpoints, in order: security headers; HSTS and the redirect to HTTPS when the edge serves
    /// it (<see cref="EdgeTls"/>); CORS (a preflight needs no credentials and is never
    /// counted); request timeouts; the per-address limits before authentication (a key not yet known to be good counts
    /// against its address here, so a flood of made-up keys is refused before Identity hears of it); authentication;
    /// the per-consumer rate limit (before any 401, so a request whose credentials failed counts against its address like
    /// an anonymous one); the staff check of <c>/metrics</c> and the detailed readiness.
    /// </summary>
    public static WebApplication UseAgoraGatewayEdge(this WebApplication app)
    {
        app.Use(SecurityHeaders.InvokeAsync);
        app.UseEdgeTls();
        app.UseCors(CorsPolicy);
        app.UseRequestTimeouts();
        app.UseAgoraPreAuthenticationRateLimiting();
        app.UseAuthentication();
        app.UseAgoraRateLimiting();
        app.Use(ManagementEndpoints.InvokeAsync);
        return app;
    }

    /// <summary>The API-key guard, then the proxy: error envelope, canary split, deprecation, balancing, passive health.</summary>
    public static WebApplication MapAgoraGateway(this WebApplication app)
    {
        app.Use((context, next) => EdgeAuthentication.GuardApiKeysAsync(context, () => next(context)));
        return app;
    }

    /// <summary>Maps YARP's routes with the gateway's proxy pipeline.</summary>
    public static WebApplication MapAgoraProxy(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.Use((context, next) => ProxyErrors.InvokeAsync(context, () => next(context)));
            proxy.Use((context, next) => DeprecationHeaders.InvokeAsync(context, () => next(context)));
            proxy.Use((context, next) => CanarySplit.InvokeAsync(context, () => next(context)));
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }

    private static ConfigureWebHostBuilder WebHost(this IHostApplicationBuilder builder) =>
        ((WebApplicationBuilder)builder).WebHost;

    /// <summary>Origins from configuration, read when the policy is built; credentials allowed for listed origins only.</summary>
    private sealed class ConfigureCors(IOptions<GatewayOptions> options) : IConfigureOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>
    {
        public void Configure(Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions cors) =>
            cors.AddPolicy(CorsPolicy, p =>
            {
                p.WithOrigins(options.Value.CorsOrigins)
                    .AllowAnyHeader()
                    .AllowAnyMethod()
                    .AllowCredentials()
                    .WithExposedHeaders("X-Request-ID", "X-Correlation-ID", "ETag", "Location", "Link", "Deprecation", "Sunset", "Warning",
                        "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit", "RateLimit-Policy",
                        GraphQLCost.Header)
                    .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
            });
    }
}
