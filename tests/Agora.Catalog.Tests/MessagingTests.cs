using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Agora.Catalog.Tests.Infrastructure;
using Agora.Contracts.Events;
using Agora.Contracts.Messaging;
using Agora.Hosting;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Wolverine;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;
using Wolverine.Transports.Tcp;

namespace Agora.Catalog.Tests;

/// <summary>A message whose handler always fails: it must end in the dead-letter queue after the retries.</summary>
public sealed record PoisonPill(Guid Id);

public static class PoisonPillHandler
{
    public static readonly ConcurrentDictionary<Guid, int> Attempts = new();

    public static void Handle(PoisonPill message)
    {
        Attempts.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
        throw new InvalidOperationException("poison pill " + message.Id);
    }
}

/// <summary>Records what a subscriber received.</summary>
public static class ProbeHandler
{
    public static readonly ConcurrentQueue<ProductCreated> Received = new();
    public static readonly ConcurrentDictionary<string, string?> CorrelationOf = new();

    public static void Handle(ProductCreated message, Envelope envelope)
    {
        CorrelationOf[message.ProductId] = envelope.Headers.TryGetValue("X-Correlation-ID", out var id) ? id : null;
        Received.Enqueue(message);
    }
}

internal static class MessagingAssertions
{
    /// <summary>
    /// How long the exactly-once tests watch for a second copy after the first arrived. Nothing announces that a
    /// duplicate will never come, so this is a bounded wait (see <see cref="Poll.StaysAsync{T}"/>): a resend from the
    /// outbox or a second publish from a rolled-back transaction would leave within the same second as the first copy.
    /// </summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromSeconds(1);

    /// <summary>How long a first delivery may take (the first message over a connection is slow on a loaded machine).</summary>
    public static readonly TimeSpan Delivery = TimeSpan.FromSeconds(45);

    public static async Task<DeadLetterEnvelope> DeadLetterOfAsync(CatalogApp app, Guid pillId)
    {
        var store = app.Services.GetRequiredService<IMessageStore>();
        return await Poll.UntilFoundAsync(async () =>
        {
            var result = await store.DeadLetters.QueryAsync(new DeadLetterEnvelopeQuery { PageSize = 100 }, CancellationToken.None);
            // The exception message names the pill; the stored body is not deserialized by the query.
            return result.Envelopes.FirstOrDefault(e => e.ExceptionMessage?.Contains(pillId.ToString(), StringComparison.Ordinal) == true);
        }, "the poison pill in the dead-letter queue", TimeSpan.FromSeconds(30));
    }

    public static async Task<string> CreateProductAsync(HttpClient client, string sku, string? correlationId = null)
    {
        var category = (string)(await (await client.GetAsync("/api/v1/categories")).BodyAsync())["data"]![0]!["id"]!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/products")
        {
            Content = Json.Of(new
            {
                sku, name = "Evented " + sku, category_id = category, price = new { amount = "1000", currency = "KRW" }, status = "active",
            }),
        };
        if (correlationId is not null)
        {
            request.Headers.Add("X-Correlation-ID", correlationId);
        }

        var response = await client.SendAsync(request);
        return response.StatusCode == HttpStatusCode.Created ? (string)(await response.BodyAsync())["data"]!["id"]! : "";
    }
}

/// <summary>A subscriber that starts late: what Catalog sent meanwhile must wait in its outbox.</summary>
public static class LateProbeHandler
{
    public static readonly ConcurrentQueue<ProductCreated> Received = new();

    public static void Handle(ProductCreated message) => Received.Enqueue(message);
}

