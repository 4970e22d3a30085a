using System.Collections.Concurrent;
using Agora.Contracts.Messaging;
using Agora.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wolverine;
using Wolverine.RabbitMQ;
using Wolverine.Transports.Tcp;

namespace Agora.Testing;

/// <summary>
/// Stands in for the services around a service under test, over the real transport of the mode: in the embedded mode a
/// Wolverine host on a free TCP port (the app's peers point at it), in the distributed mode a Wolverine host on the test
/// RabbitMQ, in the app's messaging namespace, publishing to and binding the same fan-out exchanges the services use.
/// It sends the commands and events a test gives it and records what it receives (in <see cref="ProbeRecorder"/>, via
/// the handler types the test names, since Wolverine needs a concrete handler per message type).
/// </summary>
/// <remarks>
/// Create it before the app, call <see cref="ReceiveFor{T}"/> while configuring the app (embedded: the app's peers must
/// point here before it starts), then <see cref="StartAsync{T}"/> once the app has started.
/// </remarks>
public sealed class MessageProbe(AgoraMode mode) : IAsyncDisposable
{
    private IHost? _host;

    /// <summary>Embedded mode: the TCP port the probe listens on.</summary>
    public int Port { get; } = TestServers.FreePort();

    /// <summary>Makes the app send what it addresses to <paramref name="peers"/> (service names) to this probe (embedded).</summary>
    public void ReceiveFor<T>(ServiceApp<T> app, params string[] peers) where T : class
    {
        if (mode != AgoraMode.Embedded)
        {
            return;
        }

        foreach (var peer in peers)
        {
            app.With($"Agora:Messaging:Peers:{peer}", "localhost:" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// Starts the probe for a started <paramref name="app"/>: it will send <paramref name="sends"/> to the app and receive
    /// <paramref name="receives"/> from it, handled by <paramref name="handlers"/>.
    /// </summary>
    public async Task StartAsync<T>(ServiceApp<T> app, Type[] handlers, Type[] sends, Type[] receives) where T : class
    {
        _ = app.Services; // the app is running before anything is sent to it
        _host = Host.CreateDefaultBuilder().UseWolverine(opts =>
        {
            opts.ServiceName = "probe";
            opts.ApplicationAssembly = handlers.FirstOrDefault()?.Assembly ?? typeof(MessageProbe).Assembly;
            var discovery = opts.Discovery.DisableConventionalDiscovery();
            foreach (var handler in handlers)
            {
                discovery.IncludeType(handler);
            }

            if (mode == AgoraMode.Embedded)
            {
                opts.ListenAtPort(Port);
                foreach (var type in sends)
                {
                    opts.PublishMessage(type).ToServerAndPort("localhost", app.MessagePort);
                }
            }
            else
            {
                var ns = app.MessagingNamespace;
                var transport = opts.UseRabbitMq(new Uri(TestServers.RabbitMq)).AutoProvision();
                var queue = ns + ".probe." + Guid.NewGuid().ToString("N")[..8];
                foreach (var type in receives)
                {
                    transport.BindExchange(ServiceTopology.ExchangeName(type, ns), ExchangeType.Fanout).ToQueue(queue);
                }

                opts.ListenToRabbitQueue(queue, q =>
                {
                    q.AutoDelete = true;
                    q.IsDurable = false;
                });
                foreach (var type in sends)
                {
                    opts.PublishMessage(type).ToRabbitExchange(ServiceTopology.ExchangeName(type, ns), e => e.ExchangeType = ExchangeType.Fanout);
                }
            }
        }).Build();
        await _host.StartAsync();
    }

    /// <summary>Sends a message to the app under test, as the service that owns it would.</summary>
    public async Task SendAsync(object message)
    {
        var host = _host ?? throw new InvalidOperationException("Start the probe first.");
        await host.Services.GetRequiredService<IMessageBus>().PublishAsync(message);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }
}

/// <summary>What every probe received, in arrival order (static: probe handlers are static Wolverine handlers).</summary>
public static class ProbeRecorder
{
    private static readonly ConcurrentQueue<object> Received = new();

    /// <summary>Called by a probe's handlers.</summary>
    public static void Record(object message) => Received.Enqueue(message);

    /// <summary>Every received message of type <typeparamref name="T"/> matching <paramref name="match"/>.</summary>
    public static IReadOnlyList<T> All<T>(Func<T, bool> match) => Received.OfType<T>().Where(match).ToList();

    /// <summary>Waits for a matching message; fails the test with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task<T> WaitForAsync<T>(Func<T, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (Received.OfType<T>().FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"Timed out waiting for {what} ({typeof(T).Name}).");
    }
}
