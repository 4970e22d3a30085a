using System.ComponentModel.DataAnnotations;

namespace Agora.Messaging;

/// <summary><c>Agora:Messaging</c>: where this service listens and who else receives its events.</summary>
public sealed class MessagingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Agora:Messaging";

    /// <summary>Embedded mode: the TCP port this service receives messages on. Default: its HTTP port + 1000.</summary>
    [Range(1, 65535)]
    public int? ListenPort { get; set; }

    /// <summary>
    /// Embedded mode: the loopback address the TCP listener binds to. Default <c>localhost</c> (Wolverine binds it to
    /// 127.0.0.1). The transport is plaintext, so it never listens beyond the machine: anything but <c>localhost</c> or
    /// an IPv4 loopback address (127.0.0.0/8) stops the service at start (docs/architecture.md §4).
    /// </summary>
    public string ListenAddress { get; set; } = DefaultListenAddress;

    /// <summary>The default <see cref="ListenAddress"/>.</summary>
    public const string DefaultListenAddress = "localhost";

    /// <summary>Distributed mode: the RabbitMQ queue this service consumes. Default <c>agora.{service}</c>.</summary>
    public string? QueueName { get; set; }

    /// <summary>
    /// Distributed mode: prefix of every exchange and queue (<c>{ns}.events.order-placed</c>, <c>{ns}.{service}</c>).
    /// Default <c>agora</c>. Services that should talk share one; tests give each system under test its own.
    /// </summary>
    [RegularExpression("^[a-z0-9][a-z0-9._-]{0,62}$")]
    public string Namespace { get; set; } = Agora.Contracts.Messaging.ServiceTopology.DefaultNamespace;

    /// <summary>
    /// Embedded mode: where another service receives messages, by service name (<c>ordering</c> → <c>localhost:6103</c>).
    /// Default: <c>localhost</c> and that service's HTTP port + 1000 (ServiceTopology). Tests point peers at probes.
    /// </summary>
    public Dictionary<string, string> Peers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Embedded mode: subscribers beyond <c>ServiceTopology</c> (an extra consumer, a test probe).</summary>
    public List<ExtraSubscriber> ExtraSubscribers { get; set; } = [];

    /// <summary>How often the durability agent looks for messages to recover or replay. Default 1 s.</summary>
    public TimeSpan RecoveryPollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Embedded mode: how long a TCP sender holds the first message of a batch for more to join it before sending.
    /// Wolverine's default is 250 ms, which a message alone in its batch waits in full: every saga step (a command
    /// and its answer) then cost 500 ms at low load (bench/orders). Under load the sender still batches, since one
    /// batch at a time is in flight per destination and what arrives meanwhile waits for the next. Default 5 ms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan SendBatchTimeout { get; set; } = TimeSpan.FromMilliseconds(5);
}

/// <summary>An event type (simple name, e.g. <c>ProductCreated</c>) pushed to a TCP port.</summary>
public sealed class ExtraSubscriber
{
    /// <summary>Simple name of the event type.</summary>
    [Required]
    public string Message { get; set; } = "";

    /// <summary>Host of the subscriber. Default localhost.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>TCP port of the subscriber.</summary>
    [Range(1, 65535)]
    public int Port { get; set; }
}
