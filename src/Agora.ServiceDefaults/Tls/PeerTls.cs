using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Agora.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Agora.ServiceDefaults.Tls;

/// <summary>
/// The service's TLS identity in Mutual mode: its own certificate and the project CA, both reloaded from disk when they
/// change (<see cref="ReloadingCertificate"/>), the server options each internal Kestrel endpoint builds per handshake
/// and the client options every factory-made <c>HttpClient</c> and gRPC channel uses. Refusals are logged once per
/// certificate (or remote address, when none was presented) and reason, not per retry.
/// </summary>
public sealed class PeerTls
{
    private const int MaxRemembered = 4096;
    /// <summary>The TLS versions every endpoint the service serves accepts (internal and public).</summary>
    internal const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>How long a server handshake may take.</summary>
    internal static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly ReloadingCertificate _own;
    private readonly ReloadingCertificate _ca;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _logged = new(StringComparer.Ordinal);

    /// <summary>Reads the files named by <paramref name="options"/> for <paramref name="service"/>; fails at once if they cannot be read.</summary>
    public PeerTls(AgoraTlsOptions options, string service, string contentRoot, TimeProvider clock, ILogger<PeerTls> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (certificate, key, ca) = options.Files(service, contentRoot);
        _logger = logger;
        _clock = clock;
        _own = new ReloadingCertificate(certificate, key, logger);
        _ca = new ReloadingCertificate(ca, null, logger);
        Service = service;
        _ = _own.Current;
        _ = _ca.Current;
    }

    /// <summary>The service whose certificate this is.</summary>
    public string Service { get; }

    /// <summary>The certificate served and presented now.</summary>
    public X509Certificate2 Certificate => _own.Current;

    /// <summary>The project CA, the only trust anchor.</summary>
    public X509Certificate2 Ca => _ca.Current;

    /// <summary>Kestrel's per-connection TLS options for an internal endpoint: our certificate, a client certificate required.</summary>
    public TlsHandshakeCallbackOptions ServerOptions(string endpoint) => new()
    {
        OnConnection = context => ValueTask.FromResult(new SslServerAuthenticationOptions
        {
            ServerCertificate = _own.Current,
            ClientCertificateRequired = true,
            EnabledSslProtocols = Protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                AcceptClient(endpoint, context.Connection.RemoteEndPoint, certificate),
        }),
        HandshakeTimeout = PeerTls.HandshakeTimeout,
    };

    /// <summary>Configures a client handler: present our certificate, accept only servers chained to the project CA and named as called.</summary>
    public void ConfigureClient(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.SslOptions.EnabledSslProtocols = Protocols;
        handler.SslOptions.CertificateRevocationCheckMode = X509RevocationMode.NoCheck;
        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => _own.Current;
        handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, _, errors) =>
            AcceptServer((sender as SslStream)?.TargetHostName ?? "?", certificate, errors);
    }

    /// <summary>Whether a client's certificate is a peer's (the handshake fails otherwise); logs a refusal once.</summary>
    public bool AcceptClient(string endpoint, EndPoint? remote, X509Certificate? certificate)
    {
        var reason = PeerCertificates.Refusal(certificate, _ca.Current, _clock.GetUtcNow(), PeerCertificates.ClientAuth);
        if (reason is null)
        {
            return true;
        }

        var remoteText = (remote as IPEndPoint)?.Address.ToString() ?? remote?.ToString() ?? "?";
        var thumbprint = (certificate as X509Certificate2)?.Thumbprint ?? certificate?.GetCertHashString() ?? "none";
        if (Remember($"c|{endpoint}|{(certificate is null ? remoteText : thumbprint)}|{reason}"))
        {
            TlsLog.ClientRefused(_logger, endpoint, remoteText, reason, certificate?.Subject ?? "(none)", thumbprint);
        }

        return false;
    }

    private bool AcceptServer(string host, X509Certificate? certificate, SslPolicyErrors errors)
    {
        var reason = (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0
            ? $"not issued for {host}"
            : PeerCertificates.Refusal(certificate, _ca.Current, _clock.GetUtcNow(), PeerCertificates.ServerAuth);
        if (reason is null)
        {
            return true;
        }

        if (Remember($"s|{host}|{certificate?.GetCertHashString() ?? "none"}|{reason}"))
        {
            TlsLog.ServerRefused(_logger, host, reason, certificate?.Subject ?? "(none)");
        }

        return false;
    }

    private bool Remember(string key)
    {
        if (_logged.Count >= MaxRemembered)
        {
            _logged.Clear();
        }

        return _logged.TryAdd(key, 0);
    }
}
