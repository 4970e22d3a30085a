using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Agora.Hosting;
using Agora.ServiceDefaults.Tls;
using Microsoft.Extensions.Configuration;
using RabbitMQ.Client;

namespace Agora.Messaging;

/// <summary>
/// How the service connects to RabbitMQ, for Wolverine's transport and the readiness check alike:
/// <c>ConnectionStrings:rabbitmq</c>, and when <see cref="AgoraTlsOptions.ServerCa"/> says so (by default under
/// <c>Agora:Tls:Mode=Mutual</c>) TLS 1.2/1.3 with the server's certificate checked against that CA only
/// (<see cref="PeerCertificates.Refusal"/>: the chain, its validity now, server authentication) and against the host
/// connected to. The CA file is read at each connection, so a renewed one counts from the next.
/// </summary>
public sealed class RabbitMqConnection
{
    private readonly TimeProvider _clock;

    private RabbitMqConnection(Uri uri, string? ca, TimeProvider clock)
    {
        Uri = uri;
        Ca = ca;
        _clock = clock;
    }

    /// <summary>The broker's address.</summary>
    public Uri Uri { get; }

    /// <summary>The CA the broker's certificate must chain to; null when the connection is as configured.</summary>
    public string? Ca { get; }

    /// <summary>Reads <c>ConnectionStrings:rabbitmq</c> and <c>Agora:Tls</c>; throws when TLS is asked for but the address is plain amqp://.</summary>
    public static RabbitMqConnection From(IConfiguration configuration, string service, string contentRoot, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration.GetConnectionString("rabbitmq");
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidOperationException("Distributed mode needs RabbitMQ: set ConnectionStrings:rabbitmq (amqp://user:pass@host:5672/).");
        }

        var uri = new Uri(text);
        var ca = AgoraTlsOptions.From(configuration).ServerCa(service, contentRoot);
        if (ca is not null && !string.Equals(uri.Scheme, "amqps", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"TLS to RabbitMQ is on (Agora:Tls:Servers:Mode=Verify, the default under Agora:Tls:Mode=Mutual), but ConnectionStrings:rabbitmq is {uri.Scheme}://{uri.Host}:{uri.Port}/: "
                + "give the broker's TLS listener as amqps://user:pass@host:5671/ (its certificate issued by " + ca + ", Agora:Tls:Servers:CaPath), "
                + "or set Agora:Tls:Servers:Mode=Off to keep the connection plain.");
        }

        return new RabbitMqConnection(uri, ca, clock);
    }

    /// <summary>Sets the factory's address and, with TLS, its TLS options.</summary>
    public void Configure(ConnectionFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        factory.Uri = Uri;
        if (Ca is null)
        {
            return;
        }

        factory.Ssl.Enabled = true;
        factory.Ssl.ServerName = Uri.Host;
        factory.Ssl.Version = SslProtocols.Tls12 | SslProtocols.Tls13;
        factory.Ssl.CertificateValidationCallback = (_, certificate, _, errors) => Accept(certificate, errors);
    }

    private bool Accept(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var ca = X509CertificateLoader.LoadCertificateFromFile(Ca!);
        return PeerCertificates.Refusal(certificate, ca, _clock.GetUtcNow(), PeerCertificates.ServerAuth) is null;
    }
}
