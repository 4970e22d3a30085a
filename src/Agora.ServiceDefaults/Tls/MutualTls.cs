using Agora.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agora.ServiceDefaults.Tls;

/// <summary>
/// Issue 14, mutual TLS between services (<c>Agora:Tls:Mode=Mutual</c>; Off, the default, changes nothing):
/// <list type="bullet">
/// <item>each Kestrel endpoint peers call (<see cref="AgoraTlsOptions.Endpoints"/>, default <c>Http</c> and <c>Grpc</c>)
/// serves the service's certificate and requires a client certificate chained to the project CA only, refusing any other
/// at the handshake (<see cref="PeerTls.ServerOptions"/>); the certificate is chosen per handshake, so a renewed one is
/// served from the next connection on;</item>
/// <item>every factory-made <c>HttpClient</c> and gRPC channel presents the service's certificate and accepts only
/// servers chained to the project CA and named as called (<see cref="PeerTls.ConfigureClient"/>), except clients
/// marked external (<see cref="UsePublicTls"/>: the payment provider, webhooks);</item>
/// <item>with <see cref="AgoraTlsOptions.ProbePort"/>, a plain-HTTP endpoint that answers only <c>/health/*</c> and
/// <c>/metrics</c>, for probes without a client certificate.</item>
/// </list>
/// Which peer called is the client certificate's CN (Agora.Auth's <c>RequirePeer</c> policies).
/// </summary>
public static class MutualTls
{
    /// <summary>Kestrel endpoint name of the probe port.</summary>
    public const string ProbeEndpoint = "Probe";

    internal static IHostApplicationBuilder AddMutualTls(this IHostApplicationBuilder builder, string serviceName)
    {
        var tls = AgoraTlsOptions.From(builder.Configuration);
        builder.Services.AddSingleton(tls);
        if (!tls.Mutual)
        {
            return builder;
        }

        if (tls.ProbePort > 0 && builder.Configuration.GetSection($"Kestrel:Endpoints:{ProbeEndpoint}").GetChildren().All(c => c.Value is null))
        {
            builder.Configuration.Sources.Add(new MemoryConfigurationSource
            {
                InitialData = new Dictionary<string, string?>
                {
                    [$"Kestrel:Endpoints:{ProbeEndpoint}:Url"] = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://localhost:{tls.ProbePort}"),
                    [$"Kestrel:Endpoints:{ProbeEndpoint}:Protocols"] = "Http1",
                },
            });
        }

        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.TryAddSingleton(sp => new PeerTls(tls, serviceName, contentRoot,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PeerTls>>()));
        builder.Services.AddOptions<KestrelServerOptions>().Configure<PeerTls>((kestrel, peer) =>
        {
            var loader = kestrel.ConfigurationLoader
                ?? throw new InvalidOperationException("Agora:Tls:Mode=Mutual needs Kestrel's endpoints from configuration (Kestrel:Endpoints).");
            foreach (var name in tls.EndpointNames)
            {
                loader.Endpoint(name, endpoint => endpoint.ListenOptions.UseHttps(peer.ServerOptions(name)));
            }
        });
        builder.Services.AddSingleton<IPostConfigureOptions<HttpClientFactoryOptions>, PeerClientSetup>();
        builder.Services.AddTransient<IStartupFilter, ProbeOnlyFilter>();
        return builder;
    }

    /// <summary>
    /// Marks a client as calling outside the shop (a payment provider, a webhook): in Mutual mode it neither presents the
    /// service's certificate nor pins the project CA, and keeps the platform's usual server validation.
    /// </summary>
    public static IHttpClientBuilder UsePublicTls(this IHttpClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.Services.Configure<ExternalClients>(o => o.Names.Add(client.Name));
        return client;
    }

    /// <summary>The names of clients that call outside the shop.</summary>
    internal sealed class ExternalClients
    {
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Runs last among a client's handler actions, so it configures the primary handler the client ends with.</summary>
    private sealed class PeerClientSetup(IServiceProvider services, IOptions<ExternalClients> external) : IPostConfigureOptions<HttpClientFactoryOptions>
    {
        public void PostConfigure(string? name, HttpClientFactoryOptions options)
        {
            if (name is not null && external.Value.Names.Contains(name))
            {
                return;
            }

            options.HttpMessageHandlerBuilderActions.Add(b =>
            {
                var handler = b.PrimaryHandler as SocketsHttpHandler
                    ?? throw new InvalidOperationException($"HttpClient '{name}': Agora:Tls:Mode=Mutual needs a SocketsHttpHandler as the primary handler, not {b.PrimaryHandler?.GetType().Name}.");
                services.GetRequiredService<PeerTls>().ConfigureClient(handler);
            });
        }
    }

    /// <summary>On the probe port, only <c>/health/*</c> and <c>/metrics</c>; everything else 404 before any other middleware.</summary>
    private sealed class ProbeOnlyFilter(AgoraTlsOptions tls) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            if (tls.ProbePort > 0)
            {
                app.Use((context, nextMiddleware) =>
                    context.Connection.LocalPort == tls.ProbePort
                    && !context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
                    && !context.Request.Path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
                        ? Refuse(context)
                        : nextMiddleware(context));
            }

            next(app);
        };

        private static Task Refuse(HttpContext context)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
    }
}
