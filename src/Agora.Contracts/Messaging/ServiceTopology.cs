using Agora.Contracts.Events;

namespace Agora.Contracts.Messaging;

/// <summary>
/// Who listens where and who subscribes to what (ARCHITECTURE.md §2, §5). In the embedded mode every event is pushed
/// from the publisher's outbox to each subscriber's TCP port (HTTP port + 1000); in the distributed mode each event
/// type is a RabbitMQ fan-out exchange and each subscriber binds its own queue.
/// </summary>
public static class ServiceTopology
{
    /// <summary>Default HTTP port of each service.</summary>
    public static readonly IReadOnlyDictionary<string, int> HttpPorts = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["gateway"] = 8080,
        ["identity"] = 5101,
        ["catalog"] = 5102,
        ["ordering"] = 5103,
        ["payment"] = 5104,
        ["shipping"] = 5105,
        ["notification"] = 5106,
        ["search"] = 5107,
        ["psp"] = 5190,
    };

    /// <summary>The embedded-mode message port of a service: its HTTP port + 1000.</summary>
    public static int MessagePort(string service) => HttpPorts[service] + 1000;

    /// <summary>Integration events and the services subscribed to them. A service joins by adding itself here.</summary>
    public static readonly IReadOnlyDictionary<Type, string[]> Subscriptions = new Dictionary<Type, string[]>
    {
        [typeof(ProductCreated)] = [],
        [typeof(ProductUpdated)] = [],
        [typeof(ProductDeleted)] = [],
        [typeof(PriceChanged)] = [],
        [typeof(StockChanged)] = [],
    };

    /// <summary>The RabbitMQ exchange of an event type: <c>agora.events.product-created</c>.</summary>
    public static string ExchangeName(Type eventType) => "agora.events." + Kebab(eventType.Name);

    /// <summary>The RabbitMQ queue a service consumes from.</summary>
    public static string QueueName(string service) => "agora." + service;

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
