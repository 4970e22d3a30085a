using System.Collections.Concurrent;
using Agora.Contracts.Messaging;
using Agora.Contracts.Orders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wolverine;
using Wolverine.RabbitMQ;
using Wolverine.Transports.Tcp;

namespace Agora.Ordering.Tests.Infrastructure;

/// <summary>One message the peer received: a saga command or one of Ordering's integration events.</summary>
public sealed record Received(string OrderId, object Message, DateTimeOffset At);

/// <summary>
/// What Catalog, Payment and Shipping answer, as the test scripts it (one script per peer, so test classes running in
/// parallel never share one). By default every step succeeds at once; the sets below change that per product or per
/// customer, so the tests of one class never disturb each other's orders. Every message received is recorded.
/// </summary>
public sealed class PeerScript
{
    /// <summary>A postal code no carrier serves: CreateShipment is answered with ShipmentFailed.</summary>
    public const string UnservedPostalCode = "00000";

    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, AuthorizePayment> _authorized = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _declined = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _reserved = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _captured = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _committed = new(StringComparer.Ordinal);

    /// <summary>Products short of stock: a reservation naming one is rejected.</summary>
    public ConcurrentDictionary<string, byte> OutOfStock { get; } = new(StringComparer.Ordinal);

    /// <summary>Products whose reservation gets no answer (Catalog is down).</summary>
    public ConcurrentDictionary<string, byte> SilentStockProducts { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers whose card is declined.</summary>
    public ConcurrentDictionary<string, byte> DeclineCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers whose AuthorizePayment gets no answer at all (Payment is down).</summary>
    public ConcurrentDictionary<string, byte> SilentPaymentCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers whose AuthorizePayment is answered PaymentPending (Payment is up, the PSP is not).</summary>
    public ConcurrentDictionary<string, byte> PendingPaymentCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers whose payment is authorized but whose answer is held back (the test delivers it).</summary>
    public ConcurrentDictionary<string, byte> QuietPaymentCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers whose CreateShipment gets no answer (Shipping is down).</summary>
    public ConcurrentDictionary<string, byte> SilentShippingCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers whose capture is refused by the PSP (the authorization expired).</summary>
    public ConcurrentDictionary<string, byte> CaptureFailCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers whose CommitStockForOrder gets no answer (Catalog is down after the payment was taken).</summary>
    public ConcurrentDictionary<string, byte> SilentCommitCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers whose payment is authorized for 1 (a caller tampered with the amount), not the order's total.</summary>
    public ConcurrentDictionary<string, byte> AuthorizeOneCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers whose capture takes 1 less than what was authorized.</summary>
    public ConcurrentDictionary<string, byte> CaptureShortCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers whose orders get every answer three times at once (redeliveries racing each other).</summary>
    public ConcurrentDictionary<string, byte> DuplicatingCustomers { get; } = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, string> _customerOf = new(StringComparer.Ordinal);

    public IReadOnlyList<Received> All => _received.ToArray();

    /// <summary>The messages of type <typeparamref name="T"/> received for <paramref name="orderId"/>, in arrival order.</summary>
    public IReadOnlyList<T> Of<T>(string orderId) =>
        _received.Where(r => r.OrderId == orderId && r.Message is T).Select(r => (T)r.Message).ToList();

    /// <summary>The first message of type <typeparamref name="T"/> received for <paramref name="orderId"/>, if any.</summary>
    public T? FirstOf<T>(string orderId) where T : class =>
        _received.Where(r => r.OrderId == orderId).Select(r => r.Message).OfType<T>().FirstOrDefault();

    /// <summary>Whether the peer (Payment) declined this order's payment: then there is no authorization to undo.</summary>
    public bool Declined(string orderId) => _declined.ContainsKey(orderId);

    /// <summary>Whether the peer (Payment) authorized this order's payment (holds money for it).</summary>
    public bool Authorized(string orderId) => _authorized.ContainsKey(orderId);

    /// <summary>Whether the peer (Payment) took the money for this order.</summary>
    public bool Captured(string orderId) => _captured.ContainsKey(orderId);

    /// <summary>Whether the peer (Catalog) sold the reserved stock of this order.</summary>
    public bool Committed(string orderId) => _committed.ContainsKey(orderId);

    /// <summary>Whether the peer (Catalog) reserved stock for this order.</summary>
    public bool Reserved(string orderId) => _reserved.ContainsKey(orderId);

    /// <summary>The PaymentAuthorized answer the peer holds for a quietly authorized order (a fresh copy each call).</summary>
    public PaymentAuthorized HeldAuthorization(string orderId)
    {
        var c = _authorized[orderId];
        return new PaymentAuthorized(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, PaymentId(orderId), c.Amount, c.Currency, "psp_" + orderId);
    }

    internal List<object> Answer(object message)
    {
        var now = DateTimeOffset.UtcNow;
        var orderId = OrderIdOf(message);
        _received.Enqueue(new Received(orderId, message, now));
        var answers = new List<object>();
        foreach (var answer in Decide(message, now))
        {
            answers.Add(answer);
            if (_customerOf.TryGetValue(orderId, out var customer) && DuplicatingCustomers.ContainsKey(customer))
            {
                answers.Add(Fresh(answer));
                answers.Add(Fresh(answer));
            }
        }

        return answers;
    }

    private IEnumerable<object> Decide(object message, DateTimeOffset now)
    {
        switch (message)
        {
            case ReserveStockForOrder c:
                if (c.Lines.Any(l => SilentStockProducts.ContainsKey(l.ProductId)))
                {
                    yield break;
                }

                var missing = c.Lines.Where(l => OutOfStock.ContainsKey(l.ProductId)).Select(l => l.ProductId).ToList();
                if (missing.Count > 0)
                {
                    yield return new StockReservationRejected(Guid.NewGuid(), now, c.OrderId, "insufficient stock", missing);
                }
                else
                {
                    _reserved[c.OrderId] = 0;
                    yield return new StockReservedForOrder(Guid.NewGuid(), now, c.OrderId, now + c.Hold);
                }

                break;
            case ReleaseStockForOrder c:
                yield return new StockReleasedForOrder(Guid.NewGuid(), now, c.OrderId);
                break;
            case CommitStockForOrder c:
                if (_customerOf.TryGetValue(c.OrderId, out var committing) && SilentCommitCustomers.ContainsKey(committing))
                {
                    yield break;
                }

                _committed[c.OrderId] = 0;
                yield return new StockCommittedForOrder(Guid.NewGuid(), now, c.OrderId);
                break;
            case AuthorizePayment c:
                _customerOf[c.OrderId] = c.CustomerId;
                var paymentId = PaymentId(c.OrderId);
                if (SilentPaymentCustomers.ContainsKey(c.CustomerId))
                {
                    yield break;
                }

                if (QuietPaymentCustomers.ContainsKey(c.CustomerId))
                {
                    _authorized[c.OrderId] = c;
                    yield break;
                }

                if (PendingPaymentCustomers.ContainsKey(c.CustomerId))
                {
                    yield return new PaymentPending(Guid.NewGuid(), now, c.OrderId, paymentId, "psp unavailable");
                }
                else if (DeclineCustomers.ContainsKey(c.CustomerId))
                {
                    _declined[c.OrderId] = 0;
                    yield return new PaymentDeclined(Guid.NewGuid(), now, c.OrderId, paymentId, "card declined");
                }
                else if (AuthorizeOneCustomers.ContainsKey(c.CustomerId))
                {
                    _authorized[c.OrderId] = c with { Amount = 1 };
                    yield return new PaymentAuthorized(Guid.NewGuid(), now, c.OrderId, paymentId, 1, c.Currency, "psp_" + c.OrderId);
                }
                else
                {
                    _authorized[c.OrderId] = c;
                    yield return new PaymentAuthorized(Guid.NewGuid(), now, c.OrderId, paymentId, c.Amount, c.Currency, "psp_" + c.OrderId);
                }

                break;
            case CapturePayment c:
                if (_customerOf.TryGetValue(c.OrderId, out var capturing) && CaptureFailCustomers.ContainsKey(capturing))
                {
                    yield return new PaymentCaptureFailed(Guid.NewGuid(), now, c.OrderId, PaymentId(c.OrderId), "authorization expired");
                }
                else if (_authorized.TryGetValue(c.OrderId, out var held))
                {
                    _captured[c.OrderId] = 0;
                    var shortChanged = _customerOf.TryGetValue(c.OrderId, out var taker) && CaptureShortCustomers.ContainsKey(taker);
                    yield return new PaymentCaptured(Guid.NewGuid(), now, c.OrderId, PaymentId(c.OrderId), shortChanged ? held.Amount - 1 : held.Amount, held.Currency);
                }
                else
                {
                    yield return new PaymentCaptureFailed(Guid.NewGuid(), now, c.OrderId, PaymentId(c.OrderId), "no authorization");
                }

                break;
            case VoidPayment c:
                yield return new PaymentVoided(Guid.NewGuid(), now, c.OrderId, _authorized.ContainsKey(c.OrderId) ? PaymentId(c.OrderId) : "");
                break;
            case RefundPayment c:
                yield return new PaymentRefunded(Guid.NewGuid(), now, c.OrderId, PaymentId(c.OrderId), c.Amount, c.Currency);
                break;
            case CreateShipment c:
                _customerOf[c.OrderId] = c.CustomerId;
                if (SilentShippingCustomers.ContainsKey(c.CustomerId))
                {
                    yield break;
                }

                if (c.Address.PostalCode == UnservedPostalCode)
                {
                    yield return new ShipmentFailed(Guid.NewGuid(), now, c.OrderId, "address not serviceable");
                }
                else
                {
                    yield return new ShipmentCreated(Guid.NewGuid(), now, c.OrderId, "shp_" + c.OrderId[4..], "cj-logistics", "KR" + Random.Shared.Next(100_000_000, 999_999_999));
                }

                break;
            case CancelShipment c:
                yield return new ShipmentCancelled(Guid.NewGuid(), now, c.OrderId, "shp_" + c.OrderId[4..]);
                break;
            case OrderPlaced e:
                _customerOf[e.OrderId] = e.Customer.CustomerId;
                break;
        }
    }

    private static string PaymentId(string orderId) => "pay_" + orderId[4..];

    /// <summary>A copy of an answer with its own event id, as a redelivered or re-published answer would be.</summary>
    private static object Fresh(object answer) => answer switch
    {
        StockReservedForOrder a => a with { EventId = Guid.NewGuid() },
        PaymentAuthorized a => a with { EventId = Guid.NewGuid() },
        ShipmentCreated a => a with { EventId = Guid.NewGuid() },
        PaymentCaptured a => a with { EventId = Guid.NewGuid() },
        StockCommittedForOrder a => a with { EventId = Guid.NewGuid() },
        _ => answer,
    };

    private static string OrderIdOf(object message) => message switch
    {
        ReserveStockForOrder m => m.OrderId,
        ReleaseStockForOrder m => m.OrderId,
        CommitStockForOrder m => m.OrderId,
        AuthorizePayment m => m.OrderId,
        CapturePayment m => m.OrderId,
        VoidPayment m => m.OrderId,
        RefundPayment m => m.OrderId,
        CreateShipment m => m.OrderId,
        CancelShipment m => m.OrderId,
        OrderPlaced m => m.OrderId,
        OrderConfirmed m => m.OrderId,
        OrderCancelled m => m.OrderId,
        OrderPaymentFailed m => m.OrderId,
        OrderShipped m => m.OrderId,
        OrderDelivered m => m.OrderId,
        _ => "",
    };
}

/// <summary>The peer's Wolverine handler: records each message and sends the script's answers back to Ordering.</summary>
public sealed class ScriptedPeerHandler(PeerScript script)
{
    public IEnumerable<object> Handle(ReserveStockForOrder m) => script.Answer(m);

