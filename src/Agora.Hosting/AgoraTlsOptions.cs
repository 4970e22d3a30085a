using Microsoft.Extensions.Configuration;

namespace Agora.Hosting;

/// <summary>Whether the hops between services are encrypted and mutually authenticated.</summary>
public enum AgoraTlsMode
{
    /// <summary>Plain HTTP and h2c between services (the embedded mode on loopback, or a mesh that encrypts). The default.</summary>
    Off,

    /// <summary>
    /// Mutual TLS: every internal endpoint (REST and gRPC) serves the service's certificate and requires a client certificate
    /// chained to the project CA; every factory-made client presents the service's certificate and accepts only servers
    /// chained to that CA.
    /// </summary>
    Mutual,
}

/// <summary>
/// <c>Agora:Tls</c> (issue 14): the mode and the PEM files. Paths relative to the content root. Defaults: the service's
/// <c>&lt;CertificateDirectory&gt;/&lt;service&gt;.crt</c> and <c>.key</c> and <c>&lt;CertificateDirectory&gt;/ca.crt</c>,
/// the files <c>scripts/certs.sh</c> writes (in Kubernetes, a mounted cert-manager secret: set the three paths).
/// </summary>
public sealed class AgoraTlsOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Agora:Tls";

    /// <summary><see cref="AgoraTlsMode.Off"/> (default) or <see cref="AgoraTlsMode.Mutual"/>.</summary>
    public AgoraTlsMode Mode { get; set; } = AgoraTlsMode.Off;

    /// <summary>Where <c>scripts/certs.sh</c> wrote the files. Default <c>.agora/certs</c>.</summary>
    public string CertificateDirectory { get; set; } = Path.Combine(".agora", "certs");

    /// <summary>The service's certificate (PEM). Default <c>&lt;CertificateDirectory&gt;/&lt;service&gt;.crt</c>.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The service's private key (PEM). Default <c>&lt;CertificateDirectory&gt;/&lt;service&gt;.key</c>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The project CA (PEM), the only trust anchor for peers. Default <c>&lt;CertificateDirectory&gt;/ca.crt</c>.</summary>
    public string? CaPath { get; set; }

    /// <summary>
    /// The Kestrel endpoints peers call, which require a client certificate in Mutual mode (comma-separated names of
    /// <c>Kestrel:Endpoints</c>). Default <c>Http,Grpc</c>; the gateway sets none (its 8080/8443 are the public edge).
    /// </summary>
    public string Endpoints { get; set; } = "Http,Grpc";

    /// <summary>
    /// <see cref="Endpoints"/> value for a service no peer calls (the gateway): mutual TLS only as a client. (An empty value
    /// would not do: configuration binding skips it and the default applies.)
    /// </summary>
    public const string NoEndpoints = "none";

    /// <summary>
    /// Mutual mode: a plain-HTTP port that answers only <c>/health/*</c> and <c>/metrics</c>, for probes that carry no client
    /// certificate (the AppHost's readiness checks, a kubelet). Default: none (0); the AppHost sets HTTP port + <see cref="ProbePortOffset"/>.
    /// </summary>
    public int ProbePort { get; set; }

    /// <summary>The AppHost's probe port: a service's HTTP port + this (5102 → 8102).</summary>
    public const int ProbePortOffset = 3000;

    /// <summary>TLS to PostgreSQL and RabbitMQ (<c>Agora:Tls:Servers</c>): by default Verify under Mutual, Off otherwise.</summary>
    public ServerTlsOptions Servers { get; set; } = new();

    /// <summary>A public HTTPS endpoint whose certificate is read per handshake (<c>Agora:Tls:Https</c>; the gateway's 8443).</summary>
    public HttpsEndpointOptions Https { get; set; } = new();

    /// <summary>Whether Mutual mode is on.</summary>
    public bool Mutual => Mode == AgoraTlsMode.Mutual;

    /// <summary>The endpoint names of <see cref="Endpoints"/>.</summary>
    public IReadOnlyList<string> EndpointNames => string.Equals(Endpoints.Trim(), NoEndpoints, StringComparison.OrdinalIgnoreCase)
        ? []
        : Endpoints.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The service's certificate, key and CA paths, absolute (relative ones from <paramref name="contentRoot"/>).</summary>
    public (string Certificate, string Key, string Ca) Files(string service, string contentRoot)
    {
        var directory = Path.GetFullPath(CertificateDirectory, contentRoot);
        return (Path.GetFullPath(CertificatePath is { Length: > 0 } c ? c : Path.Combine(directory, service + ".crt"), contentRoot),
            Path.GetFullPath(KeyPath is { Length: > 0 } k ? k : Path.Combine(directory, service + ".key"), contentRoot),
            Path.GetFullPath(CaPath is { Length: > 0 } a ? a : Path.Combine(directory, "ca.crt"), contentRoot));
    }

    /// <summary>
    /// The one decision on TLS to PostgreSQL and RabbitMQ: the CA file (absolute) their certificates must chain to when the
    /// connections use TLS (<see cref="ServerTlsOptions.Mode"/>, by default Verify under Mutual), or null when they stay as
    /// configured. The CA is <see cref="ServerTlsOptions.CaPath"/>, else the project CA.
    /// </summary>
    public string? ServerCa(string service, string contentRoot)
    {
        if ((Servers.Mode ?? (Mutual ? ServerTlsMode.Verify : ServerTlsMode.Off)) == ServerTlsMode.Off)
        {
            return null;
        }

        return Servers.CaPath is { Length: > 0 } configured ? Path.GetFullPath(configured, contentRoot) : Files(service, contentRoot).Ca;
    }

    /// <summary>The options as configured (<c>Agora:Tls</c>); Off when the section is absent.</summary>
    public static AgoraTlsOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<AgoraTlsOptions>() ?? new AgoraTlsOptions();
}
