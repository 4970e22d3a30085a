namespace Agora.Hosting;

/// <summary>Whether the services' connections to PostgreSQL and RabbitMQ are encrypted and the servers verified.</summary>
public enum ServerTlsMode
{
    /// <summary>The connection strings as given (plain amqp://; Npgsql's own default for PostgreSQL).</summary>
    Off,

    /// <summary>
    /// TLS, and the server's certificate must chain to <see cref="ServerTlsOptions.CaPath"/> and be issued for the host
    /// connected to: PostgreSQL with <c>SSL Mode=VerifyFull</c> and that CA as <c>Root Certificate</c>, RabbitMQ over amqps
    /// (the connection string must be <c>amqps://</c>) with that CA the only trust anchor.
    /// </summary>
    Verify,
}

/// <summary>
/// <c>Agora:Tls:Servers</c> (issue 14): TLS to the servers the services connect to. By default it follows
/// <c>Agora:Tls:Mode</c>: <see cref="ServerTlsMode.Verify"/> under Mutual, <see cref="ServerTlsMode.Off"/> otherwise.
/// </summary>
public sealed class ServerTlsOptions
{
    /// <summary><see cref="ServerTlsMode.Verify"/> or <see cref="ServerTlsMode.Off"/>; unset follows <c>Agora:Tls:Mode</c>.</summary>
    public ServerTlsMode? Mode { get; set; }

    /// <summary>
    /// The CA (PEM) that issued PostgreSQL's and RabbitMQ's certificates, the only trust anchor for them. Default: the project
    /// CA (<see cref="AgoraTlsOptions.CaPath"/>); <c>scripts/servers.sh</c>'s test servers use their own,
    /// <c>&lt;scratch&gt;/tls/ca.crt</c>.
    /// </summary>
    public string? CaPath { get; set; }
}