    public IEnumerable<object> Handle(ReleaseStockForOrder m) => script.Answer(m);

    public IEnumerable<object> Handle(CommitStockForOrder m) => script.Answer(m);

    public IEnumerable<object> Handle(AuthorizePayment m) => script.Answer(m);

    public IEnumerable<object> Handle(CapturePayment m) => script.Answer(m);

    public IEnumerable<object> Handle(VoidPayment m) => script.Answer(m);

    public IEnumerable<object> Handle(RefundPayment m) => script.Answer(m);

    public IEnumerable<object> Handle(CreateShipment m) => script.Answer(m);

    public IEnumerable<object> Handle(CancelShipment m) => script.Answer(m);

    public IEnumerable<object> Handle(OrderPlaced m) => script.Answer(m);

    public IEnumerable<object> Handle(OrderConfirmed m) => script.Answer(m);

    public IEnumerable<object> Handle(OrderCancelled m) => script.Answer(m);

    public IEnumerable<object> Handle(OrderPaymentFailed m) => script.Answer(m);

    public IEnumerable<object> Handle(OrderShipped m) => script.Answer(m);

    public IEnumerable<object> Handle(OrderDelivered m) => script.Answer(m);
}

/// <summary>
/// Catalog, Payment, Shipping and Notification as ONE test double: a Wolverine host in the test process that receives
/// what Ordering sends them over the real transport of the mode and answers per its <see cref="PeerScript"/>.
/// Embedded: it listens on a TCP port (Ordering's <c>Peers</c> point there) and answers to Ordering's message port.
/// Distributed: it binds its own RabbitMQ queue to the exchanges of the commands and events it wants in Ordering's
/// namespace, and publishes answers to the answer types' exchanges in that namespace.
/// </summary>
public sealed class ScriptedPeer : IAsyncDisposable
{
    /// <summary>The services the peer stands in for.</summary>
    public static readonly string[] Services = ["catalog", "payment", "shipping", "notification"];

