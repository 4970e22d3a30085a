using Agora.Hosting;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Agora.Storage;

/// <summary>
/// TLS to PostgreSQL (issue 14): when <see cref="AgoraTlsOptions.ServerCa"/> names a CA (by default under
/// <c>Agora:Tls:Mode=Mutual</c>), the service's connection string gets <c>SSL Mode=VerifyFull</c> (encrypted, the server's
/// certificate chained to the CA and issued for the host) and that CA as <c>Root Certificate</c>, whatever the connection
/// string said about either: the setting decides, not each connection string. EF Core and Wolverine's message store use
/// this one string.
/// </summary>
internal static class PostgresTls
{
    public static string Apply(string connectionString, IConfiguration configuration, string service, string contentRoot)
    {
        if (AgoraTlsOptions.From(configuration).ServerCa(service, contentRoot) is not { } ca)
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { SslMode = SslMode.VerifyFull, RootCertificate = ca }.ConnectionString;
    }
}
