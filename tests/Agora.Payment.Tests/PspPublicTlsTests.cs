using Agora.Payment.Features.Psp;
using Agora.ServiceDefaults;
using Agora.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Agora.Payment.Tests;

/// <summary>
/// Issue 14: under mutual TLS every factory-made client presents the service's certificate and accepts only servers of
/// the project CA, except the ones that call outside the shop. The payment provider is one (<c>UsePublicTls</c>): a real
/// provider's certificate chains to a public root, which pinning would refuse, and Payment's certificate is not its business.
/// </summary>
public sealed class PspPublicTlsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agora-psp-tls-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Under_mutual_TLS_the_provider_client_neither_presents_Payments_certificate_nor_pins_the_project_CA_while_a_peer_client_does()
    {
        Directory.CreateDirectory(_directory);
        using var ca = TestCertificates.Ca();
        TestCertificates.WriteCa(ca, _directory);
        using (var payment = TestCertificates.Issue(ca, "payment"))
        {
            TestCertificates.Write(payment, _directory, "payment");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", ContentRootPath = _directory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agora:Tls:Mode"] = "Mutual",
            ["Agora:Tls:CertificateDirectory"] = _directory,
            ["Payment:Psp:BaseUrl"] = "https://psp.example.com/",
        });
        builder.AddServiceDefaults("payment");
        builder.Services.AddSingleton<PspCircuit>();
        builder.Services.AddPspClient();
        builder.Services.AddHttpClient("ordering");
        using var host = builder.Build();
        var handlers = host.Services.GetRequiredService<IHttpMessageHandlerFactory>();

        Assert.Equal((false, false), Tls(handlers.CreateHandler(nameof(PspClient))));
        Assert.Equal((true, true), Tls(handlers.CreateHandler("ordering")));
    }

    /// <summary>Whether the client presents a certificate of its own, and whether it replaces the platform's server validation.</summary>
    private static (bool Presents, bool Pins) Tls(HttpMessageHandler handler)
    {
        while (handler is DelegatingHandler { InnerHandler: { } inner })
        {
            handler = inner;
        }

        return handler switch
        {
            SocketsHttpHandler s => (s.SslOptions.LocalCertificateSelectionCallback is not null || s.SslOptions.ClientCertificates is { Count: > 0 },
                s.SslOptions.RemoteCertificateValidationCallback is not null),
            HttpClientHandler c => (c.ClientCertificates.Count > 0, c.ServerCertificateCustomValidationCallback is not null),
            _ => throw new InvalidOperationException($"Unexpected primary handler {handler.GetType().Name}"),
        };
    }
}