    /// <summary>What Ordering sends the peers (by ServiceTopology) and the events of its own nobody subscribes to yet.</summary>
    public static readonly Type[] Inbound = ServiceTopology.Subscriptions
        .Where(s => s.Value.Any(Services.Contains) || s.Key == typeof(OrderPlaced))
        .Select(s => s.Key).ToArray();

    /// <summary>What the peers answer Ordering.</summary>
    public static readonly Type[] Outbound = ServiceTopology.Subscriptions.Where(s => s.Value.Contains("ordering")).Select(s => s.Key).ToArray();

    private readonly IHost _host;

    private ScriptedPeer(IHost host, PeerScript script, int? port)
    {
        _host = host;
        Script = script;
        Port = port;
    }

    public PeerScript Script { get; }

    /// <summary>Embedded: the TCP port the peer listens on.</summary>
    public int? Port { get; }

    /// <summary>Embedded: listens on a free port and answers to <paramref name="orderingPort"/>.</summary>
    public static Task<ScriptedPeer> StartEmbeddedAsync(int orderingPort)
    {
        var port = TestServers.FreePort();
        return StartAsync(port, opts =>
        {
            opts.ListenAtPort(port);
            foreach (var type in Outbound)
            {
                opts.PublishMessage(type).ToPort(orderingPort);
            }
        });
    }

