using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Agora.ServiceDefaults.Tls;

/// <summary>
/// A PEM certificate (with its key, or without: the CA) read from disk and read again when a file changes: each
/// <see cref="Current"/> (called at every TLS handshake) compares the files' write times and lengths with the pair it
/// holds, a stat per file, and reloads only when they differ. So a renewed certificate (<c>scripts/certs.sh</c>,
/// cert-manager) is served and presented from the next handshake on, without a restart. A pair that does not load (a
/// new certificate beside the old key, caught between the two renames: ArgumentException from CreateFromPemFile) is tried once more; if it still fails, the
/// previous good pair stays in use (a Warning, once per change) and the files are tried again on the next handshake.
/// </summary>
internal sealed class ReloadingCertificate(string certificatePath, string? keyPath, ILogger logger)
{
    private readonly Lock _gate = new();
    private Stamp _loadedStamp;
    private Stamp _failedStamp;
    private X509Certificate2? _current;

    /// <summary>The certificate file.</summary>
    public string CertificatePath { get; } = certificatePath;

    /// <summary>The certificate the files hold now (the last good one if they do not load); throws if none ever loaded.</summary>
    public X509Certificate2 Current
    {
        get
        {
            var stamp = Stamp.Of(CertificatePath, keyPath);
            var current = Volatile.Read(ref _current);
            if (current is not null && stamp == _loadedStamp)
            {
                return current;
            }

            lock (_gate)
            {
                if (_current is not null && stamp == _loadedStamp)
                {
                    return _current;
                }

                return Reload(stamp);
            }
        }
    }

    private X509Certificate2 Reload(Stamp stamp)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var loaded = keyPath is null
                    ? X509CertificateLoader.LoadCertificateFromFile(CertificatePath)
                    : X509Certificate2.CreateFromPemFile(CertificatePath, keyPath);
                _loadedStamp = stamp;
                Volatile.Write(ref _current, loaded);
                if (attempt > 1 || _failedStamp != default)
                {
                    _failedStamp = default;
                }

                TlsLog.CertificateLoaded(logger, CertificatePath, loaded.Subject, loaded.NotAfter.ToUniversalTime());
                return loaded;
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                if (attempt == 1)
                {
                    // A rename between our two reads: read the pair again (its stamp too) once.
                    stamp = Stamp.Of(CertificatePath, keyPath);
                    continue;
                }

                if (_current is null)
                {
                    throw new InvalidOperationException(
                        $"The certificate {CertificatePath}" + (keyPath is null ? "" : $" and key {keyPath}") +
                        " cannot be loaded (run scripts/certs.sh, or set Agora:Tls:CertificatePath/KeyPath/CaPath).", e);
                }

                if (_failedStamp != stamp)
                {
                    _failedStamp = stamp;
                    TlsLog.CertificateReloadFailed(logger, e, CertificatePath, _current.Subject);
                }

                return _current;
            }
        }
    }
}

/// <summary>What identifies a version of the files: write times and lengths.</summary>
internal readonly record struct Stamp(DateTime CertificateWritten, long CertificateLength, DateTime KeyWritten, long KeyLength)
{
    public static Stamp Of(string certificatePath, string? keyPath)
    {
        var certificate = new FileInfo(certificatePath);
        var key = keyPath is null ? null : new FileInfo(keyPath);
        return new Stamp(certificate.Exists ? certificate.LastWriteTimeUtc : default, certificate.Exists ? certificate.Length : -1,
            key is { Exists: true } ? key.LastWriteTimeUtc : default, key is { Exists: true } ? key.Length : -1);
    }
}
