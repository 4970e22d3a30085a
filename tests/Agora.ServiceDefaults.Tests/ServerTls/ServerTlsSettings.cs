using System.Security.Cryptography.X509Certificates;
using Agora.Hosting;
using Agora.Testing;
using Microsoft.Extensions.Configuration;

namespace Agora.ServiceDefaults.Tests.ServerTls;

/// <summary>
/// What the server-TLS tests share: the test servers' TLS addresses and CA (<c>scripts/servers.sh env</c>), a service's
/// configuration under <c>Agora:Tls</c>, and a foreign CA (same shape, another key) written to a temporary file.
/// </summary>
internal static class ServerTlsSettings
{
    public const string Service = "catalog";

    public static string ServersCa => TestServers.ServersCa;

    public static string RabbitMqTls => TestServers.RabbitMqTls;

    /// <summary>A distributed service's configuration: its database on the test server's <c>postgres</c> database, the given broker and <c>Agora:Tls</c> keys.</summary>
    public static IConfiguration Configuration(string rabbit, params (string Key, string Value)[] tls)
    {
        var database = new Npgsql.NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = "postgres" }.ConnectionString;
        var values = new Dictionary<string, string?>
        {
            ["Agora:ServiceName"] = Service,
            ["Agora:Mode"] = "Distributed",
            [$"ConnectionStrings:{Service}db"] = database,
            ["ConnectionStrings:rabbitmq"] = rabbit,
        };
        foreach (var (key, value) in tls)
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>A CA that issued nothing the servers hold, as PEM in a temporary file (the caller deletes it).</summary>
    public static string ForeignCaFile()
    {
        using var foreign = TestCertificates.Ca("Agora test servers CA");
        var path = Path.Combine(Path.GetTempPath(), "agora-foreign-ca-" + Guid.NewGuid().ToString("N")[..12] + ".crt");
        File.WriteAllText(path, foreign.ExportCertificatePem());
        return path;
    }

    public static AgoraOptions Agora(IConfiguration configuration) =>
        configuration.GetSection(AgoraOptions.SectionName).Get<AgoraOptions>()!;

    /// <summary>Whether <paramref name="path"/> holds the certificate <paramref name="expected"/> holds.</summary>
    public static bool SameCertificate(string path, string expected)
    {
        using var a = X509CertificateLoader.LoadCertificateFromFile(path);
        using var b = X509CertificateLoader.LoadCertificateFromFile(expected);
        return a.Thumbprint == b.Thumbprint;
    }
}
