using Agora.Contracts.Messaging;
using Agora.Http;
using Agora.Auth;
using Agora.Hosting;
using Agora.Storage;
using JasperFx;
using JasperFx.CodeGeneration;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wolverine;
using Wolverine.EntityFrameworkCore;
using Wolverine.ErrorHandling;
using Wolverine.Postgresql;
using Wolverine.RabbitMQ;
using Wolverine.Sqlite;
using Wolverine.Transports.Tcp;

namespace Agora.Messaging;

/// <summary>
/// Wolverine as docs/architecture.md §4 says: durable outbox and inbox in the service's own database, TCP between the
/// processes (embedded) or RabbitMQ (distributed), retries at 100/200/400/800/1600 ms then the dead-letter queue,
/// and the correlation id in a message header.
/// </summary>
public static class MessagingExtensions
{
    /// <summary>
    /// Where <c>codegen write</c> writes the handler code instead of the project's <c>Internal/Generated</c> folder
    /// (scripts/codegen.sh --check writes into a temporary folder and compares).
    /// </summary>
    public const string CodegenOutputKey = "Agora:Codegen:OutputPath";

    /// <summary>Retry delays before a message is dead-lettered (docs/architecture.md §4).</summary>
    public static readonly TimeSpan[] RetryDelays =
    [
        TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400),
        TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(1600),
    ];

    /// <summary>
    /// The waits between attempts of a message whose handler failed because the database was unreachable
    /// (<see cref="DbErrors.IsTransient"/>): quick at first, then every 30 s, about eight and a half minutes in all
    /// before the message is dead-lettered.
    /// </summary>
    public static readonly TimeSpan[] DatabaseOutageDelays =
    [
        TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500),
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(15),
        .. Enumerable.Repeat(TimeSpan.FromSeconds(30), 16),
    ];

    /// <summary>
    /// Adds Wolverine, its durable outbox and inbox in <paramref name="database"/> (what <c>AddAgoraDbContext</c>
    /// returned: the outbox commits with the service's own changes). <paramref name="configure"/> adds the service's
    /// own routes and handlers.
    /// </summary>
    public static IHostApplicationBuilder AddAgoraMessaging(
        this IHostApplicationBuilder builder, DatabaseTarget database, System.Reflection.Assembly applicationAssembly,
        Action<WolverineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(database);
        var agora = builder.RequireAgoraService("AddAgoraMessaging");
        var service = agora.ServiceName;
        var messaging = builder.Configuration.GetSection(MessagingOptions.SectionName).Get<MessagingOptions>() ?? new MessagingOptions();
        builder.Services.AddValidatedOptions<MessagingOptions>(MessagingOptions.SectionName);

        // One place decides how the broker is reached (TLS under Agora:Tls:Mode=Mutual): the transport and the readiness check.
        var rabbit = agora.Mode == AgoraMode.Distributed
            ? RabbitMqConnection.From(builder.Configuration, service, builder.Environment.ContentRootPath, TimeProvider.System)
            : null;

        // A broker restart or a peer's restart is one Warning per outage, not an Error per batch Wolverine tries to send.
        TransportOutageLog.AddTo(builder);

        builder.Services.AddWolverine(opts =>
        {
            opts.ServiceName = service;
            opts.ApplicationAssembly = applicationAssembly;

            // The handler code is generated ahead (scripts/codegen.sh: the codegen verb) into the service's
            // Internal/Generated folder and compiled with it: nothing is compiled at run time, and Roslyn is not shipped.
            opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Static;
            if (builder.Configuration[CodegenOutputKey] is { Length: > 0 } codegenOutput)
            {
                opts.CodeGeneration.GeneratedCodeOutputPath = codegenOutput;
            }

            opts.AutoBuildMessageStorageOnStartup = AutoCreate.CreateOrUpdate;
            opts.Durability.ScheduledJobPollingTime = messaging.RecoveryPollingInterval;
            opts.Durability.RecoveryBatchSize = 500;

            if (database.Provider == DatabaseProvider.Sqlite)
            {
                opts.Durability.Mode = DurabilityMode.Solo;
                opts.PersistMessagesWithSqlite(database.ConnectionString);
                // Plaintext TCP, so loopback only (docs/architecture.md §4): "localhost" binds 127.0.0.1, never 0.0.0.0.
                opts.ListenAtPort(messaging.ListenPort ?? ServiceTopology.MessagePort(service), LoopbackListenAddress(messaging)).UseDurableInbox();
                foreach (var (type, subscribers) in ServiceTopology.Subscriptions)
                {
                    foreach (var subscriber in subscribers.Where(s => s != service))
                    {
                        var (host, port) = Peer(messaging, subscriber);
                        opts.PublishMessage(type).ToServerAndPort(host, port).UseDurableOutbox().Endpoint.MessageBatchTimeout = messaging.SendBatchTimeout;
                    }
                }

                foreach (var extra in messaging.ExtraSubscribers)
                {
                    var type = ServiceTopology.Subscriptions.Keys.FirstOrDefault(t => t.Name == extra.Message)
                        ?? throw new InvalidOperationException($"Unknown event type '{extra.Message}' in {MessagingOptions.SectionName}.");
                    opts.PublishMessage(type).ToServerAndPort(extra.Host, extra.Port).UseDurableOutbox().Endpoint.MessageBatchTimeout = messaging.SendBatchTimeout;
                }
            }
            else
            {
                opts.Durability.Mode = DurabilityMode.Balanced;
                opts.PersistMessagesWithPostgresql(database.ConnectionString, StorageExtensions.WolverineSchema(database.Provider));
                var transport = opts.UseRabbitMq(rabbit!.Configure)
                    .AutoProvision()
                    // Dead letters go to the service's database, so one admin API serves both modes.
                    .CustomizeDeadLetterQueueing(new DeadLetterQueue("agora.dead-letters", DeadLetterQueueMode.WolverineStorage));
                var queue = messaging.QueueName ?? ServiceTopology.QueueName(service, messaging.Namespace);
                foreach (var (type, subscribers) in ServiceTopology.Subscriptions)
                {
                    var exchange = ServiceTopology.ExchangeName(type, messaging.Namespace);
                    opts.PublishMessage(type).ToRabbitExchange(exchange, e => e.ExchangeType = ExchangeType.Fanout).UseDurableOutbox();
                    if (subscribers.Contains(service))
                    {
                        transport.BindExchange(exchange, ExchangeType.Fanout).ToQueue(queue);
                    }
                }

                // Every service has its own queue: its subscriptions and the commands addressed to it land there.
                opts.ListenToRabbitQueue(queue).UseDurableInbox();
            }

            opts.UseEntityFrameworkCoreTransactions();
            opts.Policies.AutoApplyTransactions();
            // The service's database restarting is not the message's fault: five quick retries (3 s) would dead-letter
            // it, and with the database down the dead-letter store cannot take it either. Wait the outage out.
            opts.OnException(DbErrors.IsTransient, "the database unreachable").RetryWithCooldown(DatabaseOutageDelays).Then.MoveToErrorQueue();
            opts.OnException<Exception>().RetryWithCooldown(RetryDelays).Then.MoveToErrorQueue();

            // Every dead-lettering is counted and logged as it happens (DeadLetterWireTap).
            opts.Policies.AllListeners(l => l.UseWireTap(DeadLetterWireTap.ServiceKey));
            opts.Policies.AllSenders(s => s.UseWireTap(DeadLetterWireTap.ServiceKey));

            // The correlation id rides in a header and becomes the handler's ambient correlation.
            opts.Policies.PropagateIncomingHeaderToOutgoing(CorrelationContext.CorrelationIdHeader);
            opts.Policies.AllSenders(s => s.CustomizeOutgoing(CorrelationEnvelopeRule.Stamp));
            opts.Policies.AddMiddleware(typeof(CorrelationMiddleware), _ => true);

            configure?.Invoke(opts);
        });

        builder.AddDeadLetters();
        builder.Services.AddHealthChecks().AddCheck<MessageStoreHealthCheck>("message-store", tags: [HealthTags.Ready]);
        if (rabbit is not null)
        {
            builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
                "rabbitmq", _ => new RabbitMqHealthCheck(rabbit), null, [HealthTags.Ready], TimeSpan.FromSeconds(3)));
        }

        return builder;
    }

    /// <summary>
    /// The dead-letter metric and log (<see cref="DeadLetterWireTap"/>) and the admin API's policy and OpenAPI tag;
    /// <c>MapDefaultEndpoints</c> maps the API (<see cref="DeadLetterAdminApi"/>) through <see cref="IDefaultEndpoints"/>.
    /// </summary>
    private static void AddDeadLetters(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DeadLetterMetrics>();
        builder.Services.AddKeyedSingleton<IWireTap, DeadLetterWireTap>(DeadLetterWireTap.ServiceKey);
        builder.Services.AddOpenApiTag(DeadLetterAdminApi.Tag, DeadLetterAdminApi.TagDescription);
        builder.Services.AddSingleton<IDefaultEndpoints, DeadLetterAdminApi.Endpoints>();

        // After every Configure, so a service's own policy under this name (Identity's) wins.
        builder.Services.PostConfigure<AuthorizationOptions>(o =>
        {
            if (o.GetPolicy(DeadLetterAdminApi.Policy) is null)
            {
                o.AddPolicy(DeadLetterAdminApi.Policy, p => p.RequireAgoraAccess(new AgoraAccessRequirement(staffScopes: [AgoraScopes.AdminOps])));
            }
        });
    }

    /// <summary>Embedded mode: the host and port a peer service receives messages on.</summary>
    internal static (string Host, int Port) Peer(MessagingOptions messaging, string service)
    {
        if (!messaging.Peers.TryGetValue(service, out var configured) || string.IsNullOrWhiteSpace(configured))
        {
            return ("localhost", ServiceTopology.MessagePort(service));
        }

        var i = configured.LastIndexOf(':');
        var (host, portText) = i < 0 ? ("localhost", configured) : (configured[..i], configured[(i + 1)..]);
        return int.TryParse(portText, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? (host.Length == 0 ? "localhost" : host, port)
            : throw new InvalidOperationException($"{MessagingOptions.SectionName}:Peers:{service} is '{configured}'; use host:port or a port.");
    }

    /// <summary>
    /// Embedded mode: the address the TCP listener binds to, <c>localhost</c> or an IPv4 loopback address. Anything
    /// else (0.0.0.0, a host name, a routable address) would put plaintext messages on the network: refused.
    /// </summary>
    internal static string LoopbackListenAddress(MessagingOptions messaging)
    {
        var address = messaging.ListenAddress.Trim();
        if (address == MessagingOptions.DefaultListenAddress
            || (System.Net.IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                && System.Net.IPAddress.IsLoopback(ip)))
        {
            return address;
        }

        throw new InvalidOperationException(
            $"{MessagingOptions.SectionName}:ListenAddress is '{messaging.ListenAddress}'; the embedded TCP transport is plaintext and "
            + "listens on loopback only: use localhost or an address in 127.0.0.0/8.");
    }
}
