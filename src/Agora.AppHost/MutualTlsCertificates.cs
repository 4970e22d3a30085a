using System.Diagnostics;

namespace Agora.AppHost;

/// <summary>
/// Mutual TLS or TLS at the edge (both the distributed defaults): runs <c>scripts/certs.sh</c> before anything starts, so
/// every service (the gateway's edge too) finds a fresh certificate (7 days) under the project CA (kept while valid) in
/// <c>Agora:Tls:CertificateDirectory</c>.
/// </summary>
internal static class MutualTlsCertificates
{
    public static void Create(string repositoryRoot, string directory)
    {
        var script = Path.Combine(repositoryRoot, "scripts", "certs.sh");
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardError = true, UseShellExecute = false };
        start.Environment["AGORA_CERTS_DIR"] = directory;
        using var process = Process.Start(start) ?? throw new AgoraConfigurationException($"Cannot run {script} (bash is needed).");
        var errors = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)) || process.ExitCode != 0)
        {
            throw new AgoraConfigurationException($"TLS between the services or at the edge: {script} failed ({errors.Trim()}); Agora:Tls:Mode=Off and Agora:Tls:Edge=false run without certificates.");
        }
    }
}
