using System.Collections.Concurrent;
using Agora.Contracts.Messaging;
using Agora.Contracts.Orders;
using Agora.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wolverine;
using Wolverine.RabbitMQ;
using Wolverine.Transports.Tcp;

namespace Agora.Payment.Tests.Infrastructure;

/// <summary>
/// Stands in for Ordering: sends Payment the saga's commands over the real transport (Wolverine TCP to Payment's port
/// in the embedded mode, the RabbitMQ exchanges of Payment's namespace in the distributed one) and records the answers
/// Payment publishes, as Ordering would receive them.
/// </summary>
public sealed class FakeOrdering : IAsyncDisposable
{
    private static readonly Type[] Commands = [typeof(AuthorizePayment), typeof(CapturePayment), typeof(VoidPayment), typeof(RefundPayment)];

    private static readonly Type[] Answers =
    [
        typeof(PaymentAuthorized), typeof(PaymentDeclined), typeof(PaymentPending), typeof(PaymentCaptured),
        typeof(PaymentCaptureFailed), typeof(PaymentVoided), typeof(PaymentRefunded),
    ];

    private readonly IHost _host;

    private FakeOrdering(IHost host) => _host = host;

    public static async Task<FakeOrdering> StartAsync(PaymentApp app)
    {
        var host = Host.CreateDefaultBuilder().UseWolverine(opts =>
        {
            opts.ServiceName = "fake-ordering";
            opts.ApplicationAssembly = typeof(FakeOrderingHandler).Assembly;
            opts.Discovery.DisableConventionalDiscovery().IncludeType(typeof(FakeOrderingHandler));
            if (app.Mode == AgoraMode.Embedded)
            {
                opts.ListenAtPort(app.OrderingPort);
                foreach (var command in Commands)
                {
                    opts.PublishMessage(command).ToPort(app.MessagePort);
                }
            }
            else
            {
                var ns = app.MessagingNamespace;
                var queue = ServiceTopology.QueueName("ordering", ns);
                var rabbit = opts.UseRabbitMq(new Uri(TestServers.RabbitMq)).AutoProvision();
                foreach (var answer in Answers)
                {
                    rabbit.BindExchange(ServiceTopology.ExchangeName(answer, ns), ExchangeType.Fanout).ToQueue(queue);
                }

                foreach (var command in Commands)
                {
                    opts.PublishMessage(command).ToRabbitExchange(ServiceTopology.ExchangeName(command, ns), e => e.ExchangeType = ExchangeType.Fanout);
                }

                opts.ListenToRabbitQueue(queue);
            }
        }).Build();
        await host.StartAsync();
        return new FakeOrdering(host);
    }

    public Task SendAsync(IAgoraCommand command) => _host.Services.GetRequiredService<IMessageBus>().PublishAsync(command).AsTask();

    /// <summary>Every answer received so far about <paramref name="orderId"/>, in arrival order.</summary>
    public static List<object> AnswersFor(string orderId) => FakeOrderingHandler.Received.Where(m => OrderIdOf(m) == orderId).ToList();

    /// <summary>Waits until <paramref name="count"/> answers of type <typeparamref name="T"/> arrived for the order.</summary>
    public static async Task<T> WaitForAsync<T>(string orderId, int count = 1, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var matching = AnswersFor(orderId).OfType<T>().ToList();
            if (matching.Count >= count)
            {
                return matching[count - 1];
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException(
            $"Timed out waiting for {typeof(T).Name} #{count} for {orderId}; received: {string.Join(", ", AnswersFor(orderId).Select(a => a.GetType().Name))}");
    }

    public static string OrderIdOf(object message) => message switch
    {
        PaymentAuthorized m => m.OrderId,
        PaymentDeclined m => m.OrderId,
        PaymentPending m => m.OrderId,
        PaymentCaptured m => m.OrderId,
        PaymentCaptureFailed m => m.OrderId,
        PaymentVoided m => m.OrderId,
        PaymentRefunded m => m.OrderId,
        _ => "",
    };

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>Records what Payment answered (shared by every fake Ordering; tests tell theirs apart by order id).</summary>
public static class FakeOrderingHandler
{
    public static readonly ConcurrentQueue<object> Received = new();

    public static void Handle(PaymentAuthorized m) => Received.Enqueue(m);
    public static void Handle(PaymentDeclined m) => Received.Enqueue(m);
    public static void Handle(PaymentPending m) => Received.Enqueue(m);
    public static void Handle(PaymentCaptured m) => Received.Enqueue(m);
    public static void Handle(PaymentCaptureFailed m) => Received.Enqueue(m);
    public static void Handle(PaymentVoided m) => Received.Enqueue(m);
    public static void Handle(PaymentRefunded m) => Received.Enqueue(m);
}
