using System.Net.Security;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using Agora.Auth;
using Agora.ServiceDefaults.Tls;
using Agora.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agora.ServiceDefaults.Tests.Tls;

/// <summary>
/// A "catalog" on a real Kestrel with <c>Agora:Tls:Mode=Mutual</c> (its REST endpoint <c>Http</c> and an HTTP/2 endpoint
/// <c>Grpc</c> on loopback, a probe port), set up by <c>AddServiceDefaults</c> exactly as a service is; and an "ordering"
/// host whose factory-made <c>HttpClient</c> calls it. Certificates in a temporary directory, shaped like
/// <c>scripts/certs.sh</c>'s. <c>POST /reserve</c> admits only the peer <c>ordering</c> (<see cref="PeerPolicies.RequirePeer"/>);
/// <c>GET /peer</c> echoes the calling service.
/// </summary>
public sealed class MutualTlsFixture : IAsyncLifetime
{
    public const string OrderingOnly = "ordering-only";

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "agora-mtls-" + Guid.NewGuid().ToString("N")[..8]);
    public int HttpPort { get; } = TestServers.FreePort();
    public int GrpcPort { get; } = TestServers.FreePort();
    public int ProbePort { get; } = TestServers.FreePort();
    public X509Certificate2 ProjectCa { get; } = TestCertificates.Ca();
    public LogRecorder Logs { get; } = new(LogLevel.Information);
    public WebApplication Catalog { get; private set; } = null!;
    public IHost Ordering { get; private set; } = null!;

    public Uri HttpAddress => new($"https://localhost:{HttpPort}/");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        TestCertificates.WriteCa(ProjectCa, Directory);
        foreach (var service in new[] { "catalog", "ordering" })
        {
            using var certificate = TestCertificates.Issue(ProjectCa, service);
            TestCertificates.Write(certificate, Directory, service);
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = Directory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agora:Tls:Mode"] = Mode,
            ["Agora:Tls:CertificateDirectory"] = Directory,
            ["Agora:Tls:ProbePort"] = ProbePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Kestrel:Endpoints:Http:Url"] = $"https://127.0.0.1:{HttpPort}",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
            ["Kestrel:Endpoints:Grpc:Url"] = $"https://127.0.0.1:{GrpcPort}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
        });
        if (Mode != "Mutual")
        {
            // The baseline the tests were run against to see them fail: server TLS only (the edge's way), no client certificates.
            foreach (var endpoint in new[] { "Http", "Grpc" })
            {
                builder.Configuration[$"Kestrel:Endpoints:{endpoint}:Certificate:Path"] = Path.Combine(Directory, "catalog.crt");
                builder.Configuration[$"Kestrel:Endpoints:{endpoint}:Certificate:KeyPath"] = Path.Combine(Directory, "catalog.key");
            }
        }

        builder.AddServiceDefaults("catalog");
        builder.Logging.AddProvider(Logs);
        builder.Services.AddAuthentication(EveryoneHandler.Name).AddScheme<AuthenticationSchemeOptions, EveryoneHandler>(EveryoneHandler.Name, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(OrderingOnly, p => p.RequireAuthenticatedUser().RequirePeer("ordering"));
        builder.Services.AddPeerAuthorization();
        Catalog = builder.Build();
        Catalog.MapDefaultEndpoints();
        Catalog.MapGet("/peer", (HttpContext context) => context.Peer() ?? "(none)");
        Catalog.MapPost("/reserve", () => "reserved").RequireAuthorization(OrderingOnly);
        // Catalog's GetProduct over gRPC (framed by hand), answering with the calling peer's name as the product's.
        Catalog.MapPost("/ecommerce.catalog.v1.CatalogService/GetProduct", async context =>
        {
            var body = Google.Protobuf.MessageExtensions.ToByteArray(new Agora.Contracts.Catalog.V1.GetProductResponse
            {
                Product = new Agora.Contracts.Catalog.V1.Product { Id = "prd_1", Name = context.Peer() ?? "(none)" },
            });
            var frame = new byte[5 + body.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
            body.CopyTo(frame, 5);
            context.Response.ContentType = "application/grpc";
            context.Response.DeclareTrailer("grpc-status");
            await context.Response.Body.WriteAsync(frame);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await Catalog.StartAsync();

        var ordering = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", ContentRootPath = Directory });
        ordering.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agora:Tls:Mode"] = Mode,
            ["Agora:Tls:CertificateDirectory"] = Directory,
        });
        ordering.AddServiceDefaults("ordering");
        ordering.Services.AddHttpClient("catalog", c => c.BaseAddress = HttpAddress);
        Ordering = ordering.Build();
    }

    /// <summary>The mode under test (Mutual; the tests were also run with Off to see them fail).</summary>
    public static string Mode => Environment.GetEnvironmentVariable("AGORA_TEST_TLS_MODE") ?? "Mutual";

    /// <summary>Ordering's client to Catalog, from the factory as every service-to-service client is.</summary>
    public HttpClient OrderingClient() => Ordering.Services.GetRequiredService<IHttpClientFactory>().CreateClient("catalog");

    /// <summary>
    /// A client that presents <paramref name="certificate"/> (or none) and trusts the project CA, not through the
    /// factory: what a stranger with its own tooling would do. <paramref name="served"/> gets the server's certificate.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The client owns its handler.")]
    public HttpClient Stranger(X509Certificate2? certificate, Action<X509Certificate2>? served = null) => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.Zero,
        SslOptions = new SslClientAuthenticationOptions
        {
            LocalCertificateSelectionCallback = certificate is null ? null : (_, _, _, _, _) => certificate,
            RemoteCertificateValidationCallback = (_, presented, _, _) =>
            {
                if (presented is X509Certificate2 x)
                {
                    served?.Invoke(x);
                }

                return PeerCertificates.Refusal(presented, ProjectCa, DateTimeOffset.UtcNow, PeerCertificates.ServerAuth) is null;
            },
        },
    })
    { BaseAddress = HttpAddress, DefaultRequestVersion = System.Net.HttpVersion.Version11 };

    public async Task DisposeAsync()
    {
        Ordering.Dispose();
        await Catalog.DisposeAsync();
        ProjectCa.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>Authenticates every request as some service: the token part of the policies is not under test here.</summary>
    private sealed class EveryoneHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "everyone";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(
                new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "svc")], Name)), Name)));
    }
}