/// <summary>Embedded mode: Wolverine TCP from Catalog's SQLite outbox to a subscriber process's inbox.</summary>
public sealed class EmbeddedMessagingTests : IAsyncLifetime
{
    private readonly int _probePort = TestServers.FreePort();
    private readonly int _latePort = TestServers.FreePort();
    private IHost _probe = null!;
    private CatalogApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = new CatalogApp(AgoraMode.Embedded)
            .With("Agora:Messaging:ExtraSubscribers:0:Message", nameof(ProductCreated))
            .With("Agora:Messaging:ExtraSubscribers:0:Port", _probePort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("Agora:Messaging:ExtraSubscribers:1:Message", nameof(ProductCreated))
            .With("Agora:Messaging:ExtraSubscribers:1:Port", _latePort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithServices(s => s.AddTestHandler(typeof(PoisonPillHandler)));

        // The probe stands in for another service: it subscribes to ProductCreated and sends Catalog messages.
        _probe = Host.CreateDefaultBuilder().UseWolverine(opts =>
        {
            opts.ServiceName = "probe";
            opts.ApplicationAssembly = typeof(ProbeHandler).Assembly;
            opts.Discovery.DisableConventionalDiscovery().IncludeType(typeof(ProbeHandler));
            opts.ListenAtPort(_probePort);
            opts.PublishMessage<PoisonPill>().ToPort(_app.MessagePort);
        }).Build();
        await _probe.StartAsync();
        await _app.InitializeAsync();
        _client = _app.CreateAdminClient();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _probe.StopAsync();
        _probe.Dispose();
    }

    [Fact]
    public async Task CreateProduct_Committed_EventReachesSubscriberOnce()
    {
        var sku = "EV-" + Guid.NewGuid().ToString("N")[..8];
        var id = await MessagingAssertions.CreateProductAsync(_client, sku);
        await Poll.UntilFoundAsync(() => ProbeHandler.Received.FirstOrDefault(e => e.ProductId == id), "ProductCreated at the subscriber", MessagingAssertions.Delivery);
        await Poll.StaysAsync(() => ProbeHandler.Received.Count(e => e.ProductId == id) == 1, "one ProductCreated", MessagingAssertions.DuplicateWindow);
    }

    [Fact]
    public async Task CreateProduct_SubscriberDown_WaitsInOutboxThenDeliveredOnce()
    {
        var id = await MessagingAssertions.CreateProductAsync(_client, "LT-" + Guid.NewGuid().ToString("N")[..8]);
        var store = _app.Services.GetRequiredService<IMessageStore>();
        await Poll.UntilAsync(async () => (await store.Admin.FetchCountsAsync()).Outgoing > 0, "the undeliverable event in Catalog's outbox");

        using var late = Host.CreateDefaultBuilder().UseWolverine(opts =>
        {
            opts.ServiceName = "late-probe";
            opts.ApplicationAssembly = typeof(LateProbeHandler).Assembly;
            opts.Discovery.DisableConventionalDiscovery().IncludeType(typeof(LateProbeHandler));
            opts.ListenAtPort(_latePort);
        }).Build();
        await late.StartAsync();
        await Poll.UntilFoundAsync(() => LateProbeHandler.Received.FirstOrDefault(e => e.ProductId == id), "delivery once the subscriber is back",
            TimeSpan.FromSeconds(60));
        await Poll.StaysAsync(() => LateProbeHandler.Received.Count(e => e.ProductId == id) == 1, "one ProductCreated at the late subscriber",
            MessagingAssertions.DuplicateWindow);
        await late.StopAsync();
    }

    [Fact]
    public async Task CreateProduct_CorrelationId_TravelsInMessageHeader()
    {
        var correlation = "corr-msg-" + Guid.NewGuid().ToString("N")[..8];
        var id = await MessagingAssertions.CreateProductAsync(_client, "CO-" + Guid.NewGuid().ToString("N")[..8], correlation);
        await Poll.UntilFoundAsync(() => ProbeHandler.Received.FirstOrDefault(e => e.ProductId == id), "ProductCreated at the subscriber", MessagingAssertions.Delivery);
        Assert.Equal(correlation, ProbeHandler.CorrelationOf[id]);
    }

    [Fact]
    public async Task CreateProduct_RolledBack_NoEventLeaves()
    {
        // Ten racing creates with one SKU: one commits, nine roll back at the unique index after publishing in memory.
        var sku = "RB-" + Guid.NewGuid().ToString("N")[..8];
        var ids = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => MessagingAssertions.CreateProductAsync(_client, sku)));
        var winner = Assert.Single(ids, i => i.Length > 0);
        await Poll.UntilFoundAsync(() => ProbeHandler.Received.FirstOrDefault(e => e.ProductId == winner), "the winner's ProductCreated", MessagingAssertions.Delivery);
        await Poll.StaysAsync(() => ProbeHandler.Received.Count(e => e.Sku == sku) == 1, "only the winner's ProductCreated", MessagingAssertions.DuplicateWindow);
    }

    [Fact]
    public async Task PoisonMessage_AfterFiveRetries_LandsInDeadLetterQueue()
    {
        var pill = new PoisonPill(Guid.NewGuid());
        await _probe.Services.GetRequiredService<IMessageBus>().PublishAsync(pill);
        var dead = await MessagingAssertions.DeadLetterOfAsync(_app, pill.Id);
        Assert.Contains("PoisonPill", dead.MessageType, StringComparison.Ordinal);
        Assert.Equal(typeof(InvalidOperationException).FullName, dead.ExceptionType);
        Assert.Equal(6, PoisonPillHandler.Attempts[pill.Id]); // the first try and 5 retries
    }
}