    /// <summary>Distributed: its own queue in <paramref name="ns"/>, bound to the exchanges of <see cref="Inbound"/>.</summary>
    public static Task<ScriptedPeer> StartDistributedAsync(string ns) => StartAsync(null, opts =>
    {
        var queue = ns + ".peer";
        var transport = opts.UseRabbitMq(new Uri(TestServers.RabbitMq)).AutoProvision();
        foreach (var type in Inbound)
        {
            transport.BindExchange(ServiceTopology.ExchangeName(type, ns), ExchangeType.Fanout).ToQueue(queue);
        }

        foreach (var type in Outbound)
        {
            opts.PublishMessage(type).ToRabbitExchange(ServiceTopology.ExchangeName(type, ns), e => e.ExchangeType = ExchangeType.Fanout);
        }

        opts.ListenToRabbitQueue(queue, q => q.AutoDelete = true);
    });

    private static async Task<ScriptedPeer> StartAsync(int? port, Action<WolverineOptions> transport)
    {
        var script = new PeerScript();
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .ConfigureServices(s => s.AddSingleton(script))
            .UseWolverine(opts =>
            {
                opts.ServiceName = "peer";
                opts.ApplicationAssembly = typeof(ScriptedPeerHandler).Assembly;
                opts.Discovery.DisableConventionalDiscovery().IncludeType<ScriptedPeerHandler>();
                transport(opts);
            }).Build();
        await host.StartAsync();
        return new ScriptedPeer(host, script, port);
    }

    /// <summary>Sends Ordering a message of its own accord (tracking events), over the same route as the answers.</summary>
    public async Task PublishAsync(object message) => await _host.Services.GetRequiredService<IMessageBus>().PublishAsync(message);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
