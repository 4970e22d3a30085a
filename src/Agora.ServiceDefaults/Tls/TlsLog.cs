using Microsoft.Extensions.Logging;

namespace Agora.ServiceDefaults.Tls;

/// <summary>The log lines of mutual TLS (event ids 9330–9339).</summary>
internal static partial class TlsLog
{
    [LoggerMessage(EventId = 9330, Level = LogLevel.Information, Message = "TLS certificate {Path} loaded: {Subject}, valid until {NotAfter:O}")]
    public static partial void CertificateLoaded(ILogger logger, string path, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 9331, Level = LogLevel.Warning, Message = "TLS certificate {Path} changed but does not load; still using {Subject} until it does")]
    public static partial void CertificateReloadFailed(ILogger logger, Exception exception, string path, string subject);

    [LoggerMessage(EventId = 9332, Level = LogLevel.Warning, Message = "Refused a peer at the TLS handshake on {Endpoint} from {Remote}: {Reason} (certificate {Subject}, thumbprint {Thumbprint}); logged once per certificate and reason")]
    public static partial void ClientRefused(ILogger logger, string endpoint, string remote, string reason, string subject, string thumbprint);

    [LoggerMessage(EventId = 9333, Level = LogLevel.Warning, Message = "Refused server {Host}'s certificate: {Reason} (certificate {Subject}); logged once per certificate and reason")]
    public static partial void ServerRefused(ILogger logger, string host, string reason, string subject);
}