/// <summary>Distributed mode: PostgreSQL outbox to a real RabbitMQ fan-out exchange.</summary>
public sealed class DistributedMessagingTests : IAsyncLifetime
{
    private CatalogApp _app = null!;
    private HttpClient _client = null!;
    private IConnection _rabbit = null!;
    private IChannel _channel = null!;
    private readonly ConcurrentQueue<string> _bodies = new();

    public async Task InitializeAsync()
    {
        _app = new CatalogApp(AgoraMode.Distributed)
            .WithServices(s => s.AddTestHandler(typeof(PoisonPillHandler)));
        await _app.InitializeAsync();
        _client = _app.CreateAdminClient();

        _rabbit = await new ConnectionFactory { Uri = new Uri(TestServers.RabbitMq) }.CreateConnectionAsync();
        _channel = await _rabbit.CreateChannelAsync();
        var queue = (await _channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        var exchange = ServiceTopology.ExchangeName(typeof(ProductCreated), _app.MessagingNamespace);
        await _channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
        await _channel.QueueBindAsync(queue, exchange, "");
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += (_, args) =>
        {
            _bodies.Enqueue(Encoding.UTF8.GetString(args.Body.Span));
            return Task.CompletedTask;
        };
        await _channel.BasicConsumeAsync(queue, autoAck: true, consumer);
    }

    public async Task DisposeAsync()
    {
        await _channel.CloseAsync();
        await _rabbit.CloseAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task CreateProduct_Committed_EventPublishedToExchangeOnce()
    {
        var id = await MessagingAssertions.CreateProductAsync(_client, "RQ-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.NotEmpty(id);
        await Poll.UntilFoundAsync(() => _bodies.FirstOrDefault(b => b.Contains(id, StringComparison.Ordinal)), "ProductCreated on RabbitMQ", MessagingAssertions.Delivery);
        await Poll.StaysAsync(() => _bodies.Count(b => b.Contains(id, StringComparison.Ordinal)) == 1, "one ProductCreated on RabbitMQ",
            MessagingAssertions.DuplicateWindow);
    }

    [Fact]
    public async Task CreateProduct_RolledBack_NothingPublished()
    {
        var sku = "RR-" + Guid.NewGuid().ToString("N")[..8];
        var ids = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => MessagingAssertions.CreateProductAsync(_client, sku)));
        var winner = Assert.Single(ids, i => i.Length > 0);
        await Poll.UntilFoundAsync(() => _bodies.FirstOrDefault(b => b.Contains(winner, StringComparison.Ordinal)), "the winner's ProductCreated", MessagingAssertions.Delivery);
        await Poll.StaysAsync(() => _bodies.Count(b => b.Contains(sku, StringComparison.Ordinal)) == 1, "only the winner's ProductCreated on RabbitMQ",
            MessagingAssertions.DuplicateWindow);
    }

    [Fact]
    public async Task PoisonMessage_OverRabbitMq_LandsInDeadLetterTableAfterRetries()
    {
        var pill = new PoisonPill(Guid.NewGuid());
        var bus = _app.Services.GetRequiredService<IMessageBus>();
        await bus.EndpointFor(new Uri("rabbitmq://queue/" + _app.QueueName)).SendAsync(pill);
        var dead = await MessagingAssertions.DeadLetterOfAsync(_app, pill.Id);
        Assert.Contains("PoisonPill", dead.MessageType, StringComparison.Ordinal);
        Assert.Equal(typeof(InvalidOperationException).FullName, dead.ExceptionType);
        Assert.Equal(6, PoisonPillHandler.Attempts[pill.Id]);
    }
}
